package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

import (
	"net/http"
	"runtime"
	"strings"
	"time"
	"unsafe"
)

// Operation is what a call does, built and checked once (Close frees it). Client's methods
// make their own; build one to drive a Call yourself.
type Operation struct {
	ptr *C.bidcert_operation
}

func newOperation(f func(out **C.bidcert_operation) C.bidcert_status) (*Operation, error) {
	op := &Operation{}
	if err := ccall(func() C.bidcert_status { return f(&op.ptr) }); err != nil {
		return nil, err
	}
	return op, nil
}

// backstop frees op if its owner forgets Close; Client's own operations, closed at once, do
// without.
func (op *Operation) backstop() *Operation {
	runtime.SetFinalizer(op, (*Operation).Close)
	return op
}

// NewQueryOperation is QueryBidUserCertifiedInfo for customer pk.
func NewQueryOperation(pk string, bidType BidType) (*Operation, error) {
	op, err := queryOperation(pk, bidType)
	if err != nil {
		return nil, err
	}
	return op.backstop(), nil
}

func queryOperation(pk string, bidType BidType) (*Operation, error) {
	if err := noNUL(pk); err != nil {
		return nil, err
	}
	cpk, keep := goCString(pk)
	defer runtime.KeepAlive(keep)
	return newOperation(func(out **C.bidcert_operation) C.bidcert_status {
		return C.bidcert_operation_new_query(cpk, C.uint32_t(bidType), out)
	})
}

// NewCertWaysOperation is GenerateAliyunBidCertWaysUrl for req.
func NewCertWaysOperation(req CertWaysRequest) (*Operation, error) {
	op, err := certWaysOperation(req)
	if err != nil {
		return nil, err
	}
	return op.backstop(), nil
}

func certWaysOperation(req CertWaysRequest) (*Operation, error) {
	if err := noNUL(req.AliyunPK); err != nil {
		return nil, err
	}
	creq := certWaysRequest(req)
	defer free(creq.aliyun_pk)
	return newOperation(func(out **C.bidcert_operation) C.bidcert_status {
		return C.bidcert_operation_new_cert_ways_url(&creq, out)
	})
}

// certWaysRequest converts req (checked for NUL bytes) for C: Go memory holding only a C
// pointer, which C may read during a call. Free its aliyun_pk.
func certWaysRequest(req CertWaysRequest) C.bidcert_cert_ways_request {
	return C.bidcert_cert_ways_request{
		aliyun_pk:    cString(req.AliyunPK),
		bid_type:     C.uint32_t(req.BidType),
		platform:     C.uint32_t(req.Platform),
		subject_type: C.uint32_t(req.SubjectType),
		is_open_app:  C.bool(req.IsOpenApp),
		is_mobile:    C.bool(req.IsMobile),
	}
}

// RPCRequest is any other RPC action. Method is "POST" (the default, for "") or "GET";
// Params must not hold common parameters (Timestamp, Signature, ...). Endpoint, when set,
// sends it there (another product) instead of to the client's endpoint of Product.
type RPCRequest struct {
	Product  Product
	Endpoint string
	Action   string
	Version  string
	Method   string
	Params   [][2]string
}

// NewRPCOperation is the RPC action req.
func NewRPCOperation(req RPCRequest) (*Operation, error) {
	op, err := rpcOperation(req)
	if err != nil {
		return nil, err
	}
	return op.backstop(), nil
}

func rpcOperation(req RPCRequest) (*Operation, error) {
	if err := noNUL(req.Endpoint, req.Action, req.Version, req.Method); err != nil {
		return nil, err
	}
	p, n, release, err := cParams(req.Params)
	if err != nil {
		return nil, err
	}
	defer release()
	action, version, method := cString(req.Action), cString(req.Version), optCString(req.Method)
	defer free(action)
	defer free(version)
	defer free(method)
	if req.Endpoint == "" {
		return newOperation(func(out **C.bidcert_operation) C.bidcert_status {
			return C.bidcert_operation_new_rpc(C.uint32_t(req.Product), action, version, method, p, n, out)
		})
	}
	endpoint := cString(req.Endpoint)
	defer free(endpoint)
	return newOperation(func(out **C.bidcert_operation) C.bidcert_status {
		return C.bidcert_operation_new_rpc_at(endpoint, action, version, method, p, n, out)
	})
}

