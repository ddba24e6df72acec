package bidcert

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Every documented code maps to its kind, matches its sentinel and ErrAPI with errors.Is,
// no other sentinel, and unwraps with errors.As even when wrapped.
func TestAPIErrorKindsMatchSentinels(t *testing.T) {
	codes := map[string]error{
		"Empty PK":                    ErrEmptyPK,
		"Not Bid":                     ErrNotBid,
		"Bid Mismatch":                ErrBidMismatch,
		"Invalid PK":                  ErrInvalidPK,
		"Already Certified":           ErrAlreadyCertified,
		"InvalidApi.NotFound":         ErrAPINotFound,
		"InvalidAccessKeyId.NotFound": ErrAccessKeyNotFound,
		"SignatureNonceUsed":          ErrSignatureNonceUsed,
		"SignatureDoesNotMatch":       ErrSignatureMismatch,
		"Throttling.User":             ErrThrottling,
		"InvalidTimeStamp.Expired":    ErrTimestamp,
		"ServiceUnavailable":          ErrServiceUnavailable,
		"InternalError":               ErrInternalError,
		"MissingPK":                   ErrMissingParameter,
		"Something.New":               ErrUnknownCode,
	}
	for code, want := range codes {
		body := fmt.Sprintf(`{"Code":%q,"Message":"m","RequestId":"R-1"}`, code)
		_, err := ParseCertifiedInfo(400, []byte(body))
		wrapped := fmt.Errorf("calling: %w", err)
		var apiErr *APIError
		if !errors.As(wrapped, &apiErr) {
			t.Fatalf("%s: not an *APIError: %v", code, err)
		}
		if apiErr.Code != code || apiErr.RequestID != "R-1" || apiErr.HTTPStatus != 400 || apiErr.Message != "m" {
			t.Errorf("%s: fields %+v", code, apiErr)
		}
		if !errors.Is(wrapped, want) || !errors.Is(wrapped, ErrAPI) {
			t.Errorf("%s: errors.Is(%v) false", code, want)
		}
		for _, other := range codes {
			if other != want && errors.Is(wrapped, other) {
				t.Errorf("%s also matches %v", code, other)
			}
		}
		if errors.Is(wrapped, ErrParse) {
			t.Errorf("%s matches ErrParse", code)
		}
	}
}

// Local failures are *Error values matching the sentinel of their kind, never ErrAPI.
func TestLocalErrorKindsMatchSentinels(t *testing.T) {
	signer, err := NewSigner(Credentials{AccessKeyID: "id", AccessKeySecret: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	defer signer.Close()
	origin, other := "https://a.example", "https://b.example"
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"parse", second(ParseCertifiedInfo(200, []byte("not json"))), ErrParse},
		{"validation pk", second(signer.SignQuery("12ab", BidTypeNormal, nil)), ErrValidation},
		{"validation method", second(StringToSign("PUT", nil)), ErrValidation},
		{"validation NUL", second(PercentEncode("a\x00b")), ErrValidation},
		{"invalid utf-8", second(PercentEncode("\xff")), ErrInvalidUTF8},
		{"v3 header line break", second(V3CanonicalRequest("POST", "/", nil, [][2]string{{"x-acs-a", "1\r\nx-acs-b: 2"}}, emptySHA256)), ErrValidation},
		{"v3 NUL in a header", second(V3CanonicalRequest("POST", "/", nil, [][2]string{{"x-acs-a", "1\x00"}}, emptySHA256)), ErrValidation},
		{"v3 payload hash", second(V3CanonicalRequest("POST", "/", nil, nil, "E3B0")), ErrValidation},
		{"v3 not a canonical request", second(V3Authorization("POST\n/", "id", "secret")), ErrValidation},
		{"v3 invalid utf-8", second(V3StringToSign("\xff")), ErrInvalidUTF8},
		{"invalid enum bid type", second(signer.SignQuery("1", BidType(7), nil)), ErrInvalidEnum},
		{"invalid enum platform", second(signer.SignCertWaysURL(CertWaysRequest{AliyunPK: "1", Platform: 3}, nil)), ErrInvalidEnum},
		{"invalid enum subject", second(signer.SignCertWaysURL(CertWaysRequest{AliyunPK: "1", SubjectType: 9}, nil)), ErrInvalidEnum},
		{"invalid enum product", signer.SetEndpoint(Product(5), "https://x.example"), ErrInvalidEnum},
		{"credentials", second(NewSigner(Credentials{AccessKeyID: "", AccessKeySecret: "s"})), ErrValidation},
		{"origin mismatch", second(ParseFastAuthEvent(`{"type":"init"}`, &other, &origin)), ErrOriginMismatch},
		{"malformed event", second(ParseFastAuthEvent(`[]`, nil, nil)), ErrMalformed},
	}
	for _, c := range cases {
		var e *Error
		if !errors.As(c.err, &e) {
			t.Errorf("%s: not an *Error: %#v", c.name, c.err)
			continue
		}
		if !errors.Is(c.err, c.want) || errors.Is(c.err, ErrAPI) {
			t.Errorf("%s: %v does not match %v", c.name, c.err, c.want)
		}
	}
	var e *Error
	_, err = signer.SignQuery("12ab", BidTypeNormal, nil)
	if errors.As(err, &e); e.Field != "PK" {
		t.Errorf("validation field %q, want PK", e.Field)
	}
}

