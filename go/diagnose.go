package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

// Difference is one way the server's string to sign (V3: canonical request) differs from ours.
type Difference struct {
	// method, missing, extra, different, encoding; V3 also path, header, signed_headers,
	// payload_hash, algorithm, hashed_canonical_request
	Kind   string `json:"kind"`
	Name   string `json:"name,omitempty"`
	Ours   string `json:"ours,omitempty"`
	Server string `json:"server,omitempty"`
}

// Diagnosis explains a SignatureDoesNotMatch.
type Diagnosis struct {
	ServerStringFound bool         `json:"server_string_found"`
	Identical         bool         `json:"identical"` // the secret is wrong
	Differences       []Difference `json:"differences"`
	Text              string       `json:"-"` // an English explanation
}

// DiagnoseSignatureMismatch compares the server's string to sign quoted in a
// SignatureDoesNotMatch message with ours (SignedRequest.StringToSign).
func DiagnoseSignatureMismatch(serverMessage, ourStringToSign string) (*Diagnosis, error) {
	return diagnose(serverMessage, ourStringToSign, func(msg, ours *C.char, d **C.bidcert_diagnosis) C.bidcert_status {
		return C.bidcert_diagnose_signature_mismatch(msg, ours, d)
	})
}

// V3DiagnoseSignatureMismatch compares the V3 string to sign (and canonical request, when
// quoted) in a SignatureDoesNotMatch message with ourCanonicalRequest. Identical strings to
// sign: the secret is wrong; otherwise each differing stage, or "hashed_canonical_request"
// when the message quotes only the hash.
func V3DiagnoseSignatureMismatch(serverMessage, ourCanonicalRequest string) (*Diagnosis, error) {
	return diagnose(serverMessage, ourCanonicalRequest, func(msg, ours *C.char, d **C.bidcert_diagnosis) C.bidcert_status {
		return C.bidcert_v3_diagnose_signature_mismatch(msg, ours, d)
	})
}

func diagnose(serverMessage, ours string, run func(msg, ours *C.char, d **C.bidcert_diagnosis) C.bidcert_status) (*Diagnosis, error) {
	if err := noNUL(serverMessage, ours); err != nil {
		return nil, err
	}
	msg, o := cString(serverMessage), cString(ours)
	defer free(msg)
	defer free(o)
	var d *C.bidcert_diagnosis
	if err := ccall(func() C.bidcert_status { return run(msg, o, &d) }); err != nil {
		return nil, err
	}
	defer C.bidcert_diagnosis_free(d)
	js, err := stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_diagnosis_to_json(d, o) })
	if err != nil {
		return nil, err
	}
	out := diagnosisFromJSON(js)
	if out == nil {
		return nil, &Error{Status: StatusInternal, Kind: KindInternal, Message: "the diagnosis is not JSON"}
	}
	return out, nil
}
