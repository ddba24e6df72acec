// Package bidcert signs Alibaba Cloud RPC requests (v1.0, or V3 when Config.SignatureVersion
// asks) and calls the reseller identity-verification APIs (QueryBidUserCertifiedInfo,
// GenerateAliyunBidCertWaysUrl).
//
// Everything a call decides (signing, retries, backoff, timeouts, headers, the body limit,
// clock-skew correction, parsing) runs in the bidcert core through its C ABI, so every
// language behaves exactly alike; this package sends what the core hands out with net/http,
// honouring context deadlines and cancellation.
//
// Credentials are given keys (Config.Credentials) or a provider (Config.Provider): the
// environment, an OIDC role (ACK's RRSA), the Alibaba Cloud CLI's config, the shared
// credentials file, the ECS instance's RAM role, a credentials URI, a RAM role assumed with
// any of these, or the default chain, which a Client given neither uses. The core fetches
// and caches them, refreshes temporary ones ahead of their expiry (one call refreshes while
// the others keep the valid ones), signs every attempt with the current ones and never shows
// a secret or a token: errors and Client.Credentials name the source, the kind and the
// AccessKeyID only.
//
// Import path github.com/bidcert/bidcert/go; cgo finds the library with pkg-config (package
// bidcert: `make install`, or the staged file `make go-pc` writes for this repository).
package bidcert

// All #cgo directives live here.

/*
#cgo pkg-config: bidcert
#include <stdlib.h>
#include "bidcert.h"
*/
import "C"

import (
	"runtime"
	"strings"
	"unsafe"
)

// noNUL rejects strings C would silently cut at an embedded NUL byte.
func noNUL(values ...string) error {
	for _, v := range values {
		if strings.IndexByte(v, 0) >= 0 {
			return &Error{Status: StatusValidation, Kind: KindValidation,
				Message: "a string argument contains a NUL byte"}
		}
	}
	return nil
}

// goCString is s NUL-terminated in Go memory, for a C call that only reads it during the
// call (Go memory without Go pointers may be passed): no C allocation. Keep keep alive until
// the call returns. The caller has checked s for NUL bytes.
func goCString(s string) (p *C.char, keep []byte) {
	keep = make([]byte, len(s)+1)
	copy(keep, s)
	return (*C.char)(unsafe.Pointer(&keep[0])), keep
}

// cString copies s into C memory; free it with C.free.
func cString(s string) *C.char { return C.CString(s) }

// optCString is cString, or NULL for "".
func optCString(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

func free(p *C.char) {
	if p != nil {
		C.free(unsafe.Pointer(p))
	}
}

// takeString copies a string returned by the library into Go memory and frees it.
// ok is false for NULL (absent).
func takeString(p *C.char) (s string, ok bool) {
	if p == nil {
		return "", false
	}
	defer C.bidcert_string_free(p)
	return C.GoString(p), true
}

// ccall runs one C call on a locked OS thread, so that the thread's last error (which the
// library keeps per thread) is read from the thread the call ran on.
func ccall(f func() C.bidcert_status) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if status := f(); status != C.BIDCERT_OK {
		return lastError(status)
	}
	return nil
}

// getString runs a getter that writes an owned string and copies it into Go memory; a
// getter that fails (no such value) gives "".
func getString(get func(out **C.char) C.bidcert_status) string {
	var out *C.char
	if get(&out) != C.BIDCERT_OK {
		return ""
	}
	s, _ := takeString(out)
	return s
}

// stringOf runs a getter that writes an owned string and copies the result; a failure is
// the thread's last error.
func stringOf(get func(out **C.char) C.bidcert_status) (string, error) {
	var out *C.char
	if err := ccall(func() C.bidcert_status { return get(&out) }); err != nil {
		return "", err
	}
	s, _ := takeString(out)
	return s, nil
}

// cStatus converts an HTTP status for C, which takes it as uint16_t.
func cStatus(status int) (C.uint16_t, error) {
	if status < 0 || status > 0xffff {
		return 0, &Error{Status: StatusValidation, Kind: KindValidation, Field: "status", Message: "HTTP status out of range"}
	}
	return C.uint16_t(status), nil
}

// bytesArg points C at a Go byte slice (flat memory, no Go pointers inside).
func bytesArg(b []byte) (*C.uint8_t, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b))), C.size_t(len(b))
}

// cParams copies params into a C array of bidcert_param; release frees all of it.
func cParams(params [][2]string) (p *C.bidcert_param, n C.size_t, release func(), err error) {
	for _, kv := range params {
		if err := noNUL(kv[0], kv[1]); err != nil {
			return nil, 0, nil, err
		}
	}
	if len(params) == 0 {
		return nil, 0, func() {}, nil
	}
	size := C.size_t(len(params)) * C.size_t(unsafe.Sizeof(C.bidcert_param{}))
	arr := (*C.bidcert_param)(C.malloc(size))
	items := unsafe.Slice(arr, len(params))
	for i, kv := range params {
		items[i].key = cString(kv[0])
		items[i].value = cString(kv[1])
	}
	return arr, C.size_t(len(params)), func() {
		for i := range items {
			free(items[i].key)
			free(items[i].value)
		}
		C.free(unsafe.Pointer(arr))
	}, nil
}
