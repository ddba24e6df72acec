package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

const maxBody = 1 << 20

// Config configures a Client. Zero values take the defaults.
type Config struct {
	// Credentials; nil resolves them from the default chain (ALIBABA_CLOUD_ACCESS_KEY_ID /
	// _SECRET / _SECURITY_TOKEN, the CLI profile, the shared credentials file).
	Credentials *Credentials
	// CRMEndpoint and AASEndpoint (https://host[:port]); "" for the public endpoints.
	CRMEndpoint string
	AASEndpoint string
	// HTTPClient sends the requests; nil for a client of its own.
	HTTPClient *http.Client
	// Timeout of one attempt; 0 for 10 s. The ctx deadline also applies.
	Timeout time.Duration
	// MaxAttempts in all (1 = no retry); 0 for 3. Only retryable errors are retried, each
	// attempt signed afresh (new timestamp and nonce).
	MaxAttempts int
	// RetryBaseDelay (0 for 200 ms) doubles per retry up to RetryMaxDelay (0 for 2 s),
	// with jitter.
	RetryBaseDelay time.Duration
	RetryMaxDelay  time.Duration
	// AllowInsecureHTTP allows plain http:// to a host that is not loopback.
	AllowInsecureHTTP bool
}

// Client calls the two operations. Safe for concurrent use; Close frees it.
type Client struct {
	signer *Signer
	http   *http.Client
	cfg    Config
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// checkEndpoint applies the core's transport rule (https, or plain http only to loopback
// unless allowed), so every binding refuses the same endpoints.
func checkEndpoint(endpoint string, allowInsecure bool) error {
	if err := noNUL(endpoint); err != nil {
		return err
	}
	cs := cString(endpoint)
	defer free(cs)
	return call(func() C.bidcert_status { return C.bidcert_endpoint_check(cs, C.bool(allowInsecure)) })
}

// NewClient returns a client for cfg.
func NewClient(cfg Config) (*Client, error) {
	var creds *C.bidcert_credentials
	var err error
	if cfg.Credentials != nil {
		creds, err = newCredentials(*cfg.Credentials)
	} else {
		err = call(func() C.bidcert_status { return C.bidcert_credentials_resolve(&creds) })
	}
	if err != nil {
		return nil, err
	}
	signer, err := signerFrom(creds)
	C.bidcert_credentials_free(creds)
	if err != nil {
		return nil, err
	}
	for _, e := range []struct {
		product  Product
		endpoint string
	}{{ProductCRM, cfg.CRMEndpoint}, {ProductAAS, cfg.AASEndpoint}} {
		if e.endpoint == "" {
			continue
		}
		err := checkEndpoint(e.endpoint, cfg.AllowInsecureHTTP)
		if err == nil {
			err = signer.SetEndpoint(e.product, e.endpoint)
		}
		if err != nil {
			signer.Close()
			return nil, err
		}
	}
	// The retry delays stay 0 for the core's defaults (bidcert_retry_delay_ms).
	cfg.Timeout = or(cfg.Timeout, 10*time.Second)
	cfg.MaxAttempts = or(cfg.MaxAttempts, 3)
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	return &Client{signer: signer, http: httpClient, cfg: cfg}, nil
}

// Signer is the client's signer (to sign requests yourself).
func (c *Client) Signer() *Signer { return c.signer }

// QueryCertifiedInfo asks whether customer pk has passed identity verification.
func (c *Client) QueryCertifiedInfo(ctx context.Context, pk string, bidType BidType) (*CertifiedInfo, error) {
	var info *CertifiedInfo
	err := c.execute(ctx, func() (*C.bidcert_signed_request, error) {
		return c.signer.signQuery(pk, bidType, nil)
	}, func(_ *C.bidcert_signed_request, status C.uint16_t, body []byte) (err error) {
		info, err = ParseCertifiedInfo(int(status), body)
		return err
	})
	return info, err
}

// GenerateCertWaysURL gets the one-time verification link (valid 3 hours) for a customer.
func (c *Client) GenerateCertWaysURL(ctx context.Context, req CertWaysRequest) (*CertWaysURL, error) {
	var link *CertWaysURL
	err := c.execute(ctx, func() (*C.bidcert_signed_request, error) {
		return c.signer.signCertWaysURL(req, nil)
	}, func(signed *C.bidcert_signed_request, status C.uint16_t, body []byte) (err error) {
		var issuedAt *C.char // NULL (now) only if the getter failed
		C.bidcert_signed_request_timestamp(signed, &issuedAt)
		defer C.bidcert_string_free(issuedAt)
		link, err = parseCertWaysURL(status, body, issuedAt)
		return err
	})
	return link, err
}

// execute signs each attempt afresh, sends it, parses the answer, and retries what a retry
// can fix while ctx allows.
func (c *Client) execute(ctx context.Context, sign func() (*C.bidcert_signed_request, error),
	parse func(*C.bidcert_signed_request, C.uint16_t, []byte) error) error {
	for attempt := 1; ; attempt++ {
		err := c.attempt(ctx, sign, parse)
		if err == nil || !retryable(err) || attempt >= c.cfg.MaxAttempts {
			return err
		}
		if err := sleep(ctx, c.delay(attempt)); err != nil {
			return err
		}
	}
}

// attempt signs, sends and parses once. Of the signed request only what is needed leaves C:
// the method and URL, and the string to sign for a signature mismatch.
func (c *Client) attempt(ctx context.Context, sign func() (*C.bidcert_signed_request, error),
	parse func(*C.bidcert_signed_request, C.uint16_t, []byte) error) error {
	req, err := sign()
	if err != nil {
		return err
	}
	defer C.bidcert_signed_request_free(req)
	status, body, err := c.send(ctx,
		getString(func(o **C.char) C.bidcert_status { return C.bidcert_signed_request_method(req, o) }),
		getString(func(o **C.char) C.bidcert_status { return C.bidcert_signed_request_url(req, o) }))
	if err != nil {
		return err
	}
	err = parse(req, status, body)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Kind == KindSignatureMismatch {
		ours := getString(func(o **C.char) C.bidcert_status { return C.bidcert_signed_request_string_to_sign(req, o) })
		apiErr.Diagnosis, _ = DiagnoseSignatureMismatch(apiErr.Message, ours)
	}
	return err
}

// delay is the core's backoff (doubling from the base delay, capped, jittered; 0 takes the
// core's default), so Go backs off exactly as the other bindings do.
func (c *Client) delay(retry int) time.Duration {
	var ms C.uint64_t
	// Fails only for a NULL out_ms, so the thread's last error need not be read.
	C.bidcert_retry_delay_ms(C.uint32_t(retry), C.uint64_t(c.cfg.RetryBaseDelay.Milliseconds()),
		C.uint64_t(c.cfg.RetryMaxDelay.Milliseconds()), &ms)
	return time.Duration(ms) * time.Millisecond
}

func sleep(ctx context.Context, d time.Duration) error {
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

func (c *Client) send(ctx context.Context, method, url string) (C.uint16_t, []byte, error) {
	attemptCtx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	httpReq, err := http.NewRequestWithContext(attemptCtx, method, url, nil)
	if err != nil {
		return 0, nil, &Error{Status: StatusValidation, Kind: KindValidation, Message: err.Error(), Err: err}
	}
	httpReq.Header.Set("Accept", "application/json")
	httpReq.Header.Set("User-Agent", "bidcert-go/0.1.0")
	resp, err := c.http.Do(httpReq)
	if err == nil {
		defer resp.Body.Close()
		var body []byte
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
		if err == nil { // net/http only reads three-digit statuses
			return C.uint16_t(resp.StatusCode), body, nil
		}
	}
	if ctx.Err() != nil {
		return 0, nil, contextError(ctx.Err())
	}
	if attemptCtx.Err() != nil {
		return 0, nil, &Error{Status: StatusTimeout, Kind: KindTimeout, Retryable: true,
			Message: fmt.Sprintf("no complete response within %v", c.cfg.Timeout), Err: err}
	}
	return 0, nil, &Error{Status: StatusTransport, Kind: KindTransport, Retryable: true, Err: err}
}

// Close frees the client's signer and idle connections. It is idempotent.
func (c *Client) Close() error {
	if c.cfg.HTTPClient == nil {
		c.http.CloseIdleConnections()
	}
	return c.signer.Close()
}
