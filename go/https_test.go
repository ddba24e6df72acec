package bidcert

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bidcert/bidcert/go/bidcerttest"
)

// httpsClient is a client of emu's HTTPS endpoint for the NORMAL reseller, trusting emu's CA
// unless cfg.CAFile says otherwise ("-" for no extra CA).
func httpsClient(t *testing.T, emu *bidcerttest.Emulator, cfg Config) *Client {
	t.Helper()
	switch cfg.CAFile {
	case "":
		cfg.CAFile = emu.CAFile
	case "-":
		cfg.CAFile = ""
	}
	cfg.Credentials = &Credentials{AccessKeyID: emu.MustDemo(t, "NORMAL_ACCESS_KEY_ID"),
		AccessKeySecret: emu.MustDemo(t, "NORMAL_ACCESS_KEY_SECRET")}
	if cfg.CRMEndpoint == "" {
		cfg.CRMEndpoint, cfg.AASEndpoint = emu.HTTPSURL, emu.HTTPSURL
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// bothOperations runs the query and the link against c, whose endpoint is base.
func bothOperations(t *testing.T, emu *bidcerttest.Emulator, c *Client, base string) {
	t.Helper()
	ctx := context.Background()
	info, err := c.QueryCertifiedInfo(ctx, emu.MustDemo(t, "PERSONAL_PK"), BidTypeNormal)
	if err != nil || !info.IsCertified {
		t.Fatalf("query: %+v, %v", info, err)
	}
	link, err := c.GenerateCertWaysURL(ctx, CertWaysRequest{AliyunPK: emu.MustDemo(t, "UNVERIFIED_PK")})
	if err != nil {
		t.Fatalf("link: %v", err)
	}
	if !strings.HasPrefix(link.URL, base) || link.Origin != base {
		t.Errorf("link %s (origin %s), want it under %s", link.URL, link.Origin, base)
	}
}

// Config.SignatureVersion: the emulator verifies both operations signed with V3, and its log
// records the scheme; the default stays v1.0.
func TestV3AgainstEmulator(t *testing.T) {
	emu := startEmulator(t)
	bothOperations(t, emu, newClient(t, emu, "NORMAL", Config{SignatureVersion: SignatureV3}), emu.URL)
	bothOperations(t, emu, newClient(t, emu, "NORMAL", Config{}), emu.URL)
	log, err := emu.Requests()
	if err != nil || len(log) != 4 {
		t.Fatalf("log %+v, %v", log, err)
	}
	for i, want := range []string{"v3", "v3", "v1", "v1"} {
		if got := log[i].SignatureVersion; got == nil || *got != want {
			t.Errorf("request %d (%s) signed %v, want %s", i, log[i].Action, shown(got), want)
		}
	}
	_, err = NewClient(Config{Credentials: &Credentials{AccessKeyID: "id", AccessKeySecret: "s"}, SignatureVersion: 7})
	if !errors.Is(err, ErrInvalidEnum) {
		t.Errorf("signature version 7: %v", err)
	}
}

// The main calls over HTTPS, v1.0 and V3, trusting the emulator's CA by Config.CAFile.
func TestMainCallsOverHTTPS(t *testing.T) {
	emu := bidcerttest.NewTLS(t)
	bothOperations(t, emu, httpsClient(t, emu, Config{}), emu.HTTPSURL)
	bothOperations(t, emu, httpsClient(t, emu, Config{SignatureVersion: SignatureV3}), emu.HTTPSURL)
	log, err := emu.Requests()
	if err != nil || len(log) != 4 {
		t.Fatalf("log %+v, %v", log, err)
	}
	for _, r := range log {
		if !r.TLS || r.Code != nil {
			t.Errorf("%+v", r)
		}
	}
}

// N calls on one client cost one handshake: one pooled connection, kept alive.
func TestManyCallsOnOneClientCostOneHandshake(t *testing.T) {
	emu := bidcerttest.NewTLS(t)
	c := httpsClient(t, emu, Config{})
	for i := 0; i < 20; i++ {
		if _, err := c.QueryCertifiedInfo(context.Background(), emu.MustDemo(t, "UNVERIFIED_PK"), BidTypeNormal); err != nil {
			t.Fatal(err)
		}
	}
	n, err := emu.TLSHandshakes()
	log, _ := emu.Requests()
	if err != nil || n != 1 || len(log) != 20 {
		t.Errorf("20 calls: %d requests, %d handshake(s) (%v), want 1", len(log), n, err)
	}
}

// checkTLSFailure: err is a TLS error, not retryable, whose message has want.
func checkTLSFailure(t *testing.T, err error, want string) {
	t.Helper()
	var e *Error
	if !errors.Is(err, ErrTLS) || !errors.As(err, &e) || e.Retryable {
		t.Fatalf("want a TLS error that is not retryable, got %#v", err)
	}
	if !strings.Contains(e.Message, want) {
		t.Errorf("the message does not name the problem (%q): %s", want, e.Message)
	}
}

// dials counts the connections c's own transport makes, dialling 127.0.0.1 instead for the
// names in redirect (a name that never resolves, say).
func dials(c *Client, redirect ...string) *int {
	transport := c.http.Transport.(*http.Transport)
	dial, n := transport.DialContext, new(int)
	transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		*n++
		host, port, _ := net.SplitHostPort(addr)
		for _, r := range redirect {
			if host == r {
				addr = net.JoinHostPort("127.0.0.1", port)
			}
		}
		return dial(ctx, network, addr)
	}
	return n
}

// An untrusted CA fails the handshake: a TLS error, not retried though 3 attempts are allowed
// (one connection), and nothing reaches the API.
func TestUntrustedCAIsATLSErrorNotRetried(t *testing.T) {
	emu := bidcerttest.NewTLS(t)
	c := httpsClient(t, emu, Config{CAFile: "-", MaxAttempts: 3})
	dialled := dials(c)
	_, err := c.QueryCertifiedInfo(context.Background(), emu.MustDemo(t, "UNVERIFIED_PK"), BidTypeNormal)
	checkTLSFailure(t, err, "unknown authority")
	n, herr := emu.TLSHandshakes()
	log, lerr := emu.Requests()
	if herr != nil || lerr != nil || n != 0 || len(log) != 0 || *dialled != 1 {
		t.Errorf("%d connection(s), %d handshakes, %d requests (%v, %v): want one connection, no handshake, no request",
			*dialled, n, len(log), herr, lerr)
	}
}

// A host name the certificate does not cover is refused although its CA is trusted: the
// client's own transport dials the emulator for a `.invalid` name (which never resolves).
func TestWrongHostNameIsRefused(t *testing.T) {
	emu := bidcerttest.NewTLS(t)
	port := emu.HTTPSURL[strings.LastIndexByte(emu.HTTPSURL, ':')+1:]
	wrong := "https://bidcert-wrong-name.invalid:" + port
	c := httpsClient(t, emu, Config{CRMEndpoint: wrong, AASEndpoint: wrong, MaxAttempts: 3})
	dialled := dials(c, "bidcert-wrong-name.invalid")
	_, err := c.QueryCertifiedInfo(context.Background(), emu.MustDemo(t, "UNVERIFIED_PK"), BidTypeNormal)
	checkTLSFailure(t, err, "not bidcert-wrong-name.invalid")
	if log, _ := emu.Requests(); *dialled != 1 || len(log) != 0 {
		t.Errorf("%d connection(s), %d requests: want one connection, no request", *dialled, len(log))
	}
}

func TestCAFileErrors(t *testing.T) {
	creds := &Credentials{AccessKeyID: "id", AccessKeySecret: "s"}
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Credentials: creds, CAFile: missing}, missing},
		{Config{Credentials: creds, CAFile: notPEM}, "no PEM certificate"},
		{Config{Credentials: creds, CAFile: notPEM, HTTPClient: http.DefaultClient}, "RootCAs"},
	} {
		_, err := NewClient(tc.cfg)
		var e *Error
		if !errors.Is(err, ErrValidation) || !errors.As(err, &e) || e.Field != "CAFile" || !strings.Contains(e.Message, tc.want) {
			t.Errorf("%+v: %v", tc.cfg, err)
		}
	}
}

