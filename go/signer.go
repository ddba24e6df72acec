package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"time"
	"unsafe"
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

// Credentials is an AccessKey pair, with a security token for STS credentials.
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
	err := call(func() C.bidcert_status { return C.bidcert_credentials_new(id, secret, token, &creds) })
	return creds, err
}

func signerFrom(creds *C.bidcert_credentials) (*Signer, error) {
	s := &Signer{}
	if err := call(func() C.bidcert_status { return C.bidcert_signer_new(creds, &s.ptr) }); err != nil {
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
	return call(func() C.bidcert_status {
		return C.bidcert_signer_set_endpoint(s.ptr, C.uint32_t(product), e)
	})
}

func (o *SignOptions) nonce() string {
	if o == nil {
		return ""
	}
	return o.Nonce
}

func (o *SignOptions) cArgs() (ts, nonce *C.char) {
	if o == nil {
		return nil, nil
	}
	if !o.Timestamp.IsZero() {
		ts = cString(o.Timestamp.UTC().Format("2006-01-02T15:04:05Z"))
	}
	return ts, optCString(o.Nonce)
}

// SignQuery signs QueryBidUserCertifiedInfo for customer pk.
func (s *Signer) SignQuery(pk string, bidType BidType, opts *SignOptions) (*SignedRequest, error) {
	if err := noNUL(pk, opts.nonce()); err != nil {
		return nil, err
	}
	cpk := cString(pk)
	defer free(cpk)
	ts, nonce := opts.cArgs()
	defer free(ts)
	defer free(nonce)
	return s.sign(func(signer *C.bidcert_signer, out **C.bidcert_signed_request) C.bidcert_status {
		return C.bidcert_signer_sign_query(signer, cpk, C.uint32_t(bidType), ts, nonce, out)
	})
}

// SignCertWaysURL signs GenerateAliyunBidCertWaysUrl for req.
func (s *Signer) SignCertWaysURL(req CertWaysRequest, opts *SignOptions) (*SignedRequest, error) {
	if err := noNUL(req.AliyunPK, opts.nonce()); err != nil {
		return nil, err
	}
	creq, release := cCertWaysRequest(req)
	defer release()
	ts, nonce := opts.cArgs()
	defer free(ts)
	defer free(nonce)
	return s.sign(func(signer *C.bidcert_signer, out **C.bidcert_signed_request) C.bidcert_status {
		return C.bidcert_signer_sign_cert_ways_url(signer, creq, ts, nonce, out)
	})
}

func cCertWaysRequest(req CertWaysRequest) (*C.bidcert_cert_ways_request, func()) {
	c := (*C.bidcert_cert_ways_request)(C.calloc(1, C.size_t(unsafe.Sizeof(C.bidcert_cert_ways_request{}))))
	c.aliyun_pk = cString(req.AliyunPK)
	c.bid_type = C.uint32_t(req.BidType)
	c.platform = C.uint32_t(req.Platform)
	c.subject_type = C.uint32_t(req.SubjectType)
	c.is_open_app = C.bool(req.IsOpenApp)
	c.is_mobile = C.bool(req.IsMobile)
	return c, func() {
		free(c.aliyun_pk)
		C.free(unsafe.Pointer(c))
	}
}

func (s *Signer) sign(f func(*C.bidcert_signer, **C.bidcert_signed_request) C.bidcert_status) (*SignedRequest, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ptr == nil {
		return nil, errClosed("Signer")
	}
	var req *C.bidcert_signed_request
	if err := call(func() C.bidcert_status { return f(s.ptr, &req) }); err != nil {
		return nil, err
	}
	defer C.bidcert_signed_request_free(req)
	get := func(g func(*C.bidcert_signed_request, **C.char) C.bidcert_status) string {
		var out *C.char
		if g(req, &out) != C.BIDCERT_OK {
			return ""
		}
		v, _ := takeString(out)
		return v
	}
	return &SignedRequest{
		Method: get(func(r *C.bidcert_signed_request, o **C.char) C.bidcert_status {
			return C.bidcert_signed_request_method(r, o)
		}),
		URL: get(func(r *C.bidcert_signed_request, o **C.char) C.bidcert_status {
			return C.bidcert_signed_request_url(r, o)
		}),
		StringToSign: get(func(r *C.bidcert_signed_request, o **C.char) C.bidcert_status {
			return C.bidcert_signed_request_string_to_sign(r, o)
		}),
		CanonicalizedQuery: get(func(r *C.bidcert_signed_request, o **C.char) C.bidcert_status {
			return C.bidcert_signed_request_canonicalized_query(r, o)
		}),
		Signature: get(func(r *C.bidcert_signed_request, o **C.char) C.bidcert_status {
			return C.bidcert_signed_request_signature(r, o)
		}),
		Timestamp: get(func(r *C.bidcert_signed_request, o **C.char) C.bidcert_status {
			return C.bidcert_signed_request_timestamp(r, o)
		}),
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