// Close frees the operation (calls started from it keep their own copy). It is idempotent.
func (op *Operation) Close() error {
	if op.ptr != nil {
		C.bidcert_operation_free(op.ptr)
		op.ptr = nil
		runtime.SetFinalizer(op, nil)
	}
	return nil
}

// CallInputs fixes what a call would otherwise take from the system, to replay it exactly
// (the test vectors do). A nil *CallInputs means the system clock, a random nonce and a
// random jitter.
type CallInputs struct {
	Now    time.Time // our clock
	Nonce  string    // NextRequest: the SignatureNonce ("" for a random one)
	Jitter float64   // feeding: where a backoff falls in its range, 0 (shortest) to 1
}

// Attempt is one request to send, as the engine handed it out: send Method to URL with
// Header (when it has a Host, signed by V3, set http.Request.Host to it) and Body, give up
// connecting after ConnectTimeout and the whole exchange after Timeout, and read at most
// MaxBodyBytes+1 bytes of the body.
type Attempt struct {
	Number         int
	Method         string
	URL            string // holds the signature: do not log it
	Header         http.Header
	Body           []byte
	Timeout        time.Duration
	ConnectTimeout time.Duration
	MaxBodyBytes   int64
	Timestamp      string // the signed Timestamp, clock offset included
}

// DecisionKind is what the engine decided after an attempt.
type DecisionKind uint32

// The decisions.
const (
	Done  DecisionKind = C.BIDCERT_DECISION_KIND_DONE
	Retry DecisionKind = C.BIDCERT_DECISION_KIND_RETRY
	Fail  DecisionKind = C.BIDCERT_DECISION_KIND_FAIL
)

// Decision is the engine's answer to an attempt: for Retry, wait After before the next.
type Decision struct {
	Kind  DecisionKind
	After time.Duration
}

// Call is one API call in progress, driven by its caller: NextRequest, send it, then
// FeedResponse or FeedTransportError, and follow the Decision. Client does exactly that with
// net/http. Not safe for concurrent use; Close frees it.
type Call struct {
	ptr *C.bidcert_call
}

// NewCall starts a call of op under the client's policy, credentials and clock offset; the
// call hands the offset it learns back to the client when it has its decision.
func (c *Client) NewCall(op *Operation) (*Call, error) {
	call, err := c.newCall(op)
	if err != nil {
		return nil, err
	}
	runtime.SetFinalizer(call, (*Call).Close) // a backstop only: call Close
	return call, nil
}

// newCall is NewCall without the finalizer, for the Client's own calls, closed at once.
func (c *Client) newCall(op *Operation) (*Call, error) {
	call, err := c.start(func(client *C.bidcert_client, out **C.bidcert_call) C.bidcert_status {
		return C.bidcert_call_new(client, op.ptr, out)
	})
	runtime.KeepAlive(op)
	return call, err
}

// start makes a call with newCall, a bidcert_call_new* function, on the live client.
func (c *Client) start(newCall func(*C.bidcert_client, **C.bidcert_call) C.bidcert_status) (*Call, error) {
	call := &Call{}
	err := c.use(func(client *C.bidcert_client) error {
		return ccall(func() C.bidcert_status { return newCall(client, &call.ptr) })
	})
	if err != nil {
		return nil, err
	}
	return call, nil
}

// SetClockOffset starts the call from another clock offset than the client's (server minus
// ours); only before the first attempt.
func (call *Call) SetClockOffset(offset time.Duration) error {
	return ccall(func() C.bidcert_status {
		return C.bidcert_call_set_clock_offset(call.ptr, C.int64_t(offset/time.Second))
	})
}

