package bidcert

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bidcert/bidcert/go/bidcerttest"
)

type matrixPolicy struct {
	MaxAttempts      int   `json:"max_attempts"`
	BaseDelayMs      int64 `json:"base_delay_ms"`
	MaxDelayMs       int64 `json:"max_delay_ms"`
	BudgetMs         int64 `json:"budget_ms"`
	AttemptTimeoutMs int64 `json:"attempt_timeout_ms"`
}

// apply changes cfg by the fields p sets.
func (p matrixPolicy) apply(cfg *Config) {
	ms := func(n int64, d *time.Duration) {
		if n != 0 {
			*d = time.Duration(n) * time.Millisecond
		}
	}
	if p.MaxAttempts != 0 {
		cfg.MaxAttempts = p.MaxAttempts
	}
	ms(p.BaseDelayMs, &cfg.RetryBaseDelay)
	ms(p.MaxDelayMs, &cfg.RetryMaxDelay)
	ms(p.BudgetMs, &cfg.Budget)
	ms(p.AttemptTimeoutMs, &cfg.Timeout)
}

// The live fault matrix (tests/live/fault_matrix.json, see its "about") through the Go
// client: the same script the Rust, C and Python clients run, with the same outcomes, over
// HTTP and over HTTPS (trusting the emulator's CA).
func TestFaultMatrix(t *testing.T) {
	dir := os.Getenv("BIDCERT_LIVE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "tests", "live")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "fault_matrix.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Policy matrixPolicy `json:"policy"`
		Cases  []struct {
			Name        string            `json:"name"`
			Policy      matrixPolicy      `json:"policy"`
			ClockOffset int64             `json:"clock_offset_s"`
			Faults      []json.RawMessage `json:"faults"`
			Calls       []struct {
				Call     string `json:"call"`
				PK       string `json:"pk"`
				SettleMs int64  `json:"settle_ms"`
				Expect   struct {
					Outcome      string `json:"outcome"`
					Attempts     int    `json:"attempts"`
					MinElapsedMs int64  `json:"min_elapsed_ms"`
				} `json:"expect"`
			} `json:"calls"`
		} `json:"cases"`
	}
	mustUnmarshal(t, raw, &doc)
	emu := bidcerttest.NewTLS(t)
	for _, scheme := range []string{"http", "https"} {
		url, caFile := emu.URL, ""
		if scheme == "https" {
			url, caFile = emu.HTTPSURL, emu.CAFile
		}
		for _, c := range doc.Cases {
			t.Run(scheme+"/"+c.Name, func(t *testing.T) {
				if err := emu.Reset(); err != nil {
					t.Fatal(err)
				}
				if err := emu.SetClockOffset(c.ClockOffset); err != nil {
					t.Fatal(err)
				}
				for _, f := range c.Faults {
					if err := emu.InjectFault(f); err != nil {
						t.Fatal(err)
					}
				}
				cfg := Config{
					Credentials: &Credentials{AccessKeyID: emu.MustDemo(t, "NORMAL_ACCESS_KEY_ID"),
						AccessKeySecret: emu.MustDemo(t, "NORMAL_ACCESS_KEY_SECRET")},
					CRMEndpoint: url, AASEndpoint: url, CAFile: caFile,
				}
				doc.Policy.apply(&cfg)
				c.Policy.apply(&cfg)
				client, err := NewClient(cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer client.Close()
				logged := 0
				for i, call := range c.Calls {
					pk := emu.MustDemo(t, call.PK)
					started := time.Now()
					switch call.Call {
					case "query_certified_info":
						_, err = client.QueryCertifiedInfo(context.Background(), pk, BidTypeNormal)
					case "generate_cert_ways_url":
						_, err = client.GenerateCertWaysURL(context.Background(), CertWaysRequest{AliyunPK: pk})
					default:
						t.Fatalf("unknown call %q", call.Call)
					}
					elapsed := time.Since(started)
					time.Sleep(time.Duration(call.SettleMs) * time.Millisecond)
					outcome := "ok"
					if err != nil {
						outcome = kindOf(err)
					}
					log, lerr := emu.Requests()
					if lerr != nil {
						t.Fatal(lerr)
					}
					attempts := len(log) - logged
					logged = len(log)
					if outcome != call.Expect.Outcome || attempts != call.Expect.Attempts {
						t.Errorf("call %d: %s (%v) after %d attempt(s), want %s after %d", i, outcome, err, attempts,
							call.Expect.Outcome, call.Expect.Attempts)
					}
					if elapsed < time.Duration(call.Expect.MinElapsedMs)*time.Millisecond {
						t.Errorf("call %d took %v, want at least %d ms", i, elapsed, call.Expect.MinElapsedMs)
					}
				}
				log, _ := emu.Requests()
				seen := map[string]bool{}
				for _, r := range log {
					if seen[r.Nonce] {
						t.Errorf("nonce %s sent twice", r.Nonce)
					}
					seen[r.Nonce] = true
				}
			})
		}
	}
}
