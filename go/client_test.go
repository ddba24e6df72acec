package bidcert

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bidcert/bidcert/go/bidcerttest"
)

func startEmulator(t *testing.T) *bidcerttest.Emulator {
	t.Helper()
	return bidcerttest.New(t)
}

// newClient is a client of emu for the demo reseller `who` (NORMAL, ACCOUNT, NO_AAS, ...),
// with one attempt unless cfg says otherwise.
func newClient(t *testing.T, emu *bidcerttest.Emulator, who string, cfg Config) *Client {
	t.Helper()
	if cfg.Credentials == nil {
		cfg.Credentials = &Credentials{
			AccessKeyID:     emu.MustDemo(t, who+"_ACCESS_KEY_ID"),
			AccessKeySecret: emu.MustDemo(t, who+"_ACCESS_KEY_SECRET"),
		}
	}
	cfg.CRMEndpoint, cfg.AASEndpoint = emu.URL, emu.URL
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 1
	}
	cfg.RetryBaseDelay = 10 * time.Millisecond
	cfg.RetryMaxDelay = 20 * time.Millisecond
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
	info, err := c.QueryCertifiedInfo(context.Background(), emu.MustDemo(t, "PERSONAL_PK"), BidTypeNormal)
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
	pk := emu.MustDemo(t, "UNVERIFIED_PK")
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
		AccessKeyID: emu.MustDemo(t, "NORMAL_ACCESS_KEY_ID"), AccessKeySecret: "wrong"}})
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
		{"already certified", link(normal, emu.MustDemo(t, "PERSONAL_PK")), ErrAlreadyCertified},
		{"invalid pk", query(normal, emu.MustDemo(t, "UNKNOWN_PK")), ErrInvalidPK},
		{"bid mismatch", query(normal, emu.MustDemo(t, "LIGHTWEIGHT_CUSTOMER_PK")), ErrBidMismatch},
		{"not bid", query(newClient(t, emu, "ACCOUNT", Config{}), emu.MustDemo(t, "PERSONAL_PK")), ErrNotBid},
		{"api not found", link(newClient(t, emu, "NO_AAS", Config{}), emu.MustDemo(t, "NO_AAS_CUSTOMER_PK")), ErrAPINotFound},
		{"access key not found", query(unknownKey, emu.MustDemo(t, "PERSONAL_PK")), ErrAccessKeyNotFound},
		{"signature mismatch", query(wrongSecret, emu.MustDemo(t, "PERSONAL_PK")), ErrSignatureMismatch},
		{"empty pk is rejected before sending", query(normal, ""), ErrValidation},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.err, c.want)
		}
	}
	var apiErr *APIError
	if err := query(wrongSecret, emu.MustDemo(t, "PERSONAL_PK")); !errors.As(err, &apiErr) ||
		apiErr.Diagnosis == nil || !apiErr.Diagnosis.Identical || apiErr.RequestID == "" || apiErr.HTTPStatus != 400 {
		t.Errorf("signature mismatch diagnosis: %#v", apiErr)
	}

	// One attempt cannot retry a skew: the error reports the offset, and the client keeps it.
	if err := emu.SetClockOffset(3600); err != nil {
		t.Fatal(err)
	}
	err := query(normal, emu.MustDemo(t, "PERSONAL_PK"))
	if !errors.As(err, &apiErr) || apiErr.Kind != KindTimestamp || apiErr.ClockOffset == nil ||
		(*apiErr.ClockOffset-time.Hour).Abs() > 2*time.Second {
		t.Errorf("clock skew: %v", err)
	}
	if got := normal.ClockOffset(); (got - time.Hour).Abs() > 2*time.Second {
		t.Errorf("ClockOffset() = %v, want about 1h", got)
	}
	if err := query(normal, emu.MustDemo(t, "PERSONAL_PK")); err != nil {
		t.Errorf("the next call is on time: %v", err)
	}
	emu.SetClockOffset(0)
}