// cInputs converts in for C (release frees its nonce); NULL for nil.
func cInputs(in *CallInputs) (*C.bidcert_call_inputs, func(), error) {
	if in == nil {
		return nil, func() {}, nil
	}
	if err := noNUL(in.Nonce); err != nil {
		return nil, nil, err
	}
	nonce := optCString(in.Nonce)
	// Go memory holding only a C pointer: C may read it during the call.
	ci := &C.bidcert_call_inputs{
		now_unix_ms: C.int64_t(in.Now.UnixMilli()),
		nonce:       nonce,
		jitter:      C.double(in.Jitter),
	}
	return ci, func() { free(nonce) }, nil
}

// NextRequest signs the next attempt afresh. A failure ends the call (its budget is spent,
// say), except misuse (an attempt in flight, a call that has its decision).
func (call *Call) NextRequest(in *CallInputs) (*Attempt, error) {
	ci, release, err := cInputs(in)
	if err != nil {
		return nil, err
	}
	defer release()
	var a C.bidcert_attempt
	if err := ccall(func() C.bidcert_status { return C.bidcert_call_next_request(call.ptr, ci, &a) }); err != nil {
		return nil, err
	}
	headers := unsafe.Slice(a.headers, a.headers_len)
	method := http.MethodPost // the engine's method is "POST" or "GET": no copy needed
	if *a.method == 'G' {
		method = http.MethodGet
	}
	attempt := &Attempt{
		Number:         int(a.number),
		Method:         method,
		URL:            C.GoString(a.url),
		Header:         make(http.Header, len(headers)),
		Timeout:        time.Duration(a.timeout_ms) * time.Millisecond,
		ConnectTimeout: time.Duration(a.connect_timeout_ms) * time.Millisecond,
		MaxBodyBytes:   int64(a.max_body_bytes),
		Timestamp:      C.GoString(a.timestamp),
	}
	values := make([]string, len(headers)) // one allocation for every header's value slice
	for i, h := range headers {
		// The engine's names as it gives them (V3's are lower case), but Host under its
		// canonical key: net/http sends Request.Host and skips only that key in Header, so
		// a "host" entry would be sent twice.
		key := C.GoString(h.key)
		if strings.EqualFold(key, "Host") {
			key = "Host"
		}
		values[i] = C.GoString(h.value)
		attempt.Header[key] = values[i : i+1 : i+1]
	}
	if a.body_len > 0 {
		attempt.Body = C.GoBytes(unsafe.Pointer(a.body), C.int(a.body_len))
	}
	return attempt, nil
}

// cHeaders packs header into one C allocation: the bidcert_param array, then every name and
// value NUL-terminated. The first value of each name is enough for the engine.
func cHeaders(header http.Header) (*C.bidcert_param, C.size_t, func()) {
	if len(header) == 0 {
		return nil, 0, func() {}
	}
	paramSize := int(unsafe.Sizeof(C.bidcert_param{}))
	size := len(header) * paramSize
	for k, v := range header {
		size += len(k) + 1
		if len(v) > 0 {
			size += len(v[0])
		}
		size++
	}
	raw := C.malloc(C.size_t(size))
	block := unsafe.Slice((*byte)(raw), size)
	params := unsafe.Slice((*C.bidcert_param)(raw), len(header))
	at, i := len(header)*paramSize, 0
	put := func(s string) *C.char {
		p := (*C.char)(unsafe.Pointer(&block[at]))
		at += copy(block[at:], s)
		block[at] = 0
		at++
		return p
	}
	for k, v := range header {
		value := ""
		if len(v) > 0 {
			value = v[0]
		}
		params[i].key = put(k)
		params[i].value = put(value)
		i++
	}
	return &params[0], C.size_t(len(header)), func() { C.free(raw) }
}

