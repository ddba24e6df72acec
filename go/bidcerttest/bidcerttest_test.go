package bidcerttest

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"strings"
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

func TestTheEmulatorServesHTTPSWithItsCA(t *testing.T) {
	e := NewTLS(t)
	if !strings.HasPrefix(e.HTTPSURL, "https://127.0.0.1:") || !strings.HasPrefix(e.URL, "http://127.0.0.1:") {
		t.Fatalf("URLs %q, %q", e.HTTPSURL, e.URL)
	}
	pem, err := os.ReadFile(e.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", e.CAFile)
	}
	if n, err := e.TLSHandshakes(); err != nil || n != 0 {
		t.Errorf("handshakes before any: %d, %v", n, err)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	defer client.CloseIdleConnections()
	for i := 0; i < 3; i++ {
		resp, err := client.Post(e.HTTPSURL+"/?Action=QueryBidUserCertifiedInfo", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if n, err := e.TLSHandshakes(); err != nil || n != 1 {
		t.Errorf("handshakes after 3 requests on one connection: %d, %v", n, err)
	}
	log, err := e.Requests()
	if err != nil || len(log) != 3 || !log[0].TLS || log[0].SignatureVersion != nil {
		t.Errorf("log %+v, %v", log, err)
	}
}

func TestTheMetadataPortAndSTSAreDrivenOverHTTP(t *testing.T) {
	e := NewMetadata(t)
	if !strings.HasPrefix(e.MetadataURL, "http://127.0.0.1:") || e.CredentialsURI != e.MetadataURL+"/credentials-uri" {
		t.Fatalf("metadata %q, credentials URI %q", e.MetadataURL, e.CredentialsURI)
	}
	if n, err := e.STSCalls("AssumeRole"); n != 0 || err != nil {
		t.Errorf("STS calls %d, %v", n, err)
	}
	// The credentials URI hands out a key of the instance role: one valid key to expire.
	resp, err := http.Get(e.CredentialsURI)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if n, err := e.ExpireSTSCredentials(); n != 1 || err != nil {
		t.Errorf("expired %d, %v", n, err)
	}
	if m, err := e.MetadataRequests(); m.Total != 1 || m.CredentialsURI != 1 || err != nil {
		t.Errorf("metadata requests %+v, %v", m, err)
	}
	if err := e.SetRequireIMDSv2(true); err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(e.MetadataURL + "/latest/meta-data/ram/security-credentials/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("IMDSv2 only: a read without a token answered %d", resp.StatusCode)
	}
	if plain := New(t); plain.MetadataURL != "" || plain.CredentialsURI != "" {
		t.Errorf("without --metadata: %q, %q", plain.MetadataURL, plain.CredentialsURI)
	}
}
