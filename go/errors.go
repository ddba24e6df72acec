package bidcert

// #include "bidcert.h"
import "C"

import (
	"errors"
	"fmt"
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

// Kind names what went wrong, the same snake_case names in every binding and in the test
// vectors: for API errors the kind of the server's code, else the kind of local failure.
type Kind string

// The kinds.
const (
	KindEmptyPK            Kind = "empty_pk"
	KindNotBid             Kind = "not_bid"
	KindBidMismatch        Kind = "bid_mismatch"
	KindInvalidPK          Kind = "invalid_pk"
	KindAlreadyCertified   Kind = "already_certified"
	KindAPINotFound        Kind = "api_not_found"
	KindAccessKeyNotFound  Kind = "access_key_not_found"
	KindSignatureNonceUsed Kind = "signature_nonce_used"
	KindSignatureMismatch  Kind = "signature_mismatch"
	KindThrottling         Kind = "throttling"
	KindTimestamp          Kind = "timestamp"
	KindServiceUnavailable Kind = "service_unavailable"
	KindInternalError      Kind = "internal_error"
	KindMissingParameter   Kind = "missing_parameter"
	KindUnknown            Kind = "unknown"

	KindNullArgument   Kind = "null_argument"
	KindInvalidUTF8    Kind = "invalid_utf8"
	KindValidation     Kind = "validation"
	KindTransport      Kind = "transport"
	KindTimeout        Kind = "timeout"
	KindCanceled       Kind = "canceled"
	KindParse          Kind = "parse"
	KindCredentials    Kind = "credentials"
	KindInvalidEnum    Kind = "invalid_enum"
	KindInternal       Kind = "internal"
	KindOriginMismatch Kind = "origin_mismatch"
	KindMalformed      Kind = "malformed"
)

type sentinel struct{ kind Kind }

// sentinels maps each kind to its sentinel, for Is.
var sentinels = map[Kind]error{}

func newSentinel(kind Kind) error {
	e := &sentinel{kind}
	sentinels[kind] = e
	return e
}

func (s *sentinel) Error() string { return "bidcert: " + string(s.kind) }

// Sentinels to match with errors.Is. Every *APIError matches ErrAPI and the sentinel of its
// kind; every *Error matches the sentinel of its kind.
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

	ErrNullArgument   = newSentinel(KindNullArgument)
	ErrInvalidUTF8    = newSentinel(KindInvalidUTF8)
	ErrValidation     = newSentinel(KindValidation)
	ErrTransport      = newSentinel(KindTransport)
	ErrTimeout        = newSentinel(KindTimeout)
	ErrCanceled       = newSentinel(KindCanceled)
	ErrParse          = newSentinel(KindParse)
	ErrCredentials    = newSentinel(KindCredentials)
	ErrInvalidEnum    = newSentinel(KindInvalidEnum)
	ErrInternal       = newSentinel(KindInternal)
	ErrOriginMismatch = newSentinel(KindOriginMismatch)
	ErrMalformed      = newSentinel(KindMalformed)
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
	Err        error // the underlying cause (a net/http or context error), if any
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
	kind := Kind(getString(func(o **C.char) C.bidcert_status { return C.bidcert_error_kind(e, o) }))
	message := getString(func(o **C.char) C.bidcert_status { return C.bidcert_error_message(e, o) })
	var http C.uint16_t
	var retryable C.bool
	C.bidcert_error_http_status(e, &http)
	C.bidcert_error_retryable(e, &retryable)
	if status == C.BIDCERT_API_ERROR {
		return &APIError{
			Kind:       kind,
			Code:       getString(func(o **C.char) C.bidcert_status { return C.bidcert_error_code(e, o) }),
			Message:    message,
			RequestID:  getString(func(o **C.char) C.bidcert_status { return C.bidcert_error_request_id(e, o) }),
			HTTPStatus: int(http),
			Retryable:  bool(retryable),
		}
	}
	return &Error{
		Status:     Status(status),
		Kind:       kind,
		Message:    message,
		Field:      getString(func(o **C.char) C.bidcert_status { return C.bidcert_error_field(e, o) }),
		HTTPStatus: int(http),
		Retryable:  bool(retryable),
	}
}

// retryable reports whether repeating a call can help.
func retryable(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Retryable
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Retryable
	}
	return false
}
