package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Status is the C ABI's bidcert_status.
type Status uint32

// The statuses of the C ABI.
const (
	StatusOK             Status = C.BIDCERT_OK
	StatusNullArgument   Status = C.BIDCERT_NULL_ARGUMENT
	StatusInvalidUTF8    Status = C.BIDCERT_INVALID_UTF8
	StatusValidation     Status = C.BIDCERT_VALIDATION
	StatusAPIError       Status = C.BIDCERT_API_ERROR
	StatusTransport      Status = C.BIDCERT_TRANSPORT
	StatusTimeout        Status = C.BIDCERT_TIMEOUT
	StatusParse          Status = C.BIDCERT_PARSE
	StatusCredentials    Status = C.BIDCERT_CREDENTIALS
	StatusInvalidEnum    Status = C.BIDCERT_INVALID_ENUM
	StatusInternal       Status = C.BIDCERT_INTERNAL
	StatusOriginMismatch Status = C.BIDCERT_ORIGIN_MISMATCH
)

func (s Status) String() string { return C.GoString(C.bidcert_status_str(C.uint32_t(s))) }

// Kind names what went wrong: the C ABI's bidcert_error_kind, one flat list shared by every
// binding. String gives its stable snake_case name, as in the test vectors.
type Kind uint32

// The kinds: the kind of the server's code for API errors, else the kind of local failure.
const (
	KindEmptyPK            Kind = C.BIDCERT_ERROR_KIND_EMPTY_PK
	KindNotBid             Kind = C.BIDCERT_ERROR_KIND_NOT_BID
	KindBidMismatch        Kind = C.BIDCERT_ERROR_KIND_BID_MISMATCH
	KindInvalidPK          Kind = C.BIDCERT_ERROR_KIND_INVALID_PK
	KindAlreadyCertified   Kind = C.BIDCERT_ERROR_KIND_ALREADY_CERTIFIED
	KindAPINotFound        Kind = C.BIDCERT_ERROR_KIND_API_NOT_FOUND
	KindAccessKeyNotFound  Kind = C.BIDCERT_ERROR_KIND_ACCESS_KEY_NOT_FOUND
	KindSignatureNonceUsed Kind = C.BIDCERT_ERROR_KIND_SIGNATURE_NONCE_USED
	KindSignatureMismatch  Kind = C.BIDCERT_ERROR_KIND_SIGNATURE_MISMATCH
	KindThrottling         Kind = C.BIDCERT_ERROR_KIND_THROTTLING
	KindTimestamp          Kind = C.BIDCERT_ERROR_KIND_TIMESTAMP
	KindServiceUnavailable Kind = C.BIDCERT_ERROR_KIND_SERVICE_UNAVAILABLE
	KindInternalError      Kind = C.BIDCERT_ERROR_KIND_INTERNAL_ERROR
	KindMissingParameter   Kind = C.BIDCERT_ERROR_KIND_MISSING_PARAMETER
	KindUnknown            Kind = C.BIDCERT_ERROR_KIND_UNKNOWN
	KindValidation         Kind = C.BIDCERT_ERROR_KIND_VALIDATION
	KindCredentials        Kind = C.BIDCERT_ERROR_KIND_CREDENTIALS
	KindConnect            Kind = C.BIDCERT_ERROR_KIND_CONNECT
	KindTimeout            Kind = C.BIDCERT_ERROR_KIND_TIMEOUT
	KindReset              Kind = C.BIDCERT_ERROR_KIND_RESET
	KindTLS                Kind = C.BIDCERT_ERROR_KIND_TLS
	KindParse              Kind = C.BIDCERT_ERROR_KIND_PARSE
	KindCanceled           Kind = C.BIDCERT_ERROR_KIND_CANCELED
	KindOriginMismatch     Kind = C.BIDCERT_ERROR_KIND_ORIGIN_MISMATCH
	KindMalformed          Kind = C.BIDCERT_ERROR_KIND_MALFORMED
	KindNullArgument       Kind = C.BIDCERT_ERROR_KIND_NULL_ARGUMENT
	KindInvalidUTF8        Kind = C.BIDCERT_ERROR_KIND_INVALID_UTF8
	KindInvalidEnum        Kind = C.BIDCERT_ERROR_KIND_INVALID_ENUM
	KindInternal           Kind = C.BIDCERT_ERROR_KIND_INTERNAL
)

