package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

// Difference is one way the server's string to sign differs from ours.
type Difference struct {
	Kind   string `json:"kind"` // method, missing, extra, different, encoding
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
	if err := noNUL(serverMessage, ourStringToSign); err != nil {
		return nil, err
	}
	msg, ours := cString(serverMessage), cString(ourStringToSign)
	defer free(msg)
	defer free(ours)
	var d *C.bidcert_diagnosis
	if err := ccall(func() C.bidcert_status { return C.bidcert_diagnose_signature_mismatch(msg, ours, &d) }); err != nil {
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
