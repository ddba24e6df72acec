// Package bidcerttest runs the bidcert emulator of both endpoints for tests: the
// bidcert-emulator program as a subprocess on 127.0.0.1, driven through its admin HTTP API.
// A test binary that uses it links only the production library; the emulator runs in its own
// process. NewTLS serves HTTPS too, with a CA made at start (Emulator.CAFile). STS
// (AssumeRole, AssumeRoleWithOIDC) is always served on URL; NewMetadata also serves the ECS
// instance metadata service and a credentials URI (Emulator.MetadataURL,
// Emulator.CredentialsURI), for the credentials providers' tests.
//
// The program is found through the BIDCERT_EMULATOR environment variable (a path), else as
// bidcert-emulator on PATH (`cargo install` it, or build it with
// `cargo build -p bidcert-cli --bin bidcert-emulator`).
package bidcerttest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Emulator is a running emulator with the demo fixture. Safe for concurrent use.
type Emulator struct {
	// URL is the endpoint of both products, http://127.0.0.1:PORT.
	URL string
	// HTTPSURL is the same endpoint over TLS, https://127.0.0.1:PORT, when started with
	// StartTLS or NewTLS ("" otherwise); its certificate covers 127.0.0.1, ::1 and localhost.
	HTTPSURL string
	// CAFile is the PEM file of the CA that signed the HTTPS certificate, for a client to
	// trust (Config.CAFile); "" without TLS.
	CAFile string
	// MetadataURL is the ECS instance metadata service, http://127.0.0.1:PORT, when started
	// with NewMetadata or StartMetadata ("" otherwise): what ECSRAMRoleProvider.Endpoint
	// points at instead of 100.100.100.200.
	MetadataURL string
	// CredentialsURI answers the instance role's temporary keys (on the metadata port); ""
	// without the metadata service.
	CredentialsURI string

	cmd    *exec.Cmd
	http   *http.Client
	once   sync.Once
	demo   map[string]string
	demoMu sync.Mutex
}

// Program is the emulator program Start runs: $BIDCERT_EMULATOR, else bidcert-emulator on PATH.
func Program() (string, error) {
	if p := os.Getenv("BIDCERT_EMULATOR"); p != "" {
		return p, nil
	}
	p, err := exec.LookPath("bidcert-emulator")
	if err != nil {
		return "", fmt.Errorf("bidcerttest: no emulator: set BIDCERT_EMULATOR or put bidcert-emulator on PATH (%w)", err)
	}
	return p, nil
}

// Start runs the emulator on a free port and waits until it serves.
func Start(args ...string) (*Emulator, error) {
	program, err := Program()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(program, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bidcerttest: starting %s: %w", program, err)
	}
	// The first line is {"url": "http://127.0.0.1:PORT"}, printed once it listens; with --tls
	// {"url": "https://127.0.0.1:PORT", "http_url": "http://127.0.0.1:PORT"}; with --metadata
	// also "metadata_url".
	lines := bufio.NewReader(out)
	line, err := lines.ReadString('\n')
	var first struct {
		URL         string `json:"url"`
		HTTPURL     string `json:"http_url"`
		MetadataURL string `json:"metadata_url"`
	}
	if err != nil || json.Unmarshal([]byte(line), &first) != nil || first.URL == "" {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("bidcerttest: %s printed %q, not its URL (%v)", program, line, err)
	}
	go io.Copy(io.Discard, lines) // never block the emulator on a full pipe
	e := &Emulator{URL: first.URL, cmd: cmd, http: &http.Client{Timeout: 30 * time.Second}}
	if first.HTTPURL != "" {
		e.URL, e.HTTPSURL = first.HTTPURL, first.URL
	}
	if first.MetadataURL != "" {
		var m struct {
			CredentialsURI string `json:"credentials_uri"`
		}
		if err := e.admin("GET", "metadata", nil, &m); err != nil {
			e.Close()
			return nil, err
		}
		e.MetadataURL, e.CredentialsURI = first.MetadataURL, m.CredentialsURI
	}
	return e, nil
}

// StartMetadata runs the emulator serving the ECS instance metadata service and a
// credentials URI too, on a port of their own (MetadataURL, CredentialsURI).
func StartMetadata() (*Emulator, error) {
	e, err := Start("--metadata")
	if err != nil {
		return nil, err
	}
	if e.MetadataURL == "" {
		e.Close()
		return nil, errors.New("bidcerttest: the emulator started with --metadata printed no metadata URL")
	}
	return e, nil
}

