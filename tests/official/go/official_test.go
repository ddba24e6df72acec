// Alibaba's Go SDK (alibaba-cloud-sdk-go, pinned in go.mod) as a client of the emulator: its
// CommonRequest for both actions over HTTP and over HTTPS with the emulator's CA must get the
// answers a real gateway gives.
package official

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
)

// The demo fixture's NORMAL reseller and customers (bidcert_emulator::demo).
const (
	keyID           = "LTAI5tBidcertDemoNormal"
	keySecret       = "BidcertDemoNormalSecretNotReal"
	unverifiedPK    = "1000000000000001"
	verifiedPK      = "1000000000000002"
	otherResellerPK = "1000000000000004"
)

// The running emulator: its two endpoints and the CA that signed its certificate.
var emu struct {
	httpURL, httpsURL string
	ca                []byte
}

// TestMain starts the emulator binary named by BIDCERT_EMULATOR with --tls, reads its first
// line, runs the tests and stops it.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	bin := os.Getenv("BIDCERT_EMULATOR")
	if bin == "" {
		fmt.Fprintln(os.Stderr, "BIDCERT_EMULATOR must name the bidcert-emulator binary (make official-go-test sets it)")
		return 1
	}
	dir, err := os.MkdirTemp("", "bidcert-official-go")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	caFile := filepath.Join(dir, "ca.pem")
	cmd := exec.Command(bin, "--tls", "--ca-out", caFile)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the emulator:", err)
		return 1
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	var first struct {
		URL     string `json:"url"`
		HTTPURL string `json:"http_url"`
	}
	if err == nil {
		err = json.Unmarshal([]byte(line), &first)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "reading the emulator's first line:", err, line)
		return 1
	}
	emu.httpURL, emu.httpsURL = first.HTTPURL, first.URL
	if emu.ca, err = os.ReadFile(caFile); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// client signs with secret; over HTTPS it trusts the emulator's CA besides nothing else.
func client(t *testing.T, scheme, secret string) *sdk.Client {
	t.Helper()
	c, err := sdk.NewClientWithAccessKey("cn-hangzhou", keyID, secret)
	if err != nil {
		t.Fatal(err)
	}
	if scheme == "https" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(emu.ca) {
			t.Fatal("the emulator's CA is not PEM")
		}
		c.SetTransport(&http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}})
	}
	return c
}

func commonRequest(scheme, action, version string, params map[string]string) *requests.CommonRequest {
	base := emu.httpURL
	if scheme == "https" {
		base = emu.httpsURL
	}
	r := requests.NewCommonRequest()
	r.Method = "POST"
	r.Scheme = scheme
	r.Domain = strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://")
	r.Version = version
	r.ApiName = action
	r.SetConnectTimeout(5 * time.Second)
	r.SetReadTimeout(5 * time.Second)
	for k, v := range params {
		r.QueryParams[k] = v
	}
	return r
}

func query(scheme, pk string) *requests.CommonRequest {
	return commonRequest(scheme, "QueryBidUserCertifiedInfo", "2015-04-08",
		map[string]string{"PK": pk, "BidType": "NORMAL"})
}

func generate(scheme, pk string) *requests.CommonRequest {
	return commonRequest(scheme, "GenerateAliyunBidCertWaysUrl", "2015-07-01", map[string]string{
		"AliyunPk": pk, "BidType": "NORMAL", "Platform": "h5", "SubjectType": "all",
		"Source": "BID", "IsOpenApp": "false", "IsMobile": "true",
	})
}

func serverError(t *testing.T, err error) *sdkerrors.ServerError {
	t.Helper()
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("want a ServerError, got %T: %v", err, err)
	}
	return se
}

// forEachScheme runs f over HTTP, then HTTPS, and checks in the emulator's request log that
// every request f made came over the scheme it was meant to.
func forEachScheme(t *testing.T, f func(t *testing.T, scheme string)) {
	for _, scheme := range []string{"http", "https"} {
		t.Run(scheme, func(t *testing.T) {
			before := len(requestLog(t))
			f(t, scheme)
			after := requestLog(t)[before:]
			if len(after) == 0 {
				t.Fatal("no request reached the emulator")
			}
			for _, r := range after {
				if r.TLS != (scheme == "https") || r.SignatureVersion != "v1" {
					t.Fatalf("%s request logged as %+v", scheme, r)
				}
			}
		})
	}
}

