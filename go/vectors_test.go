package bidcert

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

type vectorFile struct {
	Kind  string            `json:"kind"`
	Cases []json.RawMessage `json:"cases"`
}

// vectorFiles is every shared vector file, then each file in BIDCERT_EXTRA_VECTORS.
func vectorFiles(t *testing.T) []string {
	dir := os.Getenv("BIDCERT_VECTORS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "tests", "vectors")
	}
	files := []string{}
	for _, f := range []string{"signing.json", "signing_v3.json", "responses.json", "fast_auth_events.json", "diagnosis.json"} {
		files = append(files, filepath.Join(dir, f))
	}
	for _, extra := range strings.Split(os.Getenv("BIDCERT_EXTRA_VECTORS"), ":") {
		if extra != "" {
			files = append(files, extra)
		}
	}
	return files
}

func TestVectors(t *testing.T) {
	for _, path := range vectorFiles(t) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("vector file %s: %v", path, err)
		}
		var file vectorFile
		if err := json.Unmarshal(raw, &file); err != nil {
			t.Fatalf("vector file %s: %v", path, err)
		}
		run := map[string]func(*testing.T, json.RawMessage){
			"signing":          runSigning,
			"signing_v3":       runSigningV3,
			"responses":        runResponse,
			"fast_auth_events": runEvent,
			"diagnosis":        runDiagnosis,
		}[file.Kind]
		if run == nil {
			t.Fatalf("vector file %s: unknown kind %q", path, file.Kind)
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			for _, c := range file.Cases {
				var named struct{ Name string }
				_ = json.Unmarshal(c, &named)
				t.Run(named.Name, func(t *testing.T) { run(t, c) })
			}
		})
	}
}

func runSigning(t *testing.T, raw json.RawMessage) {
	var c struct {
		Method             string      `json:"method"`
		Params             [][2]string `json:"params"`
		Secret             string      `json:"access_key_secret"`
		CanonicalizedQuery string      `json:"canonicalized_query"`
		StringToSign       string      `json:"string_to_sign"`
		Signature          string      `json:"signature"`
	}
	mustUnmarshal(t, raw, &c)
	if got, err := CanonicalizedQuery(c.Params); err != nil || got != c.CanonicalizedQuery {
		t.Errorf("canonicalized query: %q, %v; want %q", got, err, c.CanonicalizedQuery)
	}
	if got, err := StringToSign(c.Method, c.Params); err != nil || got != c.StringToSign {
		t.Errorf("string to sign: %q, %v; want %q", got, err, c.StringToSign)
	}
	if got, err := Signature(c.Method, c.Params, c.Secret); err != nil || got != c.Signature {
		t.Errorf("signature: %q, %v; want %q", got, err, c.Signature)
	}
}

// runSigningV3 checks stage by stage; each stage's input is the previous stage's output.
func runSigningV3(t *testing.T, raw json.RawMessage) {
	var c struct {
		Method           string      `json:"method"`
		CanonicalURI     string      `json:"canonical_uri"`
		Query            [][2]string `json:"query"`
		Headers          [][2]string `json:"headers"`
		HashedPayload    string      `json:"hashed_payload"`
		AccessKeyID      string      `json:"access_key_id"`
		Secret           string      `json:"access_key_secret"`
		CanonicalRequest string      `json:"canonical_request"`
		StringToSign     string      `json:"string_to_sign"`
		Authorization    string      `json:"authorization"`
	}
	mustUnmarshal(t, raw, &c)
	cr, err := V3CanonicalRequest(c.Method, c.CanonicalURI, c.Query, c.Headers, c.HashedPayload)
	if err != nil || cr != c.CanonicalRequest {
		t.Fatalf("stage canonical_request: %q, %v; want %q", cr, err, c.CanonicalRequest)
	}
	if got, err := V3StringToSign(cr); err != nil || got != c.StringToSign {
		t.Errorf("stage string_to_sign: %q, %v; want %q", got, err, c.StringToSign)
	}
	if got, err := V3Authorization(cr, c.AccessKeyID, c.Secret); err != nil || got != c.Authorization {
		t.Errorf("stage authorization: %q, %v; want %q", got, err, c.Authorization)
	}
}

