package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"
	"time"
)

// Config configures a Client. Every zero value takes the core's default (the README lists
// them); the context's deadline also applies.
type Config struct {
	// Credentials are keys given as they are. With neither Credentials nor Provider, the
	// client uses the default chain (DefaultChain: the environment, an OIDC role, the CLI's
	// config, the credentials file, the ECS instance's role, a credentials URI).
	Credentials *Credentials
	// Provider is where the credentials come from instead: EnvironmentProvider,
	// OIDCRoleProvider, CLIConfigProvider, CredentialsFileProvider, ECSRAMRoleProvider,
	// CredentialsURIProvider, RAMRoleARNProvider or DefaultChain. Every attempt is signed with
	// its current credentials, refreshed ahead of their expiry (one call refreshes while the
	// others keep the valid ones), and keys a server refuses as expired are fetched anew.
	// NewClient fetches the first ones, so that a client without any fails at once. A fetch
	// (a file, STS, the metadata service) runs in the core, bounded by the provider's own
	// timeouts rather than by a call's context.
	Provider CredentialsProvider
	// CRMEndpoint and AASEndpoint (https://host[:port]); "" for the public endpoints.
	CRMEndpoint string
	AASEndpoint string
	// HTTPClient sends the requests; nil for a client of its own. With your own client the
	// attempt's connect timeout is your transport's to apply.
	HTTPClient *http.Client
	// Timeout of one attempt, ConnectTimeout of its connection, Budget of the whole call.
	Timeout        time.Duration
	ConnectTimeout time.Duration
	Budget         time.Duration
	// MaxAttempts in all (1 = no retry). Only what a retry can fix is retried, each attempt
	// signed afresh.
	MaxAttempts int
	// RetryBaseDelay doubles per retry up to RetryMaxDelay, with jitter.
	RetryBaseDelay time.Duration
	RetryMaxDelay  time.Duration
	// MaxBodyBytes is the largest response body accepted.
	MaxBodyBytes int64
	// UserAgentSuffix is appended to the User-Agent.
	UserAgentSuffix string
	// AllowInsecureHTTP allows plain http:// to a host that is not loopback.
	AllowInsecureHTTP bool
	// SignatureVersion selects the signature scheme: SignatureV1 (v1.0, the default) or
	// SignatureV3.
	SignatureVersion SignatureVersion
	// CAFile is a PEM file of CA certificates to trust beside the system's (a TLS-inspecting
	// proxy's, say), read by NewClient. The system's pool is crypto/x509's, which on Linux
	// honours SSL_CERT_FILE and SSL_CERT_DIR. With your own HTTPClient, set its RootCAs
	// instead: NewClient refuses both.
	CAFile string
}

// Client calls the operations: the core's call engine decides every attempt, net/http sends
// it. Safe for concurrent use; Close frees it.
type Client struct {
	mu      sync.RWMutex
	ptr     *C.bidcert_client
	http    *http.Client
	ownHTTP bool
}

// millis converts a duration for C, where 0 means the core's default: a positive duration
// never rounds down to 0.
func millis(d time.Duration) C.uint64_t {
	if d <= 0 {
		return 0
	}
	return C.uint64_t((d + time.Millisecond - 1) / time.Millisecond)
}

type connectTimeoutKey struct{}

// newTransport is http.DefaultTransport's configuration, trusting roots (nil: the system's
// pool) and dialling within the attempt's connect timeout (carried by the request's context).
func newTransport(roots *x509.CertPool) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if roots != nil {
		t.TLSClientConfig = &tls.Config{RootCAs: roots}
	}
	dialer := &net.Dialer{KeepAlive: 30 * time.Second}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if d, ok := ctx.Value(connectTimeoutKey{}).(time.Duration); ok && d > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		return dialer.DialContext(ctx, network, addr)
	}
	return t
}