type record struct {
	Action           string `json:"action"`
	TLS              bool   `json:"tls"`
	SignatureVersion string `json:"signature_version"`
}

// requestLog is the emulator's log of API requests, oldest first (its admin API).
func requestLog(t *testing.T) []record {
	t.Helper()
	resp, err := http.Get(emu.httpURL + "/_emulator/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var log []record
	if err := json.NewDecoder(resp.Body).Decode(&log); err != nil {
		t.Fatal(err)
	}
	return log
}

func TestQueryReportsCertificationInItsResultString(t *testing.T) {
	forEachScheme(t, func(t *testing.T, scheme string) {
		resp, err := client(t, scheme, keySecret).ProcessCommonRequest(query(scheme, verifiedPK))
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetHttpStatus() != 200 {
			t.Fatalf("status %d: %s", resp.GetHttpStatus(), resp.GetHttpContentString())
		}
		var body struct {
			RequestID string `json:"requestId"`
			Result    string `json:"result"`
		}
		if err := json.Unmarshal(resp.GetHttpContentBytes(), &body); err != nil {
			t.Fatal(err)
		}
		var result map[string]string
		if err := json.Unmarshal([]byte(body.Result), &result); err != nil {
			t.Fatalf("result is JSON in a string: %v (%q)", err, body.Result)
		}
		if result["isCertified"] != "1" || result["aliyunPk"] != verifiedPK || result["certType"] != "0" {
			t.Fatalf("result %v", result)
		}
		if len(body.RequestID) != 36 {
			t.Fatalf("requestId %q", body.RequestID)
		}
	})
}

func TestGenerateReturnsALinkOnTheSameScheme(t *testing.T) {
	forEachScheme(t, func(t *testing.T, scheme string) {
		resp, err := client(t, scheme, keySecret).ProcessCommonRequest(generate(scheme, unverifiedPK))
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			RequestID string `json:"RequestId"`
			Data      string `json:"Data"`
			Success   bool   `json:"Success"`
		}
		if err := json.Unmarshal(resp.GetHttpContentBytes(), &body); err != nil {
			t.Fatal(err)
		}
		if !body.Success || !strings.HasPrefix(body.Data, scheme+"://127.0.0.1:") ||
			!strings.Contains(body.Data, "/cert/listCertWays.html?token=") {
			t.Fatalf("body %+v", body)
		}
	})
}

func TestABusinessErrorIsAServerErrorWithTheRealStatusAndCode(t *testing.T) {
	forEachScheme(t, func(t *testing.T, scheme string) {
		c := client(t, scheme, keySecret)
		for _, r := range []*requests.CommonRequest{query(scheme, otherResellerPK), generate(scheme, otherResellerPK)} {
			_, err := c.ProcessCommonRequest(r)
			se := serverError(t, err)
			if se.HttpStatus() != 403 || se.ErrorCode() != "Bid Mismatch" || se.Message() != "Pk is not belong to the Bid." {
				t.Fatalf("%s: %d %q %q", r.ApiName, se.HttpStatus(), se.ErrorCode(), se.Message())
			}
			if len(se.RequestId()) != 36 {
				t.Fatalf("RequestId %q", se.RequestId())
			}
		}
		_, err := c.ProcessCommonRequest(generate(scheme, verifiedPK))
		if se := serverError(t, err); se.HttpStatus() != 400 || se.ErrorCode() != "Already Certified" {
			t.Fatalf("%d %q", se.HttpStatus(), se.ErrorCode())
		}
	})
}

// The SDK compares the server's string to sign with its own: equal, it says the secret is
// wrong, so this passes only when the emulator signs exactly the bytes the SDK signed.
func TestAWrongSecretIsRecognisedByTheSDKAsAWrongSecret(t *testing.T) {
	forEachScheme(t, func(t *testing.T, scheme string) {
		_, err := client(t, scheme, "not-the-secret").ProcessCommonRequest(query(scheme, unverifiedPK))
		se := serverError(t, err)
		if se.HttpStatus() != 400 || se.ErrorCode() != "SignatureDoesNotMatch" {
			t.Fatalf("%d %q %q", se.HttpStatus(), se.ErrorCode(), se.Message())
		}
		if !strings.Contains(se.Recommend(), "InvalidAccessKeySecret") {
			t.Fatalf("the server's string to sign differs from the SDK's: %q / %q", se.Recommend(), se.Message())
		}
	})
}