// FeedResponse gives the engine the response to the attempt in flight: its status, its
// headers and the body as read (at most MaxBodyBytes+1 bytes).
func (call *Call) FeedResponse(status int, header http.Header, body []byte, in *CallInputs) (Decision, error) {
	st, err := cStatus(status)
	if err != nil {
		return Decision{}, err
	}
	ci, release, err := cInputs(in)
	if err != nil {
		return Decision{}, err
	}
	defer release()
	hp, hn, freeHeaders := cHeaders(header)
	defer freeHeaders()
	bp, bn := bytesArg(body)
	var d C.bidcert_decision
	err = ccall(func() C.bidcert_status {
		return C.bidcert_call_feed_response(call.ptr, st, hp, hn, bp, bn, ci, &d)
	})
	return decision(d), err
}

// FeedTransportError gives the engine the attempt's transport failure, classified.
func (call *Call) FeedTransportError(kind TransportKind, message string, in *CallInputs) (Decision, error) {
	ci, release, err := cInputs(in)
	if err != nil {
		return Decision{}, err
	}
	defer release()
	if noNUL(message) != nil {
		message = ""
	}
	msg := optCString(message)
	defer free(msg)
	var d C.bidcert_decision
	err = ccall(func() C.bidcert_status {
		return C.bidcert_call_feed_transport_error(call.ptr, C.uint32_t(kind), msg, ci, &d)
	})
	return decision(d), err
}

func decision(d C.bidcert_decision) Decision {
	return Decision{Kind: DecisionKind(d.kind), After: time.Duration(d.retry_after_ms) * time.Millisecond}
}

// Err is why the call failed, or why its last attempt is retried; nil when neither.
func (call *Call) Err() error {
	var e *C.bidcert_error
	if C.bidcert_call_error(call.ptr, &e) != C.BIDCERT_OK || e == nil {
		return nil
	}
	defer C.bidcert_error_free(e)
	return errorFrom(e)
}

// CertifiedInfo is the result of a done QueryBidUserCertifiedInfo call.
func (call *Call) CertifiedInfo() (*CertifiedInfo, error) {
	var f C.bidcert_certified_info_fields
	if err := ccall(func() C.bidcert_status { return C.bidcert_call_certified_info_fields(call.ptr, &f) }); err != nil {
		return nil, err
	}
	return certifiedInfoFrom(&f), nil
}

// CertWaysURL is the result of a done GenerateAliyunBidCertWaysUrl call.
func (call *Call) CertWaysURL() (*CertWaysURL, error) {
	var url *C.bidcert_cert_ways_url
	if err := ccall(func() C.bidcert_status { return C.bidcert_call_cert_ways_url(call.ptr, &url) }); err != nil {
		return nil, err
	}
	return takeCertWaysURL(url), nil
}

// JSON is the result of a done RPC call: the response's JSON object.
func (call *Call) JSON() ([]byte, error) {
	s, err := stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_call_json(call.ptr, o) })
	return []byte(s), err
}

// Attempts is the number of attempts handed out so far.
func (call *Call) Attempts() int {
	var n C.uint32_t
	C.bidcert_call_attempts(call.ptr, &n)
	return int(n)
}

// ClockOffset is the offset the call uses: the client's when it started, or what a
// timestamp error's Date showed since.
func (call *Call) ClockOffset() time.Duration {
	var s C.int64_t
	C.bidcert_call_clock_offset(call.ptr, &s)
	return time.Duration(s) * time.Second
}

// Close frees the call, finished or not. It is idempotent.
func (call *Call) Close() error {
	if call.ptr != nil {
		C.bidcert_call_free(call.ptr)
		call.ptr = nil
		runtime.SetFinalizer(call, nil)
	}
	return nil
}

// TransportKind is how an attempt failed to cross the network.
type TransportKind uint32

// The transport kinds.
const (
	TransportConnect TransportKind = C.BIDCERT_TRANSPORT_KIND_CONNECT
	TransportTimeout TransportKind = C.BIDCERT_TRANSPORT_KIND_TIMEOUT
	TransportReset   TransportKind = C.BIDCERT_TRANSPORT_KIND_RESET
	TransportTLS     TransportKind = C.BIDCERT_TRANSPORT_KIND_TLS
)
