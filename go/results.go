package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

import (
	"fmt"
	"log/slog"
	"time"
)

// CertifiedInfo is a customer's verification state. Name, Phone and CertNumber are personal
// data: String, fmt verbs and slog show them masked; the fields hold them verbatim.
type CertifiedInfo struct {
	RequestID       string
	AliyunPK        string
	IsCertified     bool
	AccountCertType string // personal, enterprise, or the server's value; "" when absent
	Name            string
	Phone           string
	CertType        string // ID, BUSINESS, ORGANIZATION_CODE, INSTITUTION_LEGAL_PERSON, or the code
	CertTypeCode    string // 0, 9, 12, 13, ...
	CertNumber      string
}

func maskOpt(s string) string {
	if s == "" {
		return ""
	}
	return Mask(s)
}

// String shows the personal data masked.
func (c CertifiedInfo) String() string {
	return fmt.Sprintf("CertifiedInfo{RequestID: %q, AliyunPK: %q, IsCertified: %t, AccountCertType: %q, Name: %q, Phone: %q, CertType: %q, CertNumber: %q}",
		c.RequestID, c.AliyunPK, c.IsCertified, c.AccountCertType, maskOpt(c.Name), maskOpt(c.Phone), c.CertType, maskOpt(c.CertNumber))
}

// Format makes every fmt verb (%v, %+v, %#v, %s) show the masked form.
func (c CertifiedInfo) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// LogValue makes slog show the masked form.
func (c CertifiedInfo) LogValue() slog.Value { return slog.StringValue(c.String()) }

// CertWaysURL is a one-time verification link.
type CertWaysURL struct {
	URL       string
	RequestID string
	Origin    string // the expected origin of the link's FastAuthc events
	IssuedAt  time.Time
	ExpiresAt time.Time // IssuedAt + 3 hours
}

// goOpt copies a borrowed C string ("" for NULL).
func goOpt(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

func takeCertifiedInfo(info *C.bidcert_certified_info) *CertifiedInfo {
	defer C.bidcert_certified_info_free(info)
	var f C.bidcert_certified_info_fields
	// Fails only for NULL arguments.
	C.bidcert_certified_info_get_fields(info, &f)
	return certifiedInfoFrom(&f)
}

// certifiedInfoFrom copies borrowed fields into Go.
func certifiedInfoFrom(f *C.bidcert_certified_info_fields) *CertifiedInfo {
	return &CertifiedInfo{
		RequestID:       goOpt(f.request_id),
		AliyunPK:        goOpt(f.aliyun_pk),
		IsCertified:     bool(f.is_certified),
		AccountCertType: goOpt(f.account_cert_type),
		Name:            goOpt(f.name),
		Phone:           goOpt(f.phone),
		CertType:        goOpt(f.cert_type),
		CertTypeCode:    goOpt(f.cert_type_code),
		CertNumber:      goOpt(f.cert_number),
	}
}

func takeCertWaysURL(url *C.bidcert_cert_ways_url) *CertWaysURL {
	defer C.bidcert_cert_ways_url_free(url)
	var issued, expires C.int64_t
	C.bidcert_cert_ways_url_issued_at(url, &issued)
	C.bidcert_cert_ways_url_expires_at(url, &expires)
	return &CertWaysURL{
		URL:       getString(func(o **C.char) C.bidcert_status { return C.bidcert_cert_ways_url_url(url, o) }),
		RequestID: getString(func(o **C.char) C.bidcert_status { return C.bidcert_cert_ways_url_request_id(url, o) }),
		Origin:    getString(func(o **C.char) C.bidcert_status { return C.bidcert_cert_ways_url_origin(url, o) }),
		IssuedAt:  time.Unix(int64(issued), 0).UTC(),
		ExpiresAt: time.Unix(int64(expires), 0).UTC(),
	}
}

// ParseCertifiedInfo parses a QueryBidUserCertifiedInfo response (HTTP status and body).
// An error body gives an *APIError; a body that cannot be understood an *Error of KindParse.
func ParseCertifiedInfo(status int, body []byte) (*CertifiedInfo, error) {
	st, err := cStatus(status)
	if err != nil {
		return nil, err
	}
	p, n := bytesArg(body)
	var info *C.bidcert_certified_info
	if err := ccall(func() C.bidcert_status { return C.bidcert_parse_certified_info(st, p, n, &info) }); err != nil {
		return nil, err
	}
	return takeCertifiedInfo(info), nil
}

// ParseCertWaysURL parses a GenerateAliyunBidCertWaysUrl response; issuedAt is when the
// request was signed (SignedRequest.Timestamp), "" for now.
func ParseCertWaysURL(status int, body []byte, issuedAt string) (*CertWaysURL, error) {
	st, err := cStatus(status)
	if err != nil {
		return nil, err
	}
	if err := noNUL(issuedAt); err != nil {
		return nil, err
	}
	at := optCString(issuedAt)
	defer free(at)
	return parseCertWaysURL(st, body, at)
}

// parseCertWaysURL is ParseCertWaysURL with its arguments in C (issuedAt NULL for now).
func parseCertWaysURL(status C.uint16_t, body []byte, issuedAt *C.char) (*CertWaysURL, error) {
	p, n := bytesArg(body)
	var url *C.bidcert_cert_ways_url
	if err := ccall(func() C.bidcert_status { return C.bidcert_parse_cert_ways_url(status, p, n, issuedAt, &url) }); err != nil {
		return nil, err
	}
	return takeCertWaysURL(url), nil
}