// The emulator's clock 20 minutes ahead: the first call succeeds on its second attempt, later
// calls on their first, and the request log shows exactly that.
func TestClockSkewIsCorrectedAndKept(t *testing.T) {
	emu := startEmulator(t)
	c := newClient(t, emu, "NORMAL", Config{MaxAttempts: 3})
	if err := emu.SetClockOffset(1200); err != nil {
		t.Fatal(err)
	}
	pk := emu.MustDemo(t, "PERSONAL_PK")
	for i := 0; i < 3; i++ {
		if _, err := c.QueryCertifiedInfo(context.Background(), pk, BidTypeNormal); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if got := c.ClockOffset(); (got - 20*time.Minute).Abs() > 2*time.Second {
		t.Errorf("ClockOffset() = %v, want about 20m", got)
	}
	log, err := emu.Requests()
	if err != nil || len(log) != 4 {
		t.Fatalf("log %+v, %v", log, err)
	}
	if log[0].Code == nil || *log[0].Code != "InvalidTimeStamp.Expired" {
		t.Errorf("first attempt: %+v", log[0])
	}
	for _, r := range log[1:] {
		if r.Code != nil {
			t.Errorf("a later attempt failed: %+v", r)
		}
	}
}

// Every header, the method and the URL come from the engine; Go adds nothing of its own.
func TestTheEngineDecidesWhatIsSent(t *testing.T) {
	emu := startEmulator(t)
	var mu sync.Mutex
	var seen []*http.Request
	var deadline bool
	record := roundTripper(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, r.Clone(context.Background()))
		_, deadline = r.Context().Deadline()
		mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})
	c := newClient(t, emu, "NORMAL", Config{HTTPClient: &http.Client{Transport: record}, UserAgentSuffix: "backoffice/2"})
	if _, err := c.QueryCertifiedInfo(context.Background(), emu.MustDemo(t, "PERSONAL_PK"), BidTypeNormal); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 {
		t.Fatalf("%d requests", len(seen))
	}
	r := seen[0]
	if r.Method != "POST" || !strings.HasPrefix(r.Header.Get("User-Agent"), "bidcert/") ||
		!strings.HasSuffix(r.Header.Get("User-Agent"), " backoffice/2") || r.Header.Get("Accept") != "application/json" {
		t.Errorf("sent %s with %v", r.Method, r.Header)
	}
	if !deadline {
		t.Error("the attempt had no timeout")
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A nonce sent twice is rejected: sign once through C, send twice with net/http, parse
// through C.
func TestNonceReplayIsRejected(t *testing.T) {
	emu := startEmulator(t)
	signer, err := NewSigner(Credentials{AccessKeyID: emu.MustDemo(t, "NORMAL_ACCESS_KEY_ID"),
		AccessKeySecret: emu.MustDemo(t, "NORMAL_ACCESS_KEY_SECRET")})
	if err != nil {
		t.Fatal(err)
	}
	defer signer.Close()
	if err := signer.SetEndpoint(ProductCRM, emu.URL); err != nil {
		t.Fatal(err)
	}
	req, err := signer.SignQuery(emu.MustDemo(t, "PERSONAL_PK"), BidTypeNormal, &SignOptions{Nonce: "replayed-nonce-1"})
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
	pk := emu.MustDemo(t, "PERSONAL_PK")
	once := newClient(t, emu, "NORMAL", Config{})
	retrying := newClient(t, emu, "NORMAL", Config{MaxAttempts: 3})
	fault := func(kind string, extra ...any) {
		f := map[string]any{"kind": kind}
		for i := 0; i+1 < len(extra); i += 2 {
			f[extra[i].(string)] = extra[i+1]
		}
		if err := emu.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}

	fault("throttling")
	if _, err := once.QueryCertifiedInfo(ctx, pk, BidTypeNormal); !errors.Is(err, ErrThrottling) {
		t.Errorf("throttling: %v", err)
	}
	fault("http_503", "next", 2)
	if _, err := retrying.QueryCertifiedInfo(ctx, pk, BidTypeNormal); err != nil {
		t.Errorf("two 503s then success with 3 attempts: %v", err)
	}
	fault("drop_connection")
	if _, err := once.QueryCertifiedInfo(ctx, pk, BidTypeNormal); !errors.Is(err, ErrReset) {
		t.Errorf("dropped connection: %v", err)
	}
	fault("non_json_body")
	var e *Error
	if _, err := once.QueryCertifiedInfo(ctx, pk, BidTypeNormal); !errors.Is(err, ErrParse) || !errors.As(err, &e) || e.HTTPStatus != 502 {
		t.Errorf("non-JSON body: %v", err)
	}
	short := newClient(t, emu, "NORMAL", Config{Timeout: 200 * time.Millisecond})
	fault("latency", "latency_ms", 2000)
	if _, err := short.QueryCertifiedInfo(ctx, pk, BidTypeNormal); !errors.Is(err, ErrTimeout) {
		t.Errorf("per-attempt timeout: %v", err)
	}
	emu.ClearFaults()
	// Nothing listens on a closed emulator's port.
	dead := bidcerttest.New(t)
	gone := newClient(t, dead, "NORMAL", Config{Credentials: &Credentials{AccessKeyID: "id", AccessKeySecret: "s"}})
	dead.Close()
	if _, err := gone.QueryCertifiedInfo(ctx, pk, BidTypeNormal); !errors.Is(err, ErrConnect) {
		t.Errorf("connection refused: %v", err)
	}
}

func TestContextCancellationAndDeadline(t *testing.T) {
	emu := startEmulator(t)
	c := newClient(t, emu, "NORMAL", Config{})
	pk := emu.MustDemo(t, "PERSONAL_PK")

	emu.InjectFault(map[string]any{"kind": "latency", "latency_ms": 3000})
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

	emu.InjectFault(map[string]any{"kind": "latency", "latency_ms": 3000})
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel2() }()
	start = time.Now()
	_, err = c.GenerateCertWaysURL(ctx2, CertWaysRequest{AliyunPK: emu.MustDemo(t, "UNVERIFIED_PK")})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrCanceled) {
		t.Errorf("cancel: %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("cancellation was not honoured: %v", time.Since(start))
	}
	emu.ClearFaults()

	// A retry that could only start after the deadline is not waited for: the cause is the
	// error, at once.
	emu.InjectFault(map[string]any{"kind": "throttling", "retry_after_ms": 5000})
	retrying := newClient(t, emu, "NORMAL", Config{MaxAttempts: 3})
	ctx3, cancel3 := context.WithTimeout(context.Background(), time.Second)
	defer cancel3()
	start = time.Now()
	if _, err := retrying.QueryCertifiedInfo(ctx3, pk, BidTypeNormal); !errors.Is(err, ErrThrottling) || time.Since(start) > 500*time.Millisecond {
		t.Errorf("retry past the deadline: %v after %v", err, time.Since(start))
	}
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
	pk := emu.MustDemo(t, "PERSONAL_PK")
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
