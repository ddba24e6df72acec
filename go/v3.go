package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

// V3CanonicalRequest is the signature V3 (ACS3-HMAC-SHA256) canonical request: method,
// canonicalURI ("/" for RPC), the canonical query (query percent-encoded as for v1.0, sorted by
// name), one "name:value" line per signed header (host, content-type and x-acs-*, lower-cased,
// values trimmed of spaces and tabs; names differing only in case are one header whose values
// are sorted and joined with ","), an empty line, the signed header names joined with ";", and
// hashedPayload (lower-case hex SHA-256 of the body).
func V3CanonicalRequest(method, canonicalURI string, query, headers [][2]string, hashedPayload string) (string, error) {
	if err := noNUL(method, canonicalURI, hashedPayload); err != nil {
		return "", err
	}
	q, nq, releaseQuery, err := cParams(query)
	if err != nil {
		return "", err
	}
	defer releaseQuery()
	h, nh, releaseHeaders, err := cParams(headers)
	if err != nil {
		return "", err
	}
	defer releaseHeaders()
	m, uri, payload := cString(method), cString(canonicalURI), cString(hashedPayload)
	defer free(m)
	defer free(uri)
	defer free(payload)
	return stringOf(func(o **C.char) C.bidcert_status {
		return C.bidcert_v3_canonical_request(m, uri, q, nq, h, nh, payload, o)
	})
}

// V3StringToSign is "ACS3-HMAC-SHA256\n" + the lower-case hex SHA-256 of canonicalRequest.
func V3StringToSign(canonicalRequest string) (string, error) {
	if err := noNUL(canonicalRequest); err != nil {
		return "", err
	}
	cr := cString(canonicalRequest)
	defer free(cr)
	return stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_v3_string_to_sign(cr, o) })
}

// V3Authorization is the Authorization header value of canonicalRequest:
// "ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<names>,Signature=<hex HMAC-SHA256>", keyed
// with the plain accessKeySecret.
func V3Authorization(canonicalRequest, accessKeyID, accessKeySecret string) (string, error) {
	if err := noNUL(canonicalRequest, accessKeyID, accessKeySecret); err != nil {
		return "", err
	}
	cr, id, secret := cString(canonicalRequest), cString(accessKeyID), cString(accessKeySecret)
	defer free(cr)
	defer free(id)
	defer free(secret)
	return stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_v3_authorization(cr, id, secret, o) })
}
