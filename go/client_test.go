package bidcert

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func demo(t *testing.T, name string) string {
	t.Helper()
	v, err := DemoValue(name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func startEmulator(t *testing.T) *Emulator {
	t.Helper()
	emu, err := StartEmulator()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	return emu
}

// newClient is a client of emu for the demo reseller `who` (NORMAL, ACCOUNT, NO_AAS, ...).
func newClient(t *testing.T, emu *Emulator, who string, cfg Config) *Client {
	t.Helper()
	if cfg.Credentials == nil {
		cfg.Credentials = &Credentials{
			AccessKeyID:     demo(t, who+"_ACCESS_KEY_ID"),
			AccessKeySecret: demo(t, who+"_ACCESS_KEY_SECRET"),
		}
	}
	cfg.CRMEndpoint, cfg.AASEndpoint = emu.URL, emu.URL
	cfg.MaxAttempts = or(cfg.MaxAttempts, 1)
	cfg.RetryBaseDelay = 10 * time.Millisecond
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestQueryCertifiedInfoAgainstEmulator(t *testing.T) {
	emu := startEmulator(t)
	c := newClient(t, emu, "NORMAL", Config{})
	info, err := c.QueryCertifiedInfo(context.Background(), demo(t, "PERSONAL_PK"), BidTypeNormal)
	if err != nil {
		t.Fatal(err)
	}
	if !info.IsCertified || info.Name != "Zhang San" || info.CertType != "ID" || info.AccountCertType != "personal" {
		t.Errorf("got %#v", *info)
	}
	if strings.Contains(info.String(), "Zhang San") {
		t.Errorf("String() shows the name: %s", info)
	}
}

func TestGenerateCertWaysURLThenVerified(t *testing.T) {
	emu := startEmulator(t)
	c := newClient(t, emu, "NORMAL", Config{})
	ctx := context.Background()
	pk := demo(t, "UNVERIFIED_PK")
	link, err := c.GenerateCertWaysURL(ctx, CertWaysRequest{AliyunPK: pk, Platform: PlatformH5})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link.URL, emu.URL) || link.ExpiresAt.Sub(link.IssuedAt) != 3*time.Hour || link.RequestID == "" {
		t.Errorf("link %+v", link)
	}
	if link.Origin != emu.URL {
		t.Errorf("origin %q, want %q", link.Origin, emu.URL)
	}
	info, err := c.QueryCertifiedInfo(ctx, pk, BidTypeNormal)
	if err != nil || info.IsCertified {
		t.Fatalf("before verification: %+v, %v", info, err)
	}
	if err := emu.VerifyCustomer(pk); err != nil {
		t.Fatal(err)
	}
	info, err = c.QueryCertifiedInfo(ctx, pk, BidTypeNormal)
	if err != nil || !info.IsCertified {
		t.Fatalf("after verification: %+v, %v", info, err)
	}
}

func TestDocumentedErrorsAgainstEmulator(t *testing.T) {
	emu := startEmulator(t)
	ctx := context.Background()
	normal := newClient(t, emu, "NORMAL", Config{})
	wrongSecret := newClient(t, emu, "NORMAL", Config{Credentials: &Credentials{
		AccessKeyID: demo(t, "NORMAL_ACCESS_KEY_ID"), AccessKeySecret: "wrong"}})
	unknownKey := newClient(t, emu, "NORMAL", Config{Credentials: &Credentials{
		AccessKeyID: "LTAI5tNobody", AccessKeySecret: "s"}})
	query := func(c *Client, pk string) error {
		_, err := c.QueryCertifiedInfo(ctx, pk, BidTypeNormal)
		return err
	}
	link := func(c *Client, pk string) error {
		_, err := c.GenerateCertWaysURL(ctx, CertWaysRequest{AliyunPK: pk})
		return err
	}
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"already certified", link(normal, demo(t, "PERSONAL_PK")), ErrAlreadyCertified},
		{"invalid pk", query(normal, demo(t, "UNKNOWN_PK")), ErrInvalidPK},
		{"bid mismatch", query(normal, demo(t, "LIGHTWEIGHT_CUSTOMER_PK")), ErrBidMismatch},
		{"not bid", query(newClient(t, emu, "ACCOUNT", Config{}), demo(t, "PERSONAL_PK")), ErrNotBid},
		{"api not found", link(newClient(t, emu, "NO_AAS", Config{}), demo(t, "NO_AAS_CUSTOMER_PK")), ErrAPINotFound},
		{"access key not found", query(unknownKey, demo(t, "PERSONAL_PK")), ErrAccessKeyNotFound},
		{"signature mismatch", query(wrongSecret, demo(t, "PERSONAL_PK")), ErrSignatureMismatch},
		{"empty pk is rejected before sending", query(normal, ""), ErrValidation},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.err, c.want)
		}
	}
	var apiErr *APIError
	if err := query(wrongSecret, demo(t, "PERSONAL_PK")); !errors.As(err, &apiErr) ||
		apiErr.Diagnosis == nil || !apiErr.Diagnosis.Identical || apiErr.RequestID == "" || apiErr.HTTPStatus != 400 {
		t.Errorf("signature mismatch diagnosis: %#v", apiErr)
	}

	if err := emu.SetClockOffset(3600); err != nil {
		t.Fatal(err)
	}
	if err := query(normal, demo(t, "PERSONAL_PK")); !errors.Is(err, ErrTimestamp) {
		t.Errorf("clock skew: %v", err)
	}
	emu.SetClockOffset(0)
}

