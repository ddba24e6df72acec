package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"
)

// BidType is the reseller's type, sent as BidType.
type BidType uint32

// The bid types.
const (
	BidTypeNormal      BidType = C.BIDCERT_BID_TYPE_NORMAL
	BidTypeLightweight BidType = C.BIDCERT_BID_TYPE_LIGHTWEIGHT
)

// Platform is where the verification link will be opened.
type Platform uint32

// The platforms; the zero value is PlatformPC.
const (
	PlatformPC  Platform = C.BIDCERT_PLATFORM_PC
	PlatformH5  Platform = C.BIDCERT_PLATFORM_H5
	PlatformApp Platform = C.BIDCERT_PLATFORM_APP
)

// SubjectType is which verifications the link allows.
type SubjectType uint32

// The subject types; the zero value is SubjectTypeAll.
const (
	SubjectTypeAll        SubjectType = C.BIDCERT_SUBJECT_TYPE_ALL
	SubjectTypePersonal   SubjectType = C.BIDCERT_SUBJECT_TYPE_PERSONAL
	SubjectTypeEnterprise SubjectType = C.BIDCERT_SUBJECT_TYPE_ENTERPRISE
)

// Product selects an endpoint and API version.
type Product uint32

// The products.
const (
	ProductCRM Product = C.BIDCERT_PRODUCT_CRM
	ProductAAS Product = C.BIDCERT_PRODUCT_AAS
)

// SignatureVersion is the signature scheme a Client's requests carry.
type SignatureVersion uint32

// The signature versions; the zero value is SignatureV1.
const (
	// SignatureV1 is RPC v1.0 (HMAC-SHA1, every parameter and Signature in the query), as the
	// API documents describe: the default.
	SignatureV1 SignatureVersion = C.BIDCERT_SIGNATURE_VERSION_V1
	// SignatureV3 is ACS3-HMAC-SHA256: an Authorization header and x-acs-* headers, as
	// Alibaba's current SDKs sign.
	SignatureV3 SignatureVersion = C.BIDCERT_SIGNATURE_VERSION_V3
)

// Credentials is an AccessKey pair, with a security token for STS credentials, given as it
// is: a CredentialsProvider whose keys never refresh. A key with a space at either end or a
// control character is refused.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
}

// String never shows the secret or the token.
func (c Credentials) String() string {
	return fmt.Sprintf("Credentials{AccessKeyID: %q, AccessKeySecret: <redacted>}", c.AccessKeyID)
}

// GoString never shows the secret or the token.
func (c Credentials) GoString() string { return c.String() }

// Format makes every fmt verb (%v, %+v, %#v, %s, %d...) show String's form.
func (c Credentials) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// LogValue makes slog show String's form.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalJSON writes the AccessKeyID and nothing secret, so that a configuration holding
// Credentials (a RAMRoleARNProvider's Source, say) can be logged as JSON.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AccessKeyID     string
		AccessKeySecret string
	}{c.AccessKeyID, "<redacted>"})
}

// CertWaysRequest is the input of GenerateAliyunBidCertWaysUrl; zero values are the defaults.
type CertWaysRequest struct {
	AliyunPK    string
	BidType     BidType
	Platform    Platform
	SubjectType SubjectType
	IsOpenApp   bool
	IsMobile    bool
}

// SignOptions fixes the per-request inputs (tests, replays); zero values mean now and a
// random nonce.
type SignOptions struct {
	Timestamp time.Time
	Nonce     string
}

// SignedRequest is a signed request, copied into Go memory: send it with any HTTP client.
type SignedRequest struct {
	Method             string
	URL                string // holds the signature: do not log it
	StringToSign       string
	CanonicalizedQuery string
	Signature          string
	Timestamp          string // YYYY-MM-DDThh:mm:ssZ, the issued_at of a cert-ways link
}

// Signer signs requests without sending them. Safe for concurrent use; Close frees it.
type Signer struct {
	mu  sync.RWMutex
	ptr *C.bidcert_signer
}

func newCredentials(c Credentials) (*C.bidcert_credentials, error) {
	if err := noNUL(c.AccessKeyID, c.AccessKeySecret, c.SecurityToken); err != nil {
		return nil, err
	}
	id, secret, token := cString(c.AccessKeyID), cString(c.AccessKeySecret), optCString(c.SecurityToken)
	defer free(id)
	defer free(secret)
	defer free(token)
	var creds *C.bidcert_credentials
	err := ccall(func() C.bidcert_status { return C.bidcert_credentials_new(id, secret, token, &creds) })
	return creds, err
}

func signerFrom(creds *C.bidcert_credentials) (*Signer, error) {
	s := &Signer{}
	if err := ccall(func() C.bidcert_status { return C.bidcert_signer_new(creds, &s.ptr) }); err != nil {
		return nil, err
	}
	runtime.SetFinalizer(s, (*Signer).Close) // a backstop only: call Close
	return s, nil
}

// NewSigner returns a signer for creds, with the default endpoints.
func NewSigner(creds Credentials) (*Signer, error) {
	c, err := newCredentials(creds)
	if err != nil {
		return nil, err
	}
	defer C.bidcert_credentials_free(c)
	return signerFrom(c)
}