// String is the kind's stable name (bid_mismatch, timeout, ...), from the C ABI.
func (k Kind) String() string {
	if name := C.bidcert_error_kind_name(C.uint32_t(k)); name != nil {
		return C.GoString(name)
	}
	return fmt.Sprintf("Kind(%d)", uint32(k))
}

// AllKinds is every kind the linked library knows, in numeric order.
var AllKinds = sync.OnceValue(func() []Kind {
	var kinds []Kind
	// The library keeps every kind below 2^16 (its tests check it).
	for k := uint32(0); k < 1<<16; k++ {
		if C.bidcert_error_kind_name(C.uint32_t(k)) != nil {
			kinds = append(kinds, Kind(k))
		}
	}
	return kinds
})

type sentinel struct{ kind Kind }

// sentinels maps each kind to its sentinel, for Is.
var sentinels = map[Kind]error{}

func newSentinel(kind Kind) error {
	e := &sentinel{kind}
	sentinels[kind] = e
	return e
}

func (s *sentinel) Error() string { return "bidcert: " + s.kind.String() }

// Sentinels to match with errors.Is: one per kind. Every *APIError matches ErrAPI and the
// sentinel of its kind; every *Error matches the sentinel of its kind.
var (
	ErrAPI = errors.New("bidcert: API error")

	ErrEmptyPK            = newSentinel(KindEmptyPK)
	ErrNotBid             = newSentinel(KindNotBid)
	ErrBidMismatch        = newSentinel(KindBidMismatch)
	ErrInvalidPK          = newSentinel(KindInvalidPK)
	ErrAlreadyCertified   = newSentinel(KindAlreadyCertified)
	ErrAPINotFound        = newSentinel(KindAPINotFound)
	ErrAccessKeyNotFound  = newSentinel(KindAccessKeyNotFound)
	ErrSignatureNonceUsed = newSentinel(KindSignatureNonceUsed)
	ErrSignatureMismatch  = newSentinel(KindSignatureMismatch)
	ErrThrottling         = newSentinel(KindThrottling)
	ErrTimestamp          = newSentinel(KindTimestamp)
	ErrServiceUnavailable = newSentinel(KindServiceUnavailable)
	ErrInternalError      = newSentinel(KindInternalError)
	ErrMissingParameter   = newSentinel(KindMissingParameter)
	ErrUnknownCode        = newSentinel(KindUnknown)
	ErrValidation         = newSentinel(KindValidation)
	ErrCredentials        = newSentinel(KindCredentials)
	ErrConnect            = newSentinel(KindConnect)
	ErrTimeout            = newSentinel(KindTimeout)
	ErrReset              = newSentinel(KindReset)
	ErrTLS                = newSentinel(KindTLS)
	ErrParse              = newSentinel(KindParse)
	ErrCanceled           = newSentinel(KindCanceled)
	ErrOriginMismatch     = newSentinel(KindOriginMismatch)
	ErrMalformed          = newSentinel(KindMalformed)
	ErrNullArgument       = newSentinel(KindNullArgument)
	ErrInvalidUTF8        = newSentinel(KindInvalidUTF8)
	ErrInvalidEnum        = newSentinel(KindInvalidEnum)
	ErrInternal           = newSentinel(KindInternal)
)

// APIError is an error answered by the server, its fields verbatim.
type APIError struct {
	Kind       Kind
	Code       string
	Message    string
	RequestID  string
	HTTPStatus int
	// Retryable says whether repeating the call (signed afresh) can succeed.
	Retryable bool
	// Diagnosis explains a SignatureDoesNotMatch from a Client call; nil otherwise.
	Diagnosis *Diagnosis
	// ClockOffset is, for a timestamp error from a Client call, the server's clock minus
	// ours as its Date header showed it; nil when unknown.
	ClockOffset *time.Duration
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("bidcert: %s: %s (HTTP %d", e.Code, e.Message, e.HTTPStatus)
	if e.RequestID != "" {
		s += ", RequestId " + e.RequestID
	}
	s += ")"
	if e.Diagnosis != nil {
		s += "; diagnosis: " + e.Diagnosis.Text
	}
	if e.ClockOffset != nil {
		s += fmt.Sprintf("; the server's clock is %+v from ours", *e.ClockOffset)
	}
	return s
}

// Is matches ErrAPI and the sentinel of the error's kind.
func (e *APIError) Is(target error) bool {
	return target == ErrAPI || (target != nil && target == sentinels[e.Kind])
}

