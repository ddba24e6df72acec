package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

// PercentEncode encodes s as the RPC signature requires: only A-Z a-z 0-9 - _ . ~ stay,
// upper-case hex, space is %20.
func PercentEncode(s string) (string, error) {
	if err := noNUL(s); err != nil {
		return "", err
	}
	cs := cString(s)
	defer free(cs)
	out, _, err := stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_percent_encode(cs, o) })
	return out, err
}

// CanonicalizedQuery sorts params by name (byte order) and joins them percent-encoded.
func CanonicalizedQuery(params [][2]string) (string, error) {
	if err := paramsNoNUL(params); err != nil {
		return "", err
	}
	p, n, release := cParams(params)
	defer release()
	out, _, err := stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_canonicalized_query(p, n, o) })
	return out, err
}

// StringToSign is METHOD&%2F&percentEncode(canonicalized query); method is GET or POST.
func StringToSign(method string, params [][2]string) (string, error) {
	if err := paramsNoNUL(params, method); err != nil {
		return "", err
	}
	m := cString(method)
	defer free(m)
	p, n, release := cParams(params)
	defer release()
	out, _, err := stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_string_to_sign(m, p, n, o) })
	return out, err
}

// Signature is Base64(HMAC-SHA1(accessKeySecret + "&", StringToSign(method, params))).
func Signature(method string, params [][2]string, accessKeySecret string) (string, error) {
	if err := paramsNoNUL(params, method, accessKeySecret); err != nil {
		return "", err
	}
	m := cString(method)
	defer free(m)
	secret := cString(accessKeySecret)
	defer free(secret)
	p, n, release := cParams(params)
	defer release()
	out, _, err := stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_signature(m, p, n, secret, o) })
	return out, err
}

// Mask masks personal data for display (15812345678 -> 15*******78).
func Mask(s string) string {
	if noNUL(s) != nil {
		return "<masked>"
	}
	cs := cString(s)
	defer free(cs)
	out, _, err := stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_mask(cs, o) })
	if err != nil {
		return "<masked>"
	}
	return out
}

func paramsNoNUL(params [][2]string, more ...string) error {
	for _, kv := range params {
		more = append(more, kv[0], kv[1])
	}
	return noNUL(more...)
}
