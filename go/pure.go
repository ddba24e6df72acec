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
	return stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_percent_encode(cs, o) })
}

// CanonicalizedQuery sorts params by name (byte order) and joins them percent-encoded.
func CanonicalizedQuery(params [][2]string) (string, error) {
	p, n, release, err := cParams(params)
	if err != nil {
		return "", err
	}
	defer release()
	return stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_canonicalized_query(p, n, o) })
}

// StringToSign is METHOD&%2F&percentEncode(canonicalized query); method is GET or POST.
func StringToSign(method string, params [][2]string) (string, error) {
	if err := noNUL(method); err != nil {
		return "", err
	}
	p, n, release, err := cParams(params)
	if err != nil {
		return "", err
	}
	defer release()
	m := cString(method)
	defer free(m)
	return stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_string_to_sign(m, p, n, o) })
}

// Signature is Base64(HMAC-SHA1(accessKeySecret + "&", StringToSign(method, params))).
func Signature(method string, params [][2]string, accessKeySecret string) (string, error) {
	if err := noNUL(method, accessKeySecret); err != nil {
		return "", err
	}
	p, n, release, err := cParams(params)
	if err != nil {
		return "", err
	}
	defer release()
	m, secret := cString(method), cString(accessKeySecret)
	defer free(m)
	defer free(secret)
	return stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_signature(m, p, n, secret, o) })
}

// Mask masks personal data for display (15812345678 -> 15*******78).
func Mask(s string) string {
	if noNUL(s) != nil {
		return "<masked>"
	}
	cs := cString(s)
	defer free(cs)
	out, err := stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_mask(cs, o) })
	if err != nil {
		return "<masked>"
	}
	return out
}