// Error is any failure other than an API error: validation, transport, timeout, parse,
// credentials, cancellation...
type Error struct {
	Status     Status
	Kind       Kind
	Message    string
	Field      string // the rejected argument or field, if any
	HTTPStatus int    // of the response, when there was one
	Retryable  bool
	Err        error // the underlying cause (a context error), if any
	// Tried lists, for a credentials error (KindCredentials), each source tried in order and
	// what it lacked, or why its credentials were refused (a key pasted with a space, say).
	Tried []TriedSource
}

// TriedSource is a source of credentials that had none to give: its name (environment, oidc,
// a file's path, a role, an address) and why. Neither holds a secret.
type TriedSource struct {
	Source string
	Reason string
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return fmt.Sprintf("bidcert: %s: %v", e.Kind, e.Err)
	}
	return fmt.Sprintf("bidcert: %s: %s", e.Kind, e.Message)
}

// Is matches the sentinel of the error's kind.
func (e *Error) Is(target error) bool { return target != nil && target == sentinels[e.Kind] }

// Unwrap gives the underlying cause, so errors.Is(err, context.Canceled) works.
func (e *Error) Unwrap() error { return e.Err }

// lastError converts the calling thread's last error (the thread must be locked).
func lastError(status C.bidcert_status) error {
	var e *C.bidcert_error
	if C.bidcert_last_error(&e) != C.BIDCERT_OK || e == nil {
		return &Error{Status: Status(status), Kind: KindInternal, Message: Status(status).String()}
	}
	defer C.bidcert_error_free(e)
	return errorFrom(e)
}

// errorFrom copies a C error into Go (it does not free it).
func errorFrom(e *C.bidcert_error) error {
	var (
		status    C.bidcert_status
		kind      C.bidcert_error_kind
		http      C.uint16_t
		retryable C.bool
	)
	// These getters fail only for NULL arguments.
	C.bidcert_error_status(e, &status)
	C.bidcert_error_get_kind(e, &kind)
	C.bidcert_error_http_status(e, &http)
	C.bidcert_error_retryable(e, &retryable)
	message := getString(func(o **C.char) C.bidcert_status { return C.bidcert_error_message(e, o) })
	if status == C.BIDCERT_API_ERROR {
		apiErr := &APIError{
			Kind:       Kind(kind),
			Code:       getString(func(o **C.char) C.bidcert_status { return C.bidcert_error_code(e, o) }),
			Message:    message,
			RequestID:  getString(func(o **C.char) C.bidcert_status { return C.bidcert_error_request_id(e, o) }),
			HTTPStatus: int(http),
			Retryable:  bool(retryable),
		}
		if js := getString(func(o **C.char) C.bidcert_status { return C.bidcert_error_diagnosis_json(e, o) }); js != "" {
			apiErr.Diagnosis = diagnosisFromJSON(js)
		}
		var known C.bool
		var seconds C.int64_t
		if C.bidcert_error_clock_offset(e, &known, &seconds) == C.BIDCERT_OK && bool(known) {
			offset := time.Duration(seconds) * time.Second
			apiErr.ClockOffset = &offset
		}
		return apiErr
	}
	return &Error{
		Status:     Status(status),
		Kind:       Kind(kind),
		Message:    message,
		Field:      getString(func(o **C.char) C.bidcert_status { return C.bidcert_error_field(e, o) }),
		HTTPStatus: int(http),
		Retryable:  bool(retryable),
		Tried:      tried(e),
	}
}

// tried copies a credentials error's sources (nil for other errors).
func tried(e *C.bidcert_error) []TriedSource {
	var n C.size_t
	if C.bidcert_error_tried_count(e, &n) != C.BIDCERT_OK || n == 0 {
		return nil
	}
	sources := make([]TriedSource, 0, int(n))
	for i := C.size_t(0); i < n; i++ {
		var source, reason *C.char
		if C.bidcert_error_tried(e, i, &source, &reason) != C.BIDCERT_OK {
			break
		}
		s, _ := takeString(source)
		r, _ := takeString(reason)
		sources = append(sources, TriedSource{Source: s, Reason: r})
	}
	return sources
}

// diagnosisFromJSON reads the core's diagnosis JSON (nil if it cannot).
func diagnosisFromJSON(js string) *Diagnosis {
	var d struct {
		Diagnosis
		Summary string `json:"summary"`
	}
	if json.Unmarshal([]byte(js), &d) != nil {
		return nil
	}
	d.Diagnosis.Text = d.Summary
	if d.Diagnosis.Differences == nil {
		d.Diagnosis.Differences = []Difference{}
	}
	return &d.Diagnosis
}