// rootCAs is the system's pool with the CA certificates of file added.
func rootCAs(file string) (*x509.CertPool, error) {
	invalid := func(format string, args ...any) error {
		return &Error{Status: StatusValidation, Kind: KindValidation, Field: "CAFile", Message: fmt.Sprintf(format, args...)}
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, invalid("cannot read %s: %v", file, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		// No system pool to add to (not Linux, say): the file's CAs alone.
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, invalid("%s holds no PEM certificate", file)
	}
	return pool, nil
}

// NewClient returns a client for cfg. Endpoints, credentials and the policy are checked by
// the core.
func NewClient(cfg Config) (*Client, error) {
	if err := noNUL(cfg.CRMEndpoint, cfg.AASEndpoint, cfg.UserAgentSuffix); err != nil {
		return nil, err
	}
	var roots *x509.CertPool
	if cfg.CAFile != "" {
		if cfg.HTTPClient != nil {
			return nil, &Error{Status: StatusValidation, Kind: KindValidation, Field: "CAFile",
				Message: "applies to the client's own transport: with your own HTTPClient, set its TLSClientConfig.RootCAs"}
		}
		var err error
		if roots, err = rootCAs(cfg.CAFile); err != nil {
			return nil, err
		}
	}
	var provider CredentialsProvider
	switch {
	case cfg.Credentials != nil && cfg.Provider != nil:
		return nil, &Error{Status: StatusValidation, Kind: KindValidation, Field: "Provider",
			Message: "set Credentials or Provider, not both"}
	case cfg.Credentials != nil:
		provider = *cfg.Credentials
	default:
		provider = cfg.Provider
	}
	var creds *C.bidcert_credentials // NULL: the default chain
	if provider != nil {
		var err error
		if creds, err = provider.cCredentials(); err != nil {
			return nil, err
		}
		// The client shares the provider's cache; the handle itself is no longer needed.
		defer C.bidcert_credentials_free(creds)
	}
	crm, aas, ua := optCString(cfg.CRMEndpoint), optCString(cfg.AASEndpoint), optCString(cfg.UserAgentSuffix)
	defer free(crm)
	defer free(aas)
	defer free(ua)
	maxAttempts := C.uint32_t(0)
	if cfg.MaxAttempts > 0 {
		maxAttempts = C.uint32_t(min(cfg.MaxAttempts, 1<<31))
	}
	// Go memory holding only C pointers: C reads it during the call.
	ccfg := C.bidcert_client_config{
		crm_endpoint:        crm,
		aas_endpoint:        aas,
		connect_timeout_ms:  millis(cfg.ConnectTimeout),
		timeout_ms:          millis(cfg.Timeout),
		max_attempts:        maxAttempts,
		retry_base_delay_ms: millis(cfg.RetryBaseDelay),
		retry_max_delay_ms:  millis(cfg.RetryMaxDelay),
		allow_insecure_http: C.bool(cfg.AllowInsecureHTTP),
		user_agent_suffix:   ua,
		budget_ms:           millis(cfg.Budget),
		max_body_bytes:      C.uint64_t(max(cfg.MaxBodyBytes, 0)),
		signature_version:   C.uint32_t(cfg.SignatureVersion),
	}
	c := &Client{http: cfg.HTTPClient}
	if err := ccall(func() C.bidcert_status { return C.bidcert_client_new(creds, &ccfg, &c.ptr) }); err != nil {
		return nil, err
	}
	if c.http == nil {
		c.http, c.ownHTTP = &http.Client{Transport: newTransport(roots)}, true
	}
	return c, nil
}

// use runs f with the live C client, or fails when the client is closed.
func (c *Client) use(f func(*C.bidcert_client) error) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return errClosed("Client")
	}
	return f(c.ptr)
}

// ClockOffset is the server's clock minus ours, as learned from the last timestamp error
// (0 until then); every request is timestamped with our clock plus it.
func (c *Client) ClockOffset() time.Duration {
	var s C.int64_t
	_ = c.use(func(p *C.bidcert_client) error {
		C.bidcert_client_clock_offset(p, &s)
		return nil
	})
	return time.Duration(s) * time.Second
}

// QueryCertifiedInfo asks whether customer pk has passed identity verification.
func (c *Client) QueryCertifiedInfo(ctx context.Context, pk string, bidType BidType) (*CertifiedInfo, error) {
	if err := noNUL(pk); err != nil {
		return nil, err
	}
	cpk, keep := goCString(pk)
	// The operation and its call in one crossing.
	call, err := c.start(func(client *C.bidcert_client, out **C.bidcert_call) C.bidcert_status {
		return C.bidcert_call_new_query(client, cpk, C.uint32_t(bidType), out)
	})
	runtime.KeepAlive(keep)
	if err != nil {
		return nil, err
	}
	if err := c.run(ctx, call); err != nil {
		return nil, err
	}
	defer call.Close()
	return call.CertifiedInfo()
}

// GenerateCertWaysURL gets the one-time verification link (valid 3 hours) for a customer.
func (c *Client) GenerateCertWaysURL(ctx context.Context, req CertWaysRequest) (*CertWaysURL, error) {
	if err := noNUL(req.AliyunPK); err != nil {
		return nil, err
	}
	creq := certWaysRequest(req)
	call, err := c.start(func(client *C.bidcert_client, out **C.bidcert_call) C.bidcert_status {
		return C.bidcert_call_new_cert_ways_url(client, &creq, out)
	})
	free(creq.aliyun_pk)
	if err != nil {
		return nil, err
	}
	if err := c.run(ctx, call); err != nil {
		return nil, err
	}
	defer call.Close()
	return call.CertWaysURL()
}

// Call calls any other RPC action and returns the response's JSON object.
func (c *Client) Call(ctx context.Context, req RPCRequest) ([]byte, error) {
	op, err := rpcOperation(req)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	call, err := c.do(ctx, op)
	if err != nil {
		return nil, err
	}
	defer call.Close()
	return call.JSON()
}

