package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

import "encoding/json"

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
	if err := call(func() C.bidcert_status { return C.bidcert_diagnose_signature_mismatch(msg, ours, &d) }); err != nil {
		return nil, err
	}
	defer C.bidcert_diagnosis_free(d)
	text, err := stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_diagnosis_text(d, o) })
	if err != nil {
		return nil, err
	}
	js, err := stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_diagnosis_to_json(d, o) })
	if err != nil {
		return nil, err
	}
	out := &Diagnosis{Text: text}
	if err := json.Unmarshal([]byte(js), out); err != nil {
		return nil, &Error{Status: StatusInternal, Kind: KindInternal, Message: err.Error()}
	}
	return out, nil
}
