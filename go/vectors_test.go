package bidcert

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

type vectorFile struct {
	Kind  string            `json:"kind"`
	Cases []json.RawMessage `json:"cases"`
}

// vectorFiles is every shared vector file, then each file in BIDCERT_EXTRA_VECTORS.
func vectorFiles(t *testing.T) []string {
	dir := os.Getenv("BIDCERT_VECTORS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "tests", "vectors")
	}
	files := []string{}
	for _, f := range []string{"signing.json", "signing_v3.json", "responses.json", "fast_auth_events.json", "diagnosis.json", "exchange.json"} {
		files = append(files, filepath.Join(dir, f))
	}
	for _, extra := range strings.Split(os.Getenv("BIDCERT_EXTRA_VECTORS"), ":") {
		if extra != "" {
			files = append(files, extra)
		}
	}
	return files
}

func TestVectors(t *testing.T) {
	for _, path := range vectorFiles(t) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("vector file %s: %v", path, err)
		}
		var file vectorFile
		if err := json.Unmarshal(raw, &file); err != nil {
			t.Fatalf("vector file %s: %v", path, err)
		}
		run := map[string]func(*testing.T, json.RawMessage){
			"signing":          runSigning,
			"signing_v3":       runSigningV3,
			"responses":        runResponse,
			"fast_auth_events": runEvent,
			"diagnosis":        runDiagnosis,
			"exchange":         runExchange,
		}[file.Kind]
		if run == nil {
			t.Fatalf("vector file %s: unknown kind %q", path, file.Kind)
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			for _, c := range file.Cases {
				var named struct{ Name string }
				_ = json.Unmarshal(c, &named)
				t.Run(named.Name, func(t *testing.T) { run(t, c) })
			}
		})
	}
}

func runSigning(t *testing.T, raw json.RawMessage) {
	var c struct {
		Method             string      `json:"method"`
		Params             [][2]string `json:"params"`
		Secret             string      `json:"access_key_secret"`
		CanonicalizedQuery string      `json:"canonicalized_query"`
		StringToSign       string      `json:"string_to_sign"`
		Signature          string      `json:"signature"`
	}
	mustUnmarshal(t, raw, &c)
	if got, err := CanonicalizedQuery(c.Params); err != nil || got != c.CanonicalizedQuery {
		t.Errorf("canonicalized query: %q, %v; want %q", got, err, c.CanonicalizedQuery)
	}
	if got, err := StringToSign(c.Method, c.Params); err != nil || got != c.StringToSign {
		t.Errorf("string to sign: %q, %v; want %q", got, err, c.StringToSign)
	}
	if got, err := Signature(c.Method, c.Params, c.Secret); err != nil || got != c.Signature {
		t.Errorf("signature: %q, %v; want %q", got, err, c.Signature)
	}
}

// runSigningV3 checks stage by stage; each stage's input is the previous stage's output.
func runSigningV3(t *testing.T, raw json.RawMessage) {
	var c struct {
		Method           string      `json:"method"`
		CanonicalURI     string      `json:"canonical_uri"`
		Query            [][2]string `json:"query"`
		Headers          [][2]string `json:"headers"`
		HashedPayload    string      `json:"hashed_payload"`
		AccessKeyID      string      `json:"access_key_id"`
		Secret           string      `json:"access_key_secret"`
		CanonicalRequest string      `json:"canonical_request"`
		StringToSign     string      `json:"string_to_sign"`
		Authorization    string      `json:"authorization"`
	}
	mustUnmarshal(t, raw, &c)
	cr, err := V3CanonicalRequest(c.Method, c.CanonicalURI, c.Query, c.Headers, c.HashedPayload)
	if err != nil || cr != c.CanonicalRequest {
		t.Fatalf("stage canonical_request: %q, %v; want %q", cr, err, c.CanonicalRequest)
	}
	if got, err := V3StringToSign(cr); err != nil || got != c.StringToSign {
		t.Errorf("stage string_to_sign: %q, %v; want %q", got, err, c.StringToSign)
	}
	if got, err := V3Authorization(cr, c.AccessKeyID, c.Secret); err != nil || got != c.Authorization {
		t.Errorf("stage authorization: %q, %v; want %q", got, err, c.Authorization)
	}
}