// NewMetadata is StartMetadata for t; it stops the emulator when t ends.
func NewMetadata(t testing.TB) *Emulator {
	t.Helper()
	e, err := StartMetadata()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// StartTLS runs the emulator serving HTTPS too (HTTPSURL), with a CA made at start whose PEM
// it writes to dir/ca.pem (CAFile).
func StartTLS(dir string) (*Emulator, error) {
	caFile := filepath.Join(dir, "ca.pem")
	e, err := Start("--tls", "--ca-out", caFile)
	if err != nil {
		return nil, err
	}
	if e.HTTPSURL == "" {
		e.Close()
		return nil, errors.New("bidcerttest: the emulator started with --tls printed no HTTPS URL")
	}
	e.CAFile = caFile
	return e, nil
}

// NewTLS is StartTLS for t, with the CA in t's temporary directory; it stops the emulator
// when t ends.
func NewTLS(t testing.TB) *Emulator {
	t.Helper()
	e, err := StartTLS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// New starts an emulator for t and stops it when t ends; it fails t if it cannot start.
func New(t testing.TB) *Emulator {
	t.Helper()
	e, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// Close stops the emulator and waits for it. It is idempotent.
func (e *Emulator) Close() error {
	e.once.Do(func() {
		e.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { e.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			e.cmd.Process.Kill()
			<-done
		}
	})
	return nil
}

// admin calls the admin API and decodes its JSON answer into out (when not nil).
func (e *Emulator) admin(method, path string, body any, out any) error {
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.URL+"/_emulator/"+path, reader)
	if err != nil {
		return err
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return fmt.Errorf("bidcerttest: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("bidcerttest: %s %s: HTTP %d: %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// Reset goes back to the state at start: the fixture's customers, clock offset 0, no nonces,
// faults, request log, issued STS keys, STS counts, metadata tokens or counts.
func (e *Emulator) Reset() error { return e.admin("POST", "reset", nil, nil) }

// SetClockOffset moves the emulator's clock by seconds from the system clock; its Date header
// follows.
func (e *Emulator) SetClockOffset(seconds int64) error {
	return e.admin("POST", "clock", map[string]int64{"offset_seconds": seconds}, nil)
}

// InjectFault adds a fault in the admin API's JSON shape: {"kind": "http_503", "next": 2},
// {"kind": "malformed_body", "action": "AssumeRole", "next": 1} for STS, or {"kind": "hang",
// "target": "metadata", "next": 3} for the metadata port; as a map, a struct or a
// json.RawMessage.
func (e *Emulator) InjectFault(fault any) error { return e.admin("POST", "faults", fault, nil) }

// ClearFaults removes every fault.
func (e *Emulator) ClearFaults() error { return e.admin("DELETE", "faults", nil, nil) }

// FaultKinds is every fault kind the emulator can inject, by its admin name.
func (e *Emulator) FaultKinds() ([]string, error) {
	var kinds []string
	err := e.admin("GET", "faults/kinds", nil, &kinds)
	return kinds, err
}

// TLSHandshakes is the number of TLS handshakes the HTTPS port completed since start (or the
// last Reset): one per connection, so a client that keeps its connections alive makes few.
func (e *Emulator) TLSHandshakes() (int, error) {
	var tls struct {
		Handshakes int `json:"handshakes"`
	}
	err := e.admin("GET", "tls", nil, &tls)
	return tls.Handshakes, err
}

// VerifyCustomer marks customer pk verified, as a successful verification would.
func (e *Emulator) VerifyCustomer(pk string) error {
	return e.admin("POST", "customers/"+pk+"/verify", nil, nil)
}

// Request is one API request in the emulator's log.
type Request struct {
	RequestID   string `json:"request_id"`
	Action      string `json:"action"`
	AccessKeyID string `json:"access_key_id"`
	Nonce       string `json:"nonce"`
	Timestamp   string `json:"timestamp"`
	// SignatureVersion is "v1" or "v3"; nil for an unsigned request.
	SignatureVersion *string `json:"signature_version"`
	TLS              bool    `json:"tls"`    // it came over HTTPS
	Status           *int    `json:"status"` // nil when the connection was dropped
	Code             *string `json:"code"`   // the error code answered; nil for a success
	Fault            *string `json:"fault"`
}

// Requests is the request log, oldest first.
func (e *Emulator) Requests() ([]Request, error) {
	var log []Request
	err := e.admin("GET", "requests", nil, &log)
	return log, err
}

// Demo is a well-known value of the demo fixture by name (NORMAL_ACCESS_KEY_ID,
// NORMAL_ACCESS_KEY_SECRET, PERSONAL_PK, UNVERIFIED_PK, ...). Published test values.
func (e *Emulator) Demo(name string) (string, error) {
	e.demoMu.Lock()
	defer e.demoMu.Unlock()
	if e.demo == nil {
		if err := e.admin("GET", "demo", nil, &e.demo); err != nil {
			return "", err
		}
	}
	v, ok := e.demo[name]
	if !ok {
		return "", errors.New("bidcerttest: no demo value " + name)
	}
	return v, nil
}

// MustDemo is Demo that fails t for an unknown name.
func (e *Emulator) MustDemo(t testing.TB, name string) string {
	t.Helper()
	v, err := e.Demo(name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// STSCalls is the number of STS requests with action (AssumeRole, AssumeRoleWithOIDC)
// received since start (or the last Reset), whatever their outcome.
func (e *Emulator) STSCalls(action string) (int, error) {
	var sts struct {
		Calls map[string]int `json:"calls"`
	}
	err := e.admin("GET", "sts", nil, &sts)
	return sts.Calls[action], err
}

// ExpireSTSCredentials makes every temporary key issued so far (by STS and the metadata
// service) expire now: requests signed with them are refused InvalidSecurityToken.Expired.
// It answers how many were still valid.
func (e *Emulator) ExpireSTSCredentials() (int, error) {
	var out struct {
		Expired int `json:"expired"`
	}
	err := e.admin("POST", "sts/expire", nil, &out)
	return out.Expired, err
}

// SetRequireIMDSv2 makes the metadata service answer only requests with a session token
// (IMDSv2 only), or not.
func (e *Emulator) SetRequireIMDSv2(required bool) error {
	return e.admin("POST", "metadata", map[string]bool{"require_imdsv2": required}, nil)
}

// MetadataRequests counts the requests the metadata port received since start (or the last
// Reset), by kind.
type MetadataRequests struct {
	Total          int `json:"total"`
	Tokens         int `json:"tokens"`
	Listings       int `json:"listings"`
	Credentials    int `json:"credentials"`
	CredentialsURI int `json:"credentials_uri"`
}

// MetadataRequests is what the metadata port received.
func (e *Emulator) MetadataRequests() (MetadataRequests, error) {
	var m struct {
		Requests MetadataRequests `json:"requests"`
	}
	err := e.admin("GET", "metadata", nil, &m)
	return m.Requests, err
}