// SetEndpoint sets the endpoint (https://host[:port]) of a product.
func (s *Signer) SetEndpoint(product Product, endpoint string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr == nil {
		return errClosed("Signer")
	}
	if err := noNUL(endpoint); err != nil {
		return err
	}
	e := cString(endpoint)
	defer free(e)
	return ccall(func() C.bidcert_status {
		return C.bidcert_signer_set_endpoint(s.ptr, C.uint32_t(product), e)
	})
}

// cArgs are the timestamp (formatted by the core; free it with bidcert_string_free) and the
// nonce (free it with free), NULL for now and a random nonce.
func (o *SignOptions) cArgs() (ts, nonce *C.char, err error) {
	if o == nil {
		return nil, nil, nil
	}
	if err := noNUL(o.Nonce); err != nil {
		return nil, nil, err
	}
	if !o.Timestamp.IsZero() {
		var out *C.char
		if err := ccall(func() C.bidcert_status {
			return C.bidcert_timestamp_format(C.int64_t(o.Timestamp.Unix()), &out)
		}); err != nil {
			return nil, nil, err
		}
		ts = out
	}
	return ts, optCString(o.Nonce), nil
}

// SignQuery signs QueryBidUserCertifiedInfo for customer pk.
func (s *Signer) SignQuery(pk string, bidType BidType, opts *SignOptions) (*SignedRequest, error) {
	return copySigned(s.signQuery(pk, bidType, opts))
}

// SignCertWaysURL signs GenerateAliyunBidCertWaysUrl for req.
func (s *Signer) SignCertWaysURL(req CertWaysRequest, opts *SignOptions) (*SignedRequest, error) {
	return copySigned(s.signCertWaysURL(req, opts))
}

// signQuery is SignQuery, the result left in C (free it with bidcert_signed_request_free).
func (s *Signer) signQuery(pk string, bidType BidType, opts *SignOptions) (*C.bidcert_signed_request, error) {
	if err := noNUL(pk); err != nil {
		return nil, err
	}
	ts, nonce, err := opts.cArgs()
	if err != nil {
		return nil, err
	}
	defer C.bidcert_string_free(ts)
	defer free(nonce)
	cpk := cString(pk)
	defer free(cpk)
	return s.sign(func(signer *C.bidcert_signer, out **C.bidcert_signed_request) C.bidcert_status {
		return C.bidcert_signer_sign_query(signer, cpk, C.uint32_t(bidType), ts, nonce, out)
	})
}

// signCertWaysURL is SignCertWaysURL, the result left in C.
func (s *Signer) signCertWaysURL(req CertWaysRequest, opts *SignOptions) (*C.bidcert_signed_request, error) {
	if err := noNUL(req.AliyunPK); err != nil {
		return nil, err
	}
	ts, nonce, err := opts.cArgs()
	if err != nil {
		return nil, err
	}
	defer C.bidcert_string_free(ts)
	defer free(nonce)
	creq := certWaysRequest(req)
	defer free(creq.aliyun_pk)
	return s.sign(func(signer *C.bidcert_signer, out **C.bidcert_signed_request) C.bidcert_status {
		return C.bidcert_signer_sign_cert_ways_url(signer, &creq, ts, nonce, out)
	})
}

func (s *Signer) sign(f func(*C.bidcert_signer, **C.bidcert_signed_request) C.bidcert_status) (*C.bidcert_signed_request, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ptr == nil {
		return nil, errClosed("Signer")
	}
	var req *C.bidcert_signed_request
	if err := ccall(func() C.bidcert_status { return f(s.ptr, &req) }); err != nil {
		return nil, err
	}
	return req, nil
}

// copySigned copies a signed request into Go memory and frees it.
func copySigned(req *C.bidcert_signed_request, err error) (*SignedRequest, error) {
	if err != nil {
		return nil, err
	}
	defer C.bidcert_signed_request_free(req)
	return &SignedRequest{
		Method:             getString(func(o **C.char) C.bidcert_status { return C.bidcert_signed_request_method(req, o) }),
		URL:                getString(func(o **C.char) C.bidcert_status { return C.bidcert_signed_request_url(req, o) }),
		StringToSign:       getString(func(o **C.char) C.bidcert_status { return C.bidcert_signed_request_string_to_sign(req, o) }),
		CanonicalizedQuery: getString(func(o **C.char) C.bidcert_status { return C.bidcert_signed_request_canonicalized_query(req, o) }),
		Signature:          getString(func(o **C.char) C.bidcert_status { return C.bidcert_signed_request_signature(req, o) }),
		Timestamp:          getString(func(o **C.char) C.bidcert_status { return C.bidcert_signed_request_timestamp(req, o) }),
	}, nil
}

// Close frees the signer. It is idempotent.
func (s *Signer) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr != nil {
		C.bidcert_signer_free(s.ptr)
		s.ptr = nil
		runtime.SetFinalizer(s, nil)
	}
	return nil
}

func errClosed(what string) error {
	return &Error{Status: StatusNullArgument, Kind: KindNullArgument, Message: what + " is closed"}
}