type wantError struct {
	Kind       string  `json:"kind"`
	Code       *string `json:"code"`
	Message    *string `json:"message"`
	RequestID  *string `json:"request_id"`
	HTTPStatus *int    `json:"http_status"`
	Retryable  *bool   `json:"retryable"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func checkError(t *testing.T, err error, want wantError, raw json.RawMessage) {
	t.Helper()
	var fields map[string]json.RawMessage
	mustUnmarshal(t, raw, &fields)
	if err == nil {
		t.Fatalf("want error %s, got success", want.Kind)
	}
	if want.Kind == "parse" {
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindParse || !errors.Is(err, ErrParse) {
			t.Fatalf("want a parse *Error, got %#v", err)
		}
		if want.HTTPStatus != nil && e.HTTPStatus != *want.HTTPStatus {
			t.Errorf("http status %d, want %d", e.HTTPStatus, *want.HTTPStatus)
		}
		return
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want *APIError, got %#v", err)
	}
	if apiErr.Kind.String() != want.Kind || !errors.Is(err, sentinels[kindNamed(want.Kind)]) || !errors.Is(err, ErrAPI) {
		t.Errorf("kind %s, want %s", apiErr.Kind, want.Kind)
	}
	if _, ok := fields["code"]; ok && apiErr.Code != str(want.Code) {
		t.Errorf("code %q, want %q", apiErr.Code, str(want.Code))
	}
	if _, ok := fields["message"]; ok && apiErr.Message != str(want.Message) {
		t.Errorf("message %q, want %q", apiErr.Message, str(want.Message))
	}
	if _, ok := fields["request_id"]; ok && apiErr.RequestID != str(want.RequestID) {
		t.Errorf("request id %q, want %q", apiErr.RequestID, str(want.RequestID))
	}
	if want.HTTPStatus != nil && apiErr.HTTPStatus != *want.HTTPStatus {
		t.Errorf("http status %d, want %d", apiErr.HTTPStatus, *want.HTTPStatus)
	}
	if want.Retryable != nil && apiErr.Retryable != *want.Retryable {
		t.Errorf("retryable %t, want %t", apiErr.Retryable, *want.Retryable)
	}
}

func runResponse(t *testing.T, raw json.RawMessage) {
	var c struct {
		Operation string         `json:"operation"`
		Status    int            `json:"status"`
		Body      string         `json:"body"`
		IssuedAt  string         `json:"issued_at"`
		Expect    map[string]any `json:"expect"`
		Error     *wantError     `json:"error"`
	}
	mustUnmarshal(t, raw, &c)
	var errRaw struct {
		Error json.RawMessage `json:"error"`
	}
	mustUnmarshal(t, raw, &errRaw)
	switch c.Operation {
	case "query_certified_info":
		info, err := ParseCertifiedInfo(c.Status, []byte(c.Body))
		if c.Error != nil {
			checkError(t, err, *c.Error, errRaw.Error)
			return
		}
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		got := map[string]any{
			"request_id": opt(info.RequestID), "aliyun_pk": opt(info.AliyunPK), "is_certified": info.IsCertified,
			"account_cert_type": opt(info.AccountCertType), "name": opt(info.Name), "phone": opt(info.Phone),
			"cert_type": opt(info.CertType), "cert_number": opt(info.CertNumber),
		}
		if !reflect.DeepEqual(got, c.Expect) {
			t.Errorf("got %v\nwant %v", got, c.Expect)
		}
	case "generate_cert_ways_url":
		link, err := ParseCertWaysURL(c.Status, []byte(c.Body), c.IssuedAt)
		if c.Error != nil {
			checkError(t, err, *c.Error, errRaw.Error)
			return
		}
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		got := map[string]any{"request_id": opt(link.RequestID), "url": link.URL,
			"expires_at": link.ExpiresAt.Format(time.RFC3339)}
		if !reflect.DeepEqual(got, c.Expect) {
			t.Errorf("got %v\nwant %v", got, c.Expect)
		}
	default:
		t.Fatalf("unknown operation %q", c.Operation)
	}
}

// opt maps "" (absent) to JSON null, as the vectors write it.
func opt(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func runEvent(t *testing.T, raw json.RawMessage) {
	var c struct {
		Data           string         `json:"data"`
		Origin         *string        `json:"origin"`
		ExpectedOrigin *string        `json:"expected_origin"`
		Expect         map[string]any `json:"expect"`
		Error          *struct {
			Kind string `json:"kind"`
		} `json:"error"`
	}
	mustUnmarshal(t, raw, &c)
	ev, err := ParseFastAuthEvent(c.Data, c.Origin, c.ExpectedOrigin)
	if c.Error != nil {
		if !errors.Is(err, sentinels[kindNamed(c.Error.Kind)]) {
			t.Fatalf("want %s, got %v", c.Error.Kind, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	got := map[string]any{"type": ev.Type, "success": ev.Success, "reason": opt(ev.Reason), "ends_flow": ev.EndsFlow}
	if !reflect.DeepEqual(got, c.Expect) {
		t.Errorf("got %v\nwant %v", got, c.Expect)
	}
}

func runDiagnosis(t *testing.T, raw json.RawMessage) {
	var c struct {
		ServerMessage    string    `json:"server_message"`
		StringToSign     string    `json:"string_to_sign"`
		CanonicalRequest *string   `json:"canonical_request"`
		Expect           Diagnosis `json:"expect"`
	}
	mustUnmarshal(t, raw, &c)
	// A V3 case gives our canonical request; a v1.0 case our string to sign.
	diagnose := func() (*Diagnosis, error) { return DiagnoseSignatureMismatch(c.ServerMessage, c.StringToSign) }
	if c.CanonicalRequest != nil {
		diagnose = func() (*Diagnosis, error) { return V3DiagnoseSignatureMismatch(c.ServerMessage, *c.CanonicalRequest) }
	}
	d, err := diagnose()
	if err != nil {
		t.Fatal(err)
	}
	if c.Expect.Differences == nil {
		c.Expect.Differences = []Difference{}
	}
	got := *d
	got.Text = ""
	if !reflect.DeepEqual(got, c.Expect) {
		t.Errorf("got %+v\nwant %+v", got, c.Expect)
	}
	if d.Text == "" {
		t.Error("no explanation")
	}
}

func mustUnmarshal(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

// kindNamed is the kind whose stable name is name (0 for none).
func kindNamed(name string) Kind {
	for _, k := range AllKinds() {
		if k.String() == name {
			return k
		}
	}
	return 0
}

// kindOf is the kind of a bidcert error, by name ("" for another error).
func kindOf(err error) string {
	var apiErr *APIError
	var e *Error
	switch {
	case errors.As(err, &apiErr):
		return apiErr.Kind.String()
	case errors.As(err, &e):
		return e.Kind.String()
	}
	return ""
}

type exchangeStep struct {
	AtMs         int64    `json:"at_ms"`
	AfterMs      int64    `json:"after_ms"`
	Jitter       *float64 `json:"jitter"`
	RequestError string   `json:"request_error"`
	Request      struct {
		Attempt   int    `json:"attempt"`
		Timestamp string `json:"timestamp"`
		TimeoutMs int64  `json:"timeout_ms"`
		// The scheme of the Authorization header: absent, not checked; null, no header (v1.0).
		Authorization json.RawMessage `json:"authorization"`
	} `json:"request"`
	Transport string `json:"transport"`
	Response  *struct {
		Status  int         `json:"status"`
		Headers [][2]string `json:"headers"`
		Body    string      `json:"body"`
	} `json:"response"`
	Expect map[string]json.RawMessage `json:"expect"`
}

// runExchange replays a scripted call through the C ABI's engine (the Client's engine) with
// the case's time, nonces and jitter.
func runExchange(t *testing.T, raw json.RawMessage) {
	var c struct {
		Operation struct {
			Type     string      `json:"type"`
			PK       string      `json:"pk"`
			AliyunPK string      `json:"aliyun_pk"`
			BidType  string      `json:"bid_type"`
			Endpoint string      `json:"endpoint"`
			Action   string      `json:"action"`
			Version  string      `json:"version"`
			Params   [][2]string `json:"params"`
		} `json:"operation"`
		Policy struct {
			MaxAttempts      int    `json:"max_attempts"`
			BaseDelayMs      int64  `json:"base_delay_ms"`
			MaxDelayMs       int64  `json:"max_delay_ms"`
			BudgetMs         int64  `json:"budget_ms"`
			AttemptTimeoutMs int64  `json:"attempt_timeout_ms"`
			ConnectTimeoutMs int64  `json:"connect_timeout_ms"`
			MaxBodyBytes     int64  `json:"max_body_bytes"`
			SignatureVersion string `json:"signature_version"`
		} `json:"policy"`
		StartMs     int64          `json:"start_ms"`
		ClockOffset int64          `json:"clock_offset"`
		Steps       []exchangeStep `json:"steps"`
		Expect      struct {
			Attempts    int   `json:"attempts"`
			ClockOffset int64 `json:"clock_offset"`
		} `json:"expect"`
	}
	mustUnmarshal(t, raw, &c)
	ms := func(n int64) time.Duration { return time.Duration(n) * time.Millisecond }
	version, ok := map[string]SignatureVersion{"": SignatureV1, "v1": SignatureV1, "v3": SignatureV3}[c.Policy.SignatureVersion]
	if !ok {
		t.Fatalf("signature_version %q", c.Policy.SignatureVersion)
	}
	client, err := NewClient(Config{
		Credentials: &Credentials{AccessKeyID: "LTAI5tBidcertTestKey01", AccessKeySecret: "testsecret"},
		MaxAttempts: c.Policy.MaxAttempts, RetryBaseDelay: ms(c.Policy.BaseDelayMs), RetryMaxDelay: ms(c.Policy.MaxDelayMs),
		Budget: ms(c.Policy.BudgetMs), Timeout: ms(c.Policy.AttemptTimeoutMs), ConnectTimeout: ms(c.Policy.ConnectTimeoutMs),
		MaxBodyBytes: c.Policy.MaxBodyBytes, SignatureVersion: version,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	bidType := BidTypeNormal
	if (c.Operation.BidType) == "LIGHTWEIGHT" {
		bidType = BidTypeLightweight
	}
	var op *Operation
	switch c.Operation.Type {
	case "query_certified_info":
		op, err = NewQueryOperation(c.Operation.PK, bidType)
	case "generate_cert_ways_url":
		op, err = NewCertWaysOperation(CertWaysRequest{AliyunPK: c.Operation.AliyunPK, BidType: bidType})
	case "rpc":
		op, err = NewRPCOperation(RPCRequest{Endpoint: c.Operation.Endpoint, Action: c.Operation.Action,
			Version: c.Operation.Version, Params: c.Operation.Params})
	default:
		t.Fatalf("unknown operation %q", c.Operation.Type)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	call, err := client.NewCall(op)
	if err != nil {
		t.Fatal(err)
	}
	defer call.Close()
	if err := call.SetClockOffset(time.Duration(c.ClockOffset) * time.Second); err != nil {
		t.Fatal(err)
	}
	start := time.UnixMilli(c.StartMs)
	for i, step := range c.Steps {
		in := &CallInputs{Now: start.Add(ms(step.AtMs)), Nonce: fmt.Sprintf("exchange-nonce-%d", i), Jitter: 0.5}
		if step.RequestError != "" {
			_, err := call.NextRequest(in)
			if kindOf(err) != step.RequestError {
				t.Errorf("step %d: request error %v, want %s", i, err, step.RequestError)
			}
			break
		}
		a, err := call.NextRequest(in)
		if err != nil {
			t.Fatalf("step %d: no request: %v", i, err)
		}
		if a.Number != step.Request.Attempt || a.Timestamp != step.Request.Timestamp || a.Timeout != ms(step.Request.TimeoutMs) {
			t.Errorf("step %d: attempt %d at %s within %v, want %+v", i, a.Number, a.Timestamp, a.Timeout, step.Request)
		}
		if step.Request.Authorization != nil {
			var want *string
			mustUnmarshal(t, step.Request.Authorization, &want)
			var got *string
			if h, ok := a.Header["Authorization"]; ok {
				scheme, _, _ := strings.Cut(h[0], " ")
				got = &scheme
			}
			if (got == nil) != (want == nil) || (got != nil && *got != *want) {
				t.Errorf("step %d: Authorization scheme %v, want %v", i, shown(got), shown(want))
			}
		}
		in.Now = start.Add(ms(step.AfterMs))
		if step.Jitter != nil {
			in.Jitter = *step.Jitter
		}
		var d Decision
		if step.Transport != "" {
			kind := map[string]TransportKind{"connect": TransportConnect, "timeout": TransportTimeout,
				"reset": TransportReset, "tls": TransportTLS}[step.Transport]
			d, err = call.FeedTransportError(kind, "scripted", in)
		} else {
			header := http.Header{}
			for _, h := range step.Response.Headers {
				header.Add(h[0], h[1])
			}
			d, err = call.FeedResponse(step.Response.Status, header, []byte(step.Response.Body), in)
		}
		if err != nil {
			t.Fatalf("step %d: feeding: %v", i, err)
		}
		checkDecision(t, i, call, d, step.Expect)
	}
	if call.Attempts() != c.Expect.Attempts || call.ClockOffset() != time.Duration(c.Expect.ClockOffset)*time.Second {
		t.Errorf("%d attempts, offset %v; want %+v", call.Attempts(), call.ClockOffset(), c.Expect)
	}
}

func checkDecision(t *testing.T, i int, call *Call, d Decision, want map[string]json.RawMessage) {
	t.Helper()
	var decision string
	json.Unmarshal(want["decision"], &decision)
	str := func(key string) (string, bool) {
		raw, ok := want[key]
		var s *string
		json.Unmarshal(raw, &s)
		if s == nil {
			return "", ok
		}
		return *s, ok
	}
	switch decision {
	case "retry":
		var bounds [2]float64
		json.Unmarshal(want["delay_ms"], &bounds)
		got := float64(d.After) / float64(time.Millisecond)
		cause, _ := str("cause")
		if d.Kind != Retry || got+1 < bounds[0] || got > bounds[1]+1 || kindOf(call.Err()) != cause {
			t.Errorf("step %d: %+v (%v), want a retry after %v ms for %s", i, d, call.Err(), bounds, cause)
		}
	case "done":
		if d.Kind != Done {
			t.Fatalf("step %d: %+v (%v), want done", i, d, call.Err())
		}
		got := map[string]any{}
		if info, err := call.CertifiedInfo(); err == nil {
			got["is_certified"], got["request_id"] = info.IsCertified, info.RequestID
		} else if link, err := call.CertWaysURL(); err == nil {
			got["expires_at"], got["request_id"] = link.ExpiresAt.Format(time.RFC3339), link.RequestID
		} else if js, err := call.JSON(); err == nil {
			var body struct{ RequestId string }
			json.Unmarshal(js, &body)
			got["request_id"] = body.RequestId
		}
		for key, raw := range want {
			if key == "decision" {
				continue
			}
			var w any
			json.Unmarshal(raw, &w)
			if !reflect.DeepEqual(got[key], w) {
				t.Errorf("step %d: %s = %v, want %v", i, key, got[key], w)
			}
		}
	case "fail":
		err := call.Err()
		kind, _ := str("kind")
		if d.Kind != Fail || kindOf(err) != kind {
			t.Fatalf("step %d: %+v (%v), want a failure %s", i, d, err, kind)
		}
		var apiErr *APIError
		errors.As(err, &apiErr)
		if rid, ok := str("request_id"); ok && (apiErr == nil && rid != "" || apiErr != nil && apiErr.RequestID != rid) {
			t.Errorf("step %d: request id %v, want %q", i, err, rid)
		}
		if raw, ok := want["clock_offset"]; ok {
			var s int64
			json.Unmarshal(raw, &s)
			if apiErr == nil || apiErr.ClockOffset == nil || *apiErr.ClockOffset != time.Duration(s)*time.Second {
				t.Errorf("step %d: %v, want the clock offset %d s", i, err, s)
			}
		}
		if raw, ok := want["diagnosed"]; ok {
			var diagnosed bool
			json.Unmarshal(raw, &diagnosed)
			if (apiErr != nil && apiErr.Diagnosis != nil) != diagnosed {
				t.Errorf("step %d: diagnosis of %v, want %t", i, err, diagnosed)
			}
		}
	default:
		t.Fatalf("step %d: unknown decision %q", i, decision)
	}
}

// shown is an optional string for a message: its value, or (none).
func shown(s *string) string {
	if s == nil {
		return "(none)"
	}
	return *s
}