// Do drives a call of op to its decision with net/http and returns it done (read its result,
// then Close it), or the error it failed with.
//
// Context: cancelling ctx cancels the request in flight and returns an error of KindCanceled
// wrapping context.Canceled; nothing is fed to the engine, since no further attempt is
// wanted. ctx's deadline bounds every attempt together with the engine's own attempt timeout:
// when the attempt timeout fires first, that is a transport timeout the engine may retry;
// when ctx's deadline does, the caller's time is up, and the result is an error of
// KindTimeout wrapping context.DeadlineExceeded. A retry that could only start after ctx's
// deadline is not waited for: the call fails at once with the cause of the retry, as it does
// when the engine's own budget is spent.
func (c *Client) Do(ctx context.Context, op *Operation) (*Call, error) {
	call, err := c.do(ctx, op)
	if err == nil {
		runtime.SetFinalizer(call, (*Call).Close) // a backstop only: call Close
	}
	return call, err
}

// do is Do without the finalizer, for the Client's own calls, closed at once.
func (c *Client) do(ctx context.Context, op *Operation) (*Call, error) {
	call, err := c.newCall(op)
	if err != nil {
		return nil, err
	}
	if err := c.run(ctx, call); err != nil {
		return nil, err
	}
	return call, nil
}

// run drives call to its decision: nil when it is done, else its error, the call closed.
func (c *Client) run(ctx context.Context, call *Call) error {
	for {
		d, err := c.attempt(ctx, call)
		if err == nil && d.Kind == Retry {
			err = wait(ctx, d.After, call)
		}
		switch {
		case err != nil:
			call.Close()
			return err
		case d.Kind == Done:
			return nil
		case d.Kind == Fail:
			err := call.Err()
			call.Close()
			return err
		}
	}
}

// attempt sends the call's next request and feeds the engine what came back.
func (c *Client) attempt(ctx context.Context, call *Call) (Decision, error) {
	a, err := call.NextRequest(nil)
	if err != nil {
		return Decision{}, err
	}
	actx, cancel := context.WithTimeout(ctx, a.Timeout)
	defer cancel()
	actx = context.WithValue(actx, connectTimeoutKey{}, a.ConnectTimeout)
	var body io.Reader = http.NoBody
	if len(a.Body) > 0 {
		body = bytes.NewReader(a.Body)
	}
	req, err := http.NewRequestWithContext(actx, a.Method, a.URL, body)
	if err != nil {
		return call.FeedTransportError(TransportConnect, err.Error(), nil)
	}
	req.Header = a.Header
	if host := a.Header.Get("Host"); host != "" {
		req.Host = host // signed (V3): sent as it was signed
	}
	resp, err := c.http.Do(req)
	var read []byte
	if err == nil {
		read, err = io.ReadAll(io.LimitReader(resp.Body, a.MaxBodyBytes+1))
		resp.Body.Close()
	}
	if err != nil {
		if ctx.Err() != nil {
			return Decision{}, contextError(ctx.Err())
		}
		return call.FeedTransportError(transportKind(err, actx), err.Error(), nil)
	}
	return call.FeedResponse(resp.StatusCode, resp.Header, read, nil)
}

// wait sleeps before a retry, unless ctx ends first or its deadline leaves no time for it.
func wait(ctx context.Context, d time.Duration, call *Call) error {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= d {
		return call.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return contextError(ctx.Err())
	}
}

func contextError(err error) error {
	kind := KindCanceled
	if errors.Is(err, context.DeadlineExceeded) {
		kind = KindTimeout
	}
	return &Error{Status: StatusTimeout, Kind: kind, Err: err}
}

// transportKind classifies a net/http failure for the engine.
func transportKind(err error, attemptCtx context.Context) TransportKind {
	var netErr net.Error
	var opErr *net.OpError
	var dnsErr *net.DNSError
	// The handshake's failures: a certificate not trusted, expired or for another name, a
	// server's alert, an answer that is not TLS.
	var certErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	var alertErr tls.AlertError
	var authorityErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	var rootsErr x509.SystemRootsError
	switch {
	case attemptCtx.Err() != nil, errors.As(err, &netErr) && netErr.Timeout():
		return TransportTimeout
	case errors.As(err, &certErr), errors.As(err, &recordErr), errors.As(err, &alertErr),
		errors.As(err, &authorityErr), errors.As(err, &hostErr), errors.As(err, &invalidErr),
		errors.As(err, &rootsErr):
		return TransportTLS
	case errors.As(err, &dnsErr), errors.As(err, &opErr) && opErr.Op == "dial":
		return TransportConnect
	default:
		return TransportReset
	}
}

// Close frees the client and its idle connections. It is idempotent.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr != nil {
		C.bidcert_client_free(c.ptr)
		c.ptr = nil
		if c.ownHTTP {
			c.http.CloseIdleConnections()
		}
	}
	return nil
}