// SSL_CERT_FILE names the system's roots, as crypto/x509 reads them once per process: a child
// process (this test binary) with it set trusts the emulator without Config.CAFile, and one
// without it does not.
func TestSSLCertFileNamesTheSystemRoots(t *testing.T) {
	if url := os.Getenv("BIDCERT_TEST_CHILD_HTTPS_URL"); url != "" {
		c, err := NewClient(Config{Credentials: &Credentials{AccessKeyID: os.Getenv("BIDCERT_TEST_CHILD_ID"),
			AccessKeySecret: os.Getenv("BIDCERT_TEST_CHILD_SECRET")}, CRMEndpoint: url, MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, err = c.QueryCertifiedInfo(context.Background(), "1000000000000001", BidTypeNormal)
		if err == nil {
			t.Log("child: trusted")
		} else if errors.Is(err, ErrTLS) {
			t.Log("child: TLS error:", err)
		} else {
			t.Fatal(err)
		}
		return
	}
	emu := bidcerttest.NewTLS(t)
	child := func(env ...string) string {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestSSLCertFileNamesTheSystemRoots$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "BIDCERT_TEST_CHILD_HTTPS_URL="+emu.HTTPSURL,
			"BIDCERT_TEST_CHILD_ID="+emu.MustDemo(t, "NORMAL_ACCESS_KEY_ID"),
			"BIDCERT_TEST_CHILD_SECRET="+emu.MustDemo(t, "NORMAL_ACCESS_KEY_SECRET"))
		cmd.Env = append(cmd.Env, env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return string(out)
	}
	// Not inherited from the parent's environment: the negative case needs it unset.
	if out := child("SSL_CERT_FILE=" + emu.CAFile); !strings.Contains(out, "child: trusted") {
		t.Errorf("with SSL_CERT_FILE:\n%s", out)
	}
	if out := child("SSL_CERT_FILE=" + filepath.Join(t.TempDir(), "none.pem")); !strings.Contains(out, "child: TLS error") {
		t.Errorf("with SSL_CERT_FILE naming no CA:\n%s", out)
	}
}