func second[T any](_ T, err error) error { return err }

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Every kind of the linked C library has its sentinel here, named as the C ABI names it.
func TestEveryCKindHasASentinel(t *testing.T) {
	kinds := AllKinds()
	if len(kinds) < 25 {
		t.Fatalf("only %d kinds", len(kinds))
	}
	for _, k := range kinds {
		s := sentinels[k]
		if s == nil {
			t.Errorf("kind %s (%d) has no sentinel", k, uint32(k))
			continue
		}
		if s.Error() != "bidcert: "+k.String() {
			t.Errorf("sentinel %q for %s", s.Error(), k)
		}
	}
	if len(sentinels) != len(kinds) {
		t.Errorf("%d sentinels for %d kinds", len(sentinels), len(kinds))
	}
	if KindBidMismatch.String() != "bid_mismatch" || KindTimeout.String() != "timeout" || Kind(0).String() != "Kind(0)" {
		t.Error("kind names")
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	signer, err := NewSigner(Credentials{AccessKeyID: "id", AccessKeySecret: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	signer.Close()
	signer.Close()
	if _, err := signer.SignQuery("1", BidTypeNormal, nil); err == nil {
		t.Fatal("a closed signer signed")
	}
}

func TestCredentialsNeverPrintTheSecret(t *testing.T) {
	c := Credentials{AccessKeyID: "id", AccessKeySecret: "topsecret", SecurityToken: "tok"}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(s, "topsecret") || strings.Contains(s, "tok\"") {
			t.Errorf("printed the secret: %s", s)
		}
	}
}

func TestCertifiedInfoPrintsMasked(t *testing.T) {
	info := CertifiedInfo{Name: "Zhang San Feng", Phone: "15812345678", CertNumber: "340321199001011234"}
	for _, s := range []string{fmt.Sprint(info), fmt.Sprintf("%+v", info), fmt.Sprintf("%#v", info), info.String()} {
		for _, secret := range []string{"Zhang San Feng", "15812345678", "340321199001011234"} {
			if strings.Contains(s, secret) {
				t.Errorf("printed %s: %s", secret, s)
			}
		}
	}
}

func TestSignerSignsWithFixedInputs(t *testing.T) {
	signer, err := NewSigner(Credentials{AccessKeyID: "LTAI5tExample", AccessKeySecret: "testsecret"})
	if err != nil {
		t.Fatal(err)
	}
	defer signer.Close()
	at, _ := time.Parse(time.RFC3339, "2026-11-23T08:00:00Z")
	req, err := signer.SignQuery("1234567890123456", BidTypeLightweight, &SignOptions{Timestamp: at, Nonce: "n-1"})
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "POST" || req.Timestamp != "2026-11-23T08:00:00Z" || len(req.Signature) != 28 {
		t.Errorf("signed %+v", req)
	}
	want, err := StringToSign("POST", [][2]string{
		{"AccessKeyId", "LTAI5tExample"}, {"Action", "QueryBidUserCertifiedInfo"}, {"BidType", "LIGHTWEIGHT"},
		{"Format", "JSON"}, {"PK", "1234567890123456"}, {"SignatureMethod", "HMAC-SHA1"},
		{"SignatureNonce", "n-1"}, {"SignatureVersion", "1.0"}, {"Timestamp", "2026-11-23T08:00:00Z"},
		{"Version", "2015-04-08"},
	})
	if err != nil || req.StringToSign != want {
		t.Errorf("string to sign %q, want %q (%v)", req.StringToSign, want, err)
	}
}