// A nonce sent twice is rejected: sign once through C, send twice with net/http, parse
// through C.
func TestNonceReplayIsRejected(t *testing.T) {
	emu := startEmulator(t)
	c := newClient(t, emu, "NORMAL", Config{})
	req, err := c.Signer().SignQuery(demo(t, "PERSONAL_PK"), BidTypeNormal, &SignOptions{Nonce: "replayed-nonce-1"})
	if err != nil {
		t.Fatal(err)
	}
	send := func() error {
		httpReq, _ := http.NewRequest(req.Method, req.URL, nil)
		resp, err := http.DefaultClient.Do(httpReq)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body := make([]byte, 0, 1024)
		buf := make([]byte, 1024)
		for {
			n, err := resp.Body.Read(buf)
			body = append(body, buf[:n]...)
			if err != nil {
				break
			}
		}
		_, err = ParseCertifiedInfo(resp.StatusCode, body)
		return err
	}
	if err := send(); err != nil {
		t.Fatalf("first send: %v", err)
	}
	err = send()
	var apiErr *APIError
	if !errors.Is(err, ErrSignatureNonceUsed) || !errors.As(err, &apiErr) || !apiErr.Retryable {
		t.Errorf("replay: %v", err)
	}
}

func TestFaultsRetriesAndTimeouts(t *testing.T) {
	emu := startEmulator(t)
	ctx := context.Background()
	pk := demo(t, "PERSONAL_PK")
	once := newClient(t, emu, "NORMAL", Config{})
	retrying := newClient(t, emu, "NORMAL", Config{MaxAttempts: 3})

	emu.InjectFault(FaultThrottling, 0, 1)
	if _, err := once.QueryCertifiedInfo(ctx, pk, BidTypeNormal); !errors.Is(err, ErrThrottling) {
		t.Errorf("throttling: %v", err)
	}
	emu.InjectFault(FaultHTTP503, 0, 2)
	if _, err := retrying.QueryCertifiedInfo(ctx, pk, BidTypeNormal); err != nil {
		t.Errorf("two 503s then success with 3 attempts: %v", err)
	}
	emu.InjectFault(FaultDropConnection, 0, 1)
	if _, err := once.QueryCertifiedInfo(ctx, pk, BidTypeNormal); !errors.Is(err, ErrTransport) {
		t.Errorf("dropped connection: %v", err)
	}
	emu.InjectFault(FaultNonJSONBody, 0, 1)
	var e *Error
	if _, err := once.QueryCertifiedInfo(ctx, pk, BidTypeNormal); !errors.Is(err, ErrParse) || !errors.As(err, &e) || e.HTTPStatus != 502 {
		t.Errorf("non-JSON body: %v", err)
	}
	short := newClient(t, emu, "NORMAL", Config{Timeout: 200 * time.Millisecond})
	emu.InjectFault(FaultLatency, 2*time.Second, 1)
	if _, err := short.QueryCertifiedInfo(ctx, pk, BidTypeNormal); !errors.Is(err, ErrTimeout) {
		t.Errorf("per-attempt timeout: %v", err)
	}
	emu.ClearFaults()
}

