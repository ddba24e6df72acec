package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

import (
	"runtime"
	"sync"
	"time"
)

// Fault is a fault the emulator can inject.
type Fault uint32

// The faults.
const (
	FaultLatency        Fault = C.BIDCERT_FAULT_LATENCY
	FaultHTTP500        Fault = C.BIDCERT_FAULT_HTTP_500
	FaultHTTP503        Fault = C.BIDCERT_FAULT_HTTP_503
	FaultThrottling     Fault = C.BIDCERT_FAULT_THROTTLING
	FaultDropConnection Fault = C.BIDCERT_FAULT_DROP_CONNECTION
	FaultTruncatedBody  Fault = C.BIDCERT_FAULT_TRUNCATED_BODY
	FaultNonJSONBody    Fault = C.BIDCERT_FAULT_NON_JSON_BODY
)

// Emulator is the local emulator of both endpoints (test support), serving the demo
// fixture on loopback. Safe for concurrent use; Close stops it.
type Emulator struct {
	mu  sync.RWMutex
	ptr *C.bidcert_emulator
	// URL is the endpoint of both products, http://127.0.0.1:PORT.
	URL string
}

// StartEmulator starts an emulator on a free loopback port.
func StartEmulator() (*Emulator, error) {
	e := &Emulator{}
	if err := call(func() C.bidcert_status { return C.bidcert_emulator_start(0, &e.ptr) }); err != nil {
		return nil, err
	}
	url, err := stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_emulator_url(e.ptr, o) })
	if err != nil {
		C.bidcert_emulator_free(e.ptr)
		return nil, err
	}
	e.URL = url
	runtime.SetFinalizer(e, (*Emulator).Close) // a backstop only: call Close
	return e, nil
}

// DemoValue is a well-known value of the demo fixture (NORMAL_ACCESS_KEY_ID,
// NORMAL_ACCESS_KEY_SECRET, PERSONAL_PK, UNVERIFIED_PK, ...).
func DemoValue(name string) (string, error) {
	if err := noNUL(name); err != nil {
		return "", err
	}
	cname := cString(name)
	defer free(cname)
	v, err := stringOf(func(o **C.char) C.bidcert_status { return C.bidcert_emulator_demo_value(cname, o) })
	return v, err
}

func (e *Emulator) do(f func(*C.bidcert_emulator) C.bidcert_status) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.ptr == nil {
		return errClosed("Emulator")
	}
	return call(func() C.bidcert_status { return f(e.ptr) })
}

// VerifyCustomer marks customer pk verified, as a successful verification would.
func (e *Emulator) VerifyCustomer(pk string) error {
	if err := noNUL(pk); err != nil {
		return err
	}
	cpk := cString(pk)
	defer free(cpk)
	return e.do(func(p *C.bidcert_emulator) C.bidcert_status { return C.bidcert_emulator_verify_customer(p, cpk) })
}

// InjectFault makes the next count API requests fail with f (latency for FaultLatency).
func (e *Emulator) InjectFault(f Fault, latency time.Duration, count int) error {
	if count < 0 || int64(count) > 1<<31 { // 0 is refused by the core
		count = 0
	}
	return e.do(func(p *C.bidcert_emulator) C.bidcert_status {
		return C.bidcert_emulator_inject_fault(p, C.uint32_t(f), C.uint64_t(latency.Milliseconds()), C.uint32_t(count))
	})
}

// ClearFaults removes every injected fault.
func (e *Emulator) ClearFaults() error {
	return e.do(func(p *C.bidcert_emulator) C.bidcert_status { return C.bidcert_emulator_clear_faults(p) })
}

// SetClockOffset moves the emulator's clock by seconds.
func (e *Emulator) SetClockOffset(seconds int64) error {
	return e.do(func(p *C.bidcert_emulator) C.bidcert_status {
		return C.bidcert_emulator_set_clock_offset(p, C.int64_t(seconds))
	})
}

// Reset restores the fixture, forgets nonces, faults and the request log.
func (e *Emulator) Reset() error {
	return e.do(func(p *C.bidcert_emulator) C.bidcert_status { return C.bidcert_emulator_reset(p) })
}

// Close stops the emulator and frees it. It is idempotent.
func (e *Emulator) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ptr != nil {
		C.bidcert_emulator_free(e.ptr)
		e.ptr = nil
		runtime.SetFinalizer(e, nil)
	}
	return nil
}