type wantError struct {
	Kind       string  `json:"kind"`
	Code       *string `json:"code"`
	Message    *string `json:"message"`
	RequestID  *string `json:"request_id"`
	HTTPStatus *int    `json:"http_status"`
	Retryable  *bool   `json:"retryable"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func checkError(t *testing.T, err error, want wantError, raw json.RawMessage) {
	t.Helper()
	var fields map[string]json.RawMessage
	mustUnmarshal(t, raw, &fields)
	if err == nil {
		t.Fatalf("want error %s, got success", want.Kind)
	}
	if want.Kind == "parse" {
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindParse || !errors.Is(err, ErrParse) {
			t.Fatalf("want a parse *Error, got %#v", err)
		}
		if want.HTTPStatus != nil && e.HTTPStatus != *want.HTTPStatus {
			t.Errorf("http status %d, want %d", e.HTTPStatus, *want.HTTPStatus)
		}
		return
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want *APIError, got %#v", err)
	}
	if string(apiErr.Kind) != want.Kind || !errors.Is(err, sentinels[Kind(want.Kind)]) || !errors.Is(err, ErrAPI) {
		t.Errorf("kind %s, want %s", apiErr.Kind, want.Kind)
	}
	if _, ok := fields["code"]; ok && apiErr.Code != str(want.Code) {
		t.Errorf("code %q, want %q", apiErr.Code, str(want.Code))
	}
	if _, ok := fields["message"]; ok && apiErr.Message != str(want.Message) {
		t.Errorf("message %q, want %q", apiErr.Message, str(want.Message))
	}
	if _, ok := fields["request_id"]; ok && apiErr.RequestID != str(want.RequestID) {
		t.Errorf("request id %q, want %q", apiErr.RequestID, str(want.RequestID))
	}
	if want.HTTPStatus != nil && apiErr.HTTPStatus != *want.HTTPStatus {
		t.Errorf("http status %d, want %d", apiErr.HTTPStatus, *want.HTTPStatus)
	}
	if want.Retryable != nil && apiErr.Retryable != *want.Retryable {
		t.Errorf("retryable %t, want %t", apiErr.Retryable, *want.Retryable)
	}
}

func runResponse(t *testing.T, raw json.RawMessage) {
	var c struct {
		Operation string         `json:"operation"`
		Status    int            `json:"status"`
		Body      string         `json:"body"`
		IssuedAt  string         `json:"issued_at"`
		Expect    map[string]any `json:"expect"`
		Error     *wantError     `json:"error"`
	}
	mustUnmarshal(t, raw, &c)
	var errRaw struct {
		Error json.RawMessage `json:"error"`
	}
	mustUnmarshal(t, raw, &errRaw)
	switch c.Operation {
	case "query_certified_info":
		info, err := ParseCertifiedInfo(c.Status, []byte(c.Body))
		if c.Error != nil {
			checkError(t, err, *c.Error, errRaw.Error)
			return
		}
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		got := map[string]any{
			"request_id": opt(info.RequestID), "aliyun_pk": opt(info.AliyunPK), "is_certified": info.IsCertified,
			"account_cert_type": opt(info.AccountCertType), "name": opt(info.Name), "phone": opt(info.Phone),
			"cert_type": opt(info.CertType), "cert_number": opt(info.CertNumber),
		}
		if !reflect.DeepEqual(got, c.Expect) {
			t.Errorf("got %v\nwant %v", got, c.Expect)
		}
	case "generate_cert_ways_url":
		link, err := ParseCertWaysURL(c.Status, []byte(c.Body), c.IssuedAt)
		if c.Error != nil {
			checkError(t, err, *c.Error, errRaw.Error)
			return
		}
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		got := map[string]any{"request_id": opt(link.RequestID), "url": link.URL,
			"expires_at": link.ExpiresAt.Format(time.RFC3339)}
		if !reflect.DeepEqual(got, c.Expect) {
			t.Errorf("got %v\nwant %v", got, c.Expect)
		}
	default:
		t.Fatalf("unknown operation %q", c.Operation)
	}
}

// opt maps "" (absent) to JSON null, as the vectors write it.
func opt(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func runEvent(t *testing.T, raw json.RawMessage) {
	var c struct {
		Data           string         `json:"data"`
		Origin         *string        `json:"origin"`
		ExpectedOrigin *string        `json:"expected_origin"`
		Expect         map[string]any `json:"expect"`
		Error          *struct {
			Kind string `json:"kind"`
		} `json:"error"`
	}
	mustUnmarshal(t, raw, &c)
	ev, err := ParseFastAuthEvent(c.Data, c.Origin, c.ExpectedOrigin)
	if c.Error != nil {
		if !errors.Is(err, sentinels[Kind(c.Error.Kind)]) {
			t.Fatalf("want %s, got %v", c.Error.Kind, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	got := map[string]any{"type": ev.Type, "success": ev.Success, "reason": opt(ev.Reason), "ends_flow": ev.EndsFlow}
	if !reflect.DeepEqual(got, c.Expect) {
		t.Errorf("got %v\nwant %v", got, c.Expect)
	}
}

func runDiagnosis(t *testing.T, raw json.RawMessage) {
	var c struct {
		ServerMessage    string    `json:"server_message"`
		StringToSign     string    `json:"string_to_sign"`
		CanonicalRequest *string   `json:"canonical_request"`
		Expect           Diagnosis `json:"expect"`
	}
	mustUnmarshal(t, raw, &c)
	// A V3 case gives our canonical request; a v1.0 case our string to sign.
	diagnose := func() (*Diagnosis, error) { return DiagnoseSignatureMismatch(c.ServerMessage, c.StringToSign) }
	if c.CanonicalRequest != nil {
		diagnose = func() (*Diagnosis, error) { return V3DiagnoseSignatureMismatch(c.ServerMessage, *c.CanonicalRequest) }
	}
	d, err := diagnose()
	if err != nil {
		t.Fatal(err)
	}
	if c.Expect.Differences == nil {
		c.Expect.Differences = []Difference{}
	}
	got := *d
	got.Text = ""
	if !reflect.DeepEqual(got, c.Expect) {
		t.Errorf("got %+v\nwant %+v", got, c.Expect)
	}
	if d.Text == "" {
		t.Error("no explanation")
	}
}

func mustUnmarshal(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}
