package bidcerttest

import (
	"net/http"
	"testing"
)

func TestTheEmulatorServesAndIsDrivenOverHTTP(t *testing.T) {
	e := New(t)
	pk := e.MustDemo(t, "UNVERIFIED_PK")
	if _, err := e.Demo("NO_SUCH_VALUE"); err == nil {
		t.Error("an unknown demo value was found")
	}
	kinds, err := e.FaultKinds()
	if err != nil || len(kinds) == 0 {
		t.Fatalf("fault kinds %v, %v", kinds, err)
	}
	// Every kind the emulator lists is one it accepts.
	for _, kind := range kinds {
		fault := map[string]any{"kind": kind}
		if kind == "latency" {
			fault["latency_ms"] = 1
		}
		if err := e.InjectFault(fault); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
	if err := e.InjectFault(map[string]any{"kind": "no_such_fault"}); err == nil {
		t.Error("an unknown fault was accepted")
	}
	if err := e.ClearFaults(); err != nil {
		t.Error(err)
	}
	if err := e.SetClockOffset(-60); err != nil {
		t.Error(err)
	}
	if err := e.VerifyCustomer(pk); err != nil {
		t.Error(err)
	}
	if err := e.VerifyCustomer("42"); err == nil {
		t.Error("an unknown customer was verified")
	}
	// An unsigned API request is answered, and logged.
	resp, err := http.Post(e.URL+"/?Action=QueryBidUserCertifiedInfo", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	log, err := e.Requests()
	if err != nil || len(log) != 1 || log[0].Code == nil {
		t.Errorf("log %+v, %v", log, err)
	}
	if err := e.Reset(); err != nil {
		t.Error(err)
	}
	if log, _ := e.Requests(); len(log) != 0 {
		t.Errorf("the log survived a reset: %+v", log)
	}
	e.Close()
	e.Close() // idempotent
	if err := e.Reset(); err == nil {
		t.Error("a stopped emulator answered")
	}
}