func TestContextCancellationAndDeadline(t *testing.T) {
	emu := startEmulator(t)
	c := newClient(t, emu, "NORMAL", Config{})
	pk := demo(t, "PERSONAL_PK")

	emu.InjectFault(FaultLatency, 3*time.Second, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.QueryCertifiedInfo(ctx, pk, BidTypeNormal)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrTimeout) {
		t.Errorf("deadline: %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("the deadline was not honoured: %v", time.Since(start))
	}

	emu.InjectFault(FaultLatency, 3*time.Second, 1)
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel2() }()
	start = time.Now()
	_, err = c.GenerateCertWaysURL(ctx2, CertWaysRequest{AliyunPK: demo(t, "UNVERIFIED_PK")})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrCanceled) {
		t.Errorf("cancel: %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("cancellation was not honoured: %v", time.Since(start))
	}
	emu.ClearFaults()
}

func TestNewClientRejectsPlainHTTPToRemoteHosts(t *testing.T) {
	_, err := NewClient(Config{
		Credentials: &Credentials{AccessKeyID: "id", AccessKeySecret: "s"},
		CRMEndpoint: "http://crm.example.com",
	})
	if !errors.Is(err, ErrValidation) {
		t.Errorf("got %v", err)
	}
	_, err = NewClient(Config{
		Credentials: &Credentials{AccessKeyID: "id", AccessKeySecret: "s"},
		AASEndpoint: "not a url",
	})
	if !errors.Is(err, ErrValidation) {
		t.Errorf("got %v", err)
	}
}

// Many goroutines share one client: run under -race.
func TestClientIsSafeForConcurrentUse(t *testing.T) {
	emu := startEmulator(t)
	c := newClient(t, emu, "NORMAL", Config{})
	pk := demo(t, "PERSONAL_PK")
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			_, err := c.QueryCertifiedInfo(context.Background(), pk, BidTypeNormal)
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestPlainHTTPOnlyToLoopback(t *testing.T) {
	creds := &Credentials{AccessKeyID: "id", AccessKeySecret: "secret"}
	for _, tc := range []struct {
		endpoint      string
		allowInsecure bool
		ok            bool
	}{
		{"http://127.0.0.1:8080", false, true},
		{"http://localhost:1", false, true},
		{"https://crm-cn-hangzhou.aliyuncs.com", false, true},
		{"http://crm-cn-hangzhou.aliyuncs.com", false, false},
		{"http://crm-cn-hangzhou.aliyuncs.com", true, true},
		{"not a url", true, false},
	} {
		c, err := NewClient(Config{Credentials: creds, CRMEndpoint: tc.endpoint, AllowInsecureHTTP: tc.allowInsecure})
		if tc.ok != (err == nil) {
			t.Errorf("%s (allow insecure %v): err = %v", tc.endpoint, tc.allowInsecure, err)
		}
		var e *Error
		if err != nil && (!errors.As(err, &e) || e.Kind != KindValidation) {
			t.Errorf("%s: want a validation error, got %#v", tc.endpoint, err)
		}
		if c != nil {
			c.Close()
		}
	}
}
