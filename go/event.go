package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

import "encoding/json"

// FastAuthEvent is a FastAuthc postMessage from the verification page.
type FastAuthEvent struct {
	Type     string // init, later, another_authc_way, success, fail, re_authc, open_alipay, unknown
	Success  bool
	Reason   string // data.reason of a fail event
	EndsFlow bool   // success and later end the flow
	Data     json.RawMessage
}

// ParseFastAuthEvent parses the JSON text data of an event from origin. When
// expectedOrigin (CertWaysURL.Origin) is not nil, the origins must match; a nil origin then
// never matches (ErrOriginMismatch). Data that is not a FastAuthc message is ErrMalformed.
func ParseFastAuthEvent(data string, origin, expectedOrigin *string) (*FastAuthEvent, error) {
	if err := noNUL(data, deref(origin), deref(expectedOrigin)); err != nil {
		return nil, err
	}
	cdata, corigin, cexpected := cString(data), ptrCString(origin), ptrCString(expectedOrigin)
	defer free(cdata)
	defer free(corigin)
	defer free(cexpected)
	var ev *C.bidcert_fast_auth_event
	if err := ccall(func() C.bidcert_status {
		return C.bidcert_parse_fast_auth_event(cdata, corigin, cexpected, &ev)
	}); err != nil {
		return nil, err
	}
	defer C.bidcert_fast_auth_event_free(ev)
	var success, ends C.bool
	C.bidcert_fast_auth_event_success(ev, &success)
	C.bidcert_fast_auth_event_ends_flow(ev, &ends)
	return &FastAuthEvent{
		Type:     getString(func(o **C.char) C.bidcert_status { return C.bidcert_fast_auth_event_type(ev, o) }),
		Success:  bool(success),
		Reason:   getString(func(o **C.char) C.bidcert_status { return C.bidcert_fast_auth_event_reason(ev, o) }),
		EndsFlow: bool(ends),
		Data:     json.RawMessage(getString(func(o **C.char) C.bidcert_status { return C.bidcert_fast_auth_event_data_json(ev, o) })),
	}, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// ptrCString is cString(*p), or NULL for nil.
func ptrCString(p *string) *C.char {
	if p == nil {
		return nil
	}
	return cString(*p)
}
