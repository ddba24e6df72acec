package bidcert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bidcert/bidcert/go/bidcerttest"
)

// TestMain keeps every test off the real ECS metadata service (100.100.100.200): the tests of
// the instance role lift the switch only while they point the provider at the emulator.
func TestMain(m *testing.M) {
	os.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	os.Exit(m.Run())
}

// providerVars is every variable a provider reads.
var providerVars = []string{
	"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
	"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
	"ALIBABA_CLOUD_ROLE_SESSION_NAME", "ALIBABA_CLOUD_STS_REGION", "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED",
	"ALIBABACLOUD_PROFILE", "ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE", "ALIBABA_CLOUD_CONFIG_FILE",
	"ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "ALIBABA_CLOUD_CREDENTIALS_FILE", "ALIBABA_CLOUD_ECS_METADATA",
	"ALIBABA_CLOUD_IMDSV1_DISABLED", "ALIBABA_CLOUD_CREDENTIALS_URI", "BIDCERT_STS_ENDPOINT",
	"BIDCERT_ECS_METADATA_ENDPOINT", "USERPROFILE",
}

// isolate gives t a home of its own and none of the machine's credentials variables (an empty
// variable counts as unset); it returns the home.
func isolate(t *testing.T) string {
	t.Helper()
	for _, v := range providerVars {
		t.Setenv(v, "")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	return home
}

// outputs collects everything the library handed out in a test, for checkNothingSecret.
type outputs struct {
	mu    sync.Mutex
	texts []string
}

func (s *outputs) add(texts ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.texts = append(s.texts, texts...)
}

// err adds an error's every form: its message, fmt's verbs, its sources.
func (s *outputs) err(err error) {
	if err == nil {
		return
	}
	s.add(err.Error(), fmt.Sprintf("%v %+v %#v", err, err, err))
	var e *Error
	if errors.As(err, &e) {
		for _, tried := range e.Tried {
			s.add(tried.Source, tried.Reason)
		}
	}
}

// hexRun finds a run of 40 or more lower-case hex digits: how the emulator's issued secrets,
// security tokens and metadata session tokens look.
func hexRun(text string) string {
	run := 0
	for i, c := range text {
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'f' {
			run++
			if run >= 40 {
				return text[i-39 : i+1]
			}
		} else {
			run = 0
		}
	}
	return ""
}

// checkNothingSecret fails t when a demo secret or token, one of extra, or anything that looks
// like an issued secret or token was shown.
func (s *outputs) checkNothingSecret(t *testing.T, emu *bidcerttest.Emulator, extra ...string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.texts) == 0 {
		t.Fatal("nothing was shown")
	}
	text := strings.Join(s.texts, "\n")
	for _, name := range []string{"NORMAL_ACCESS_KEY_SECRET", "ACCOUNT_ACCESS_KEY_SECRET",
		"LIGHTWEIGHT_ACCESS_KEY_SECRET", "OIDC_TOKEN", "EXPIRED_OIDC_TOKEN"} {
		extra = append(extra, emu.MustDemo(t, name))
	}
	for _, secret := range extra {
		if strings.Contains(text, secret) {
			t.Errorf("a secret was shown: %q", secret)
		}
	}
	if run := hexRun(text); run != "" {
		t.Errorf("a secret or token was shown: %s", run)
	}
	if strings.Contains(text, "CAIS") { // the emulator's security tokens start so
		t.Error("a security token was shown")
	}
}

// providerClient is a client of emu signing with p; it fails t when there is none.
func providerClient(t *testing.T, emu *bidcerttest.Emulator, p CredentialsProvider) *Client {
	t.Helper()
	c, err := NewClient(Config{Provider: p, CRMEndpoint: emu.URL, AASEndpoint: emu.URL,
		RetryBaseDelay: 10 * time.Millisecond, RetryMaxDelay: 20 * time.Millisecond, Budget: time.Minute})
	if err != nil {
		t.Fatalf("NewClient(%v): %v", p, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// expectWorks checks that a client of p queries the demo's verified customer, and that it
// signs with credentials of kind from source; temporary ones expire in the future.
func expectWorks(t *testing.T, emu *bidcerttest.Emulator, s *outputs, p CredentialsProvider, source string, kind CredentialsKind) *ResolvedCredentials {
	t.Helper()
	c := providerClient(t, emu, p)
	info, err := c.QueryCertifiedInfo(context.Background(), emu.MustDemo(t, "PERSONAL_PK"), BidTypeNormal)
	if err != nil || !info.IsCertified {
		t.Fatalf("query with %v: %+v, %v", p, info, err)
	}
	r, err := c.Credentials()
	if err != nil {
		t.Fatal(err)
	}
	s.add(fmt.Sprintf("%v %+v %#v %s", r, r, p, kind), r.Detail)
	if r.Source != source || r.Kind != kind || r.AccessKeyID == "" {
		t.Errorf("resolved %+v, want source %s, kind %s", r, source, kind)
	}
	temporary := kind != CredentialsStatic && kind != CredentialsSTS
	if temporary != !r.Expiration.IsZero() {
		t.Errorf("%s: expiration %v", kind, r.Expiration)
	}
	if temporary && (time.Until(r.Expiration) < 10*time.Minute || !strings.HasPrefix(r.AccessKeyID, "STS.")) {
		t.Errorf("%s: an issued key expiring later: %+v", kind, r)
	}
	return r
}

// expectRefused checks that NewClient with p fails with a credentials error naming want.
func expectRefused(t *testing.T, emu *bidcerttest.Emulator, s *outputs, p CredentialsProvider, want string) *Error {
	t.Helper()
	c, err := NewClient(Config{Provider: p, CRMEndpoint: emu.URL, AASEndpoint: emu.URL})
	if err == nil {
		c.Close()
		t.Fatalf("NewClient(%v) made a client", p)
	}
	s.err(err)
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrCredentials) || e.Status != StatusCredentials || len(e.Tried) == 0 {
		t.Fatalf("NewClient(%v): %#v, want a credentials error with its sources", p, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("%q is not in %v", want, err)
	}
	return e
}

func stsCalls(t *testing.T, emu *bidcerttest.Emulator, action string) int {
	t.Helper()
	n, err := emu.STSCalls(action)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// demoKeys are the demo reseller's (or account's) keys: who is NORMAL, ACCOUNT, ...
func demoKeys(t *testing.T, emu *bidcerttest.Emulator, who string) Credentials {
	return Credentials{AccessKeyID: emu.MustDemo(t, who+"_ACCESS_KEY_ID"), AccessKeySecret: emu.MustDemo(t, who+"_ACCESS_KEY_SECRET")}
}

// role is the demo role, assumed at emu's STS by source.
func role(t *testing.T, emu *bidcerttest.Emulator, source CredentialsProvider) RAMRoleARNProvider {
	return RAMRoleARNProvider{Source: source, RoleARN: emu.MustDemo(t, "ROLE_ARN"), RoleSessionName: "go-suite",
		Duration: 15 * time.Minute, STS: STSConfig{Endpoint: emu.URL}}
}

func write(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCredentialsKindNames(t *testing.T) {
	want := map[CredentialsKind]string{CredentialsStatic: "static", CredentialsSTS: "sts",
		CredentialsECSRAMRole: "ecs_ram_role", CredentialsRAMRoleARN: "ram_role_arn",
		CredentialsOIDCRoleARN: "oidc_role_arn", CredentialsCredentialsURI: "credentials_uri"}
	for k, name := range want {
		if k.String() != name {
			t.Errorf("%d: %s, want %s", uint32(k), k, name)
		}
	}
	if s := CredentialsKind(99).String(); s != "CredentialsKind(99)" {
		t.Error(s)
	}
}

func TestGivenKeysAndTheirChecks(t *testing.T) {
	isolate(t)
	s := &outputs{}
	keys := Credentials{AccessKeyID: "STS.GoGiven", AccessKeySecret: "GoGivenSecretNotReal", SecurityToken: "GoGivenTokenNotReal"}
	r, err := ResolveCredentials(keys)
	if err != nil || r.Source != "explicit" || r.Kind != CredentialsSTS || !r.Expiration.IsZero() || r.AccessKeyID != "STS.GoGiven" {
		t.Fatalf("%+v, %v", r, err)
	}
	// Every form of the keys, and of a provider holding them, hides the secret and the token.
	var log strings.Builder
	slog.New(slog.NewJSONHandler(&log, nil)).Info("keys", "keys", keys, "role", RAMRoleARNProvider{Source: keys})
	s.add(fmt.Sprintf("%v %+v %#v %s %d %x", keys, keys, keys, keys, keys, keys), log.String(),
		fmt.Sprintf("%v %+v %#v", RAMRoleARNProvider{Source: keys}, RAMRoleARNProvider{Source: &keys}, Config{Provider: keys}))
	// A pasted key is refused, naming the key.
	for _, pasted := range []Credentials{{AccessKeyID: " LTAI5tPasted", AccessKeySecret: "GoGivenSecretNotReal"},
		{AccessKeyID: "LTAI5tPasted", AccessKeySecret: "GoGivenSecretNotReal "}} {
		_, err := NewClient(Config{Credentials: &pasted})
		s.err(err)
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindValidation || !strings.HasPrefix(e.Field, "AccessKey") ||
			!strings.Contains(e.Message, "whitespace") {
			t.Errorf("%v: %#v", pasted, err)
		}
	}
	if _, err := NewClient(Config{Credentials: &keys, Provider: EnvironmentProvider{}}); !errors.Is(err, ErrValidation) {
		t.Errorf("both Credentials and Provider: %v", err)
	}
	if _, err := ResolveCredentials(RAMRoleARNProvider{}); !errors.Is(err, ErrValidation) {
		t.Errorf("a role without a source: %v", err)
	}
	if _, err := ResolveCredentials(CLIConfigProvider{Profile: "a\x00b"}); !errors.Is(err, ErrValidation) {
		t.Errorf("a NUL byte: %v", err)
	}
	if _, err := ResolveCredentials(RAMRoleARNProvider{Source: keys, RoleARN: "acs:ram::1:role/r", Duration: time.Minute,
		STS: STSConfig{Endpoint: "http://127.0.0.1:1"}}); !errors.Is(err, ErrValidation) {
		t.Errorf("a session under 15 minutes: %v", err)
	}
	s.add("given keys")
	s.checkNothingSecret(t, bidcerttest.New(t), "GoGivenSecretNotReal", "GoGivenTokenNotReal")
}

func TestEveryProviderAgainstTheEmulator(t *testing.T) {
	emu := bidcerttest.NewMetadata(t)
	home := isolate(t)
	s := &outputs{}
	normal, account := demoKeys(t, emu, "NORMAL"), demoKeys(t, emu, "ACCOUNT")
	tokenFile := write(t, filepath.Join(home, "oidc-token"), emu.MustDemo(t, "OIDC_TOKEN"))
	cliConfig := write(t, filepath.Join(home, ".aliyun", "config.json"), fmt.Sprintf(`{"current": "reseller", "profiles": [
		{"name": "normal", "mode": "AK", "access_key_id": %q, "access_key_secret": %q},
		{"name": "account", "mode": "AK", "access_key_id": %q, "access_key_secret": %q},
		{"name": "reseller", "mode": "ChainableRamRoleArn", "source_profile": "account",
		 "ram_role_arn": %q, "ram_session_name": "go-suite-cli"}]}`,
		normal.AccessKeyID, normal.AccessKeySecret, account.AccessKeyID, account.AccessKeySecret, emu.MustDemo(t, "ROLE_ARN")))
	credentialsFile := write(t, filepath.Join(home, ".alibabacloud", "credentials"), fmt.Sprintf(
		"[default]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = %s\n\n"+
			"[role]\ntype = ram_role_arn\naccess_key_id = %s\naccess_key_secret = %s\nrole_arn = %s\nrole_session_name = go-suite-file\n",
		normal.AccessKeyID, normal.AccessKeySecret, account.AccessKeyID, account.AccessKeySecret, emu.MustDemo(t, "ROLE_ARN")))
	// The profiles' roles find STS as a user's environment would point them.
	t.Setenv("BIDCERT_STS_ENDPOINT", emu.URL)
	cases := []struct {
		name     string
		provider CredentialsProvider
		source   string
		kind     CredentialsKind
		setup    func(t *testing.T)
	}{
		{"given keys", normal, "explicit", CredentialsStatic, nil},
		{"environment", EnvironmentProvider{}, "environment", CredentialsStatic, func(t *testing.T) {
			t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", normal.AccessKeyID)
			t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", normal.AccessKeySecret)
		}},
		{"ram role", role(t, emu, account), "ram_role_arn", CredentialsRAMRoleARN, nil},
		{"oidc role", OIDCRoleProvider{RoleARN: emu.MustDemo(t, "ROLE_ARN"), OIDCProviderARN: emu.MustDemo(t, "OIDC_PROVIDER_ARN"),
			OIDCTokenFile: tokenFile, RoleSessionName: "go-suite-oidc", STS: STSConfig{Endpoint: emu.URL}},
			"oidc", CredentialsOIDCRoleARN, nil},
		{"oidc role from the environment", OIDCRoleProvider{}, "oidc", CredentialsOIDCRoleARN, func(t *testing.T) {
			t.Setenv("ALIBABA_CLOUD_ROLE_ARN", emu.MustDemo(t, "ROLE_ARN"))
			t.Setenv("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", emu.MustDemo(t, "OIDC_PROVIDER_ARN"))
			t.Setenv("ALIBABA_CLOUD_OIDC_TOKEN_FILE", tokenFile)
		}},
		{"cli config, a profile", CLIConfigProvider{Profile: "normal"}, "cli_config", CredentialsStatic, nil},
		{"cli config, its current chained role", CLIConfigProvider{Path: cliConfig}, "cli_config", CredentialsRAMRoleARN, nil},
		{"credentials file", CredentialsFileProvider{}, "credentials_file", CredentialsStatic, nil},
		{"credentials file, a role", CredentialsFileProvider{Path: credentialsFile, Profile: "role"}, "credentials_file", CredentialsRAMRoleARN, nil},
		{"ecs ram role", ECSRAMRoleProvider{Endpoint: emu.MetadataURL}, "ecs_metadata", CredentialsECSRAMRole, func(t *testing.T) {
			t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "")
			if err := emu.SetRequireIMDSv2(true); err != nil {
				t.Fatal(err)
			}
		}},
		{"credentials uri", CredentialsURIProvider{URI: emu.CredentialsURI}, "credentials_uri", CredentialsCredentialsURI, nil},
		{"default chain, a profile", DefaultChain{Profile: "normal"}, "cli_config", CredentialsStatic, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.setup != nil {
				c.setup(t)
			}
			expectWorks(t, emu, s, c.provider, c.source, c.kind)
		})
	}
	// Roles chain: a role assumed with the role's keys acts as the LIGHTWEIGHT reseller.
	chained := role(t, emu, role(t, emu, account))
	chained.RoleARN = emu.MustDemo(t, "CHAINED_ROLE_ARN")
	c := providerClient(t, emu, chained)
	info, err := c.QueryCertifiedInfo(context.Background(), emu.MustDemo(t, "LIGHTWEIGHT_CUSTOMER_PK"), BidTypeLightweight)
	if err != nil || info.IsCertified {
		t.Errorf("as the LIGHTWEIGHT reseller: %+v, %v", info, err)
	}
	s.checkNothingSecret(t, emu)
}

func TestTheDefaultChain(t *testing.T) {
	emu := bidcerttest.NewMetadata(t)
	isolate(t)
	s := &outputs{}
	// Nothing anywhere: each source says what it lacked, in the official order.
	_, err := NewClient(Config{CRMEndpoint: emu.URL, AASEndpoint: emu.URL})
	s.err(err)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindCredentials || len(e.Tried) != 6 {
		t.Fatalf("%#v", err)
	}
	for i, source := range []string{"environment", "oidc", "", "", "ecs_metadata", "credentials_uri"} {
		if source != "" && e.Tried[i].Source != source || e.Tried[i].Reason == "" {
			t.Errorf("source %d: %+v, want %s", i, e.Tried[i], source)
		}
	}
	if !strings.Contains(e.Tried[4].Reason, "disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED") {
		t.Errorf("the metadata service was not asked: %+v", e.Tried[4])
	}
	// The first source with credentials wins; a client given none uses the chain.
	t.Setenv("ALIBABA_CLOUD_CREDENTIALS_URI", emu.CredentialsURI)
	expectWorks(t, emu, s, DefaultChain{}, "credentials_uri", CredentialsCredentialsURI)
	normal := demoKeys(t, emu, "NORMAL")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", normal.AccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", normal.AccessKeySecret)
	c, err := NewClient(Config{CRMEndpoint: emu.URL, AASEndpoint: emu.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if r, err := c.Credentials(); err != nil || r.Source != "environment" || r.AccessKeyID != normal.AccessKeyID {
		t.Errorf("a client without credentials: %+v, %v", r, err)
	}
	s.checkNothingSecret(t, emu)
}

func TestProviderFailuresNameTheirSource(t *testing.T) {
	emu := bidcerttest.NewMetadata(t)
	home := isolate(t)
	s := &outputs{}
	account := demoKeys(t, emu, "ACCOUNT")
	oidc := func(tokenFile string) OIDCRoleProvider {
		return OIDCRoleProvider{RoleARN: emu.MustDemo(t, "ROLE_ARN"), OIDCProviderARN: emu.MustDemo(t, "OIDC_PROVIDER_ARN"),
			OIDCTokenFile: tokenFile, STS: STSConfig{Endpoint: emu.URL}}
	}

	t.Run("a malformed STS answer", func(t *testing.T) {
		if err := emu.InjectFault(map[string]any{"kind": "malformed_body", "action": "AssumeRole", "next": 1}); err != nil {
			t.Fatal(err)
		}
		e := expectRefused(t, emu, s, role(t, emu, account), "truncated JSON")
		if !strings.Contains(e.Tried[0].Source, emu.MustDemo(t, "ROLE_ARN")) {
			t.Errorf("the role is named: %+v", e.Tried)
		}
	})
	t.Run("an expired OIDC token", func(t *testing.T) {
		tokenFile := write(t, filepath.Join(home, "expired-token"), emu.MustDemo(t, "EXPIRED_OIDC_TOKEN"))
		expectRefused(t, emu, s, oidc(tokenFile), "AuthenticationFail.OIDCToken.Expired")
	})
	t.Run("a missing token file", func(t *testing.T) {
		before := stsCalls(t, emu, "AssumeRoleWithOIDC")
		missing := filepath.Join(home, "no-such-token")
		expectRefused(t, emu, s, oidc(missing), missing)
		if stsCalls(t, emu, "AssumeRoleWithOIDC") != before {
			t.Error("STS was asked without a token")
		}
	})
	t.Run("no OIDC configuration", func(t *testing.T) {
		_, err := ResolveCredentials(OIDCRoleProvider{})
		s.err(err)
		if !errors.Is(err, ErrCredentials) || !strings.Contains(err.Error(),
			"ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE are not set") {
			t.Errorf("%v", err)
		}
	})
	t.Run("a pasted key in the environment", func(t *testing.T) {
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", " "+account.AccessKeyID)
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", account.AccessKeySecret)
		e := expectRefused(t, emu, s, EnvironmentProvider{}, "ALIBABA_CLOUD_ACCESS_KEY_ID must not start or end with whitespace")
		if e.Tried[0].Source != "environment" {
			t.Errorf("%+v", e.Tried)
		}
	})
	t.Run("a pasted secret in the CLI's config", func(t *testing.T) {
		path := write(t, filepath.Join(home, "pasted.json"), `{"current": "p", "profiles": [
			{"name": "p", "mode": "AK", "access_key_id": "LTAI5tPasted", "access_key_secret": "GoPastedSecretNotReal "}]}`)
		e := expectRefused(t, emu, s, CLIConfigProvider{Path: path},
			`profile "p": access_key_secret must not start or end with whitespace`)
		if e.Tried[0].Source != path {
			t.Errorf("the file is named: %+v", e.Tried)
		}
	})
	t.Run("a pasted id in the credentials file", func(t *testing.T) {
		path := write(t, filepath.Join(home, "pasted.ini"), "[default]\ntype = access_key\naccess_key_id = \" LTAI5tPasted\"\naccess_key_secret = GoPastedSecretNotReal\n")
		expectRefused(t, emu, s, CredentialsFileProvider{Path: path}, "[default] access_key_id must not start or end with whitespace")
	})
	t.Run("plain http to a credentials URI off loopback", func(t *testing.T) {
		_, err := ResolveCredentials(CredentialsURIProvider{URI: "http://credentials.example.com/creds"})
		s.err(err)
		if !errors.Is(err, ErrCredentials) || !strings.Contains(err.Error(), "plain http") {
			t.Errorf("%v", err)
		}
	})
	t.Run("a malformed credentials URI answer", func(t *testing.T) {
		if err := emu.InjectFault(map[string]any{"kind": "malformed_body", "target": "metadata", "next": 1}); err != nil {
			t.Fatal(err)
		}
		expectRefused(t, emu, s, CredentialsURIProvider{URI: emu.CredentialsURI}, "truncated JSON")
	})
	s.checkNothingSecret(t, emu, "GoPastedSecretNotReal")
}

func TestTheInstanceRole(t *testing.T) {
	emu := bidcerttest.NewMetadata(t)
	isolate(t)
	s := &outputs{}
	requests := func() int {
		m, err := emu.MetadataRequests()
		if err != nil {
			t.Fatal(err)
		}
		return m.Total
	}
	// Disabled (as TestMain leaves it): refused when built, and nothing is sent.
	before := requests()
	_, err := ResolveCredentials(ECSRAMRoleProvider{Endpoint: emu.MetadataURL})
	s.err(err)
	if !errors.Is(err, ErrCredentials) || !strings.Contains(err.Error(), "disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED") {
		t.Errorf("%v", err)
	}
	if requests() != before {
		t.Error("the disabled provider sent a request")
	}
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "")
	t.Run("a service that hangs", func(t *testing.T) {
		// The token, then the read without one, each within its 1 s.
		if err := emu.InjectFault(map[string]any{"kind": "hang", "target": "metadata", "next": 3}); err != nil {
			t.Fatal(err)
		}
		defer emu.ClearFaults()
		started := time.Now()
		expectRefused(t, emu, s, ECSRAMRoleProvider{Endpoint: emu.MetadataURL}, "timed out")
		if took := time.Since(started); took > 3500*time.Millisecond {
			t.Errorf("took %v, beyond the 1 s timeouts", took)
		}
	})
	t.Run("IMDSv2 only and a hanging token", func(t *testing.T) {
		if err := emu.InjectFault(map[string]any{"kind": "hang", "target": "metadata", "next": 1}); err != nil {
			t.Fatal(err)
		}
		defer emu.ClearFaults()
		started := time.Now()
		expectRefused(t, emu, s, ECSRAMRoleProvider{Endpoint: emu.MetadataURL, RoleName: emu.MustDemo(t, "ECS_ROLE_NAME"),
			IMDSv1Disabled: true, ReadTimeout: 300 * time.Millisecond}, "ALIBABA_CLOUD_IMDSV1_DISABLED")
		if took := time.Since(started); took > 1500*time.Millisecond {
			t.Errorf("took %v, beyond the 300 ms read timeout", took)
		}
	})
	t.Run("the role named", func(t *testing.T) {
		r := expectWorks(t, emu, s, ECSRAMRoleProvider{Endpoint: emu.MetadataURL, RoleName: emu.MustDemo(t, "ECS_ROLE_NAME")},
			"ecs_metadata", CredentialsECSRAMRole)
		if !strings.Contains(r.Detail, emu.MustDemo(t, "ECS_ROLE_NAME")) {
			t.Errorf("detail %q", r.Detail)
		}
	})
	s.checkNothingSecret(t, emu)
}

// The Go client's refresh test: goroutines x calls through one client across forced
// expiries, each attempt signed through bidcert_call_next_request with the provider's
// current keys.
const (
	refreshGoroutines = 16
	refreshCalls      = 1000
	refreshExpiries   = 3
)

func TestRefreshAcrossGoroutinesOneSTSCallPerExpiry(t *testing.T) {
	emu := bidcerttest.NewMetadata(t)
	isolate(t)
	c := providerClient(t, emu, role(t, emu, demoKeys(t, emu, "ACCOUNT")))
	if n := stsCalls(t, emu, "AssumeRole"); n != 1 {
		t.Fatalf("the client's first credentials: %d STS calls", n)
	}
	pk := emu.MustDemo(t, "PERSONAL_PK")
	var done, failures atomic.Int64
	var firstFailure atomic.Value
	var wg sync.WaitGroup
	for g := 0; g < refreshGoroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < refreshCalls; i++ {
				if info, err := c.QueryCertifiedInfo(context.Background(), pk, BidTypeNormal); err != nil || !info.IsCertified {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprint(err))
				}
				done.Add(1)
			}
		}()
	}
	total := int64(refreshGoroutines * refreshCalls)
	var expired []int
	for n := 1; n <= refreshExpiries; n++ {
		// A quarter of the calls apart, each after the previous refresh happened.
		at := total * int64(n) / (refreshExpiries + 1)
		deadline := time.Now().Add(2 * time.Minute)
		for done.Load() < at || stsCalls(t, emu, "AssumeRole") < n {
			if time.Now().After(deadline) {
				t.Fatalf("the calls stalled before expiry %d", n)
			}
			time.Sleep(time.Millisecond)
		}
		e, err := emu.ExpireSTSCredentials()
		if err != nil {
			t.Fatal(err)
		}
		expired = append(expired, e)
	}
	wg.Wait()
	if failures.Load() != 0 {
		t.Errorf("%d calls failed, the first: %v", failures.Load(), firstFailure.Load())
	}
	if fmt.Sprint(expired) != "[1 1 1]" {
		t.Errorf("each expiry ends the one key all share: %v", expired)
	}
	sts := stsCalls(t, emu, "AssumeRole") - 1
	refused := 0
	log, err := emu.Requests()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range log {
		if r.Code != nil && *r.Code == "InvalidSecurityToken.Expired" {
			refused++
		}
	}
	t.Logf("Go refresh: %d goroutines x %d calls, %d forced expiries: %d AssumeRole calls after the first; %d attempts refused as expired, each retried",
		refreshGoroutines, refreshCalls, refreshExpiries, sts, refused)
	if sts != refreshExpiries {
		t.Errorf("exactly one STS call per expiry: %d", sts)
	}
	if refused < refreshExpiries {
		t.Errorf("each expiry was seen by the calls in flight: %d", refused)
	}
}

func TestSingleFlightAfterAnExpiry(t *testing.T) {
	emu := bidcerttest.NewMetadata(t)
	isolate(t)
	c := providerClient(t, emu, role(t, emu, demoKeys(t, emu, "ACCOUNT")))
	before, err := c.Credentials()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emu.ExpireSTSCredentials(); err != nil {
		t.Fatal(err)
	}
	// Every goroutine's first attempt is refused at once; one of them fetches new keys.
	start := make(chan struct{})
	errs := make(chan error, refreshGoroutines)
	pk := emu.MustDemo(t, "PERSONAL_PK")
	for g := 0; g < refreshGoroutines; g++ {
		go func() {
			<-start
			_, err := c.QueryCertifiedInfo(context.Background(), pk, BidTypeNormal)
			errs <- err
		}()
	}
	close(start)
	for g := 0; g < refreshGoroutines; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := stsCalls(t, emu, "AssumeRole"); n != 2 {
		t.Errorf("%d STS calls for %d goroutines after one expiry, want 2 in all", n, refreshGoroutines)
	}
	after, err := c.Credentials()
	if err != nil || after.AccessKeyID == before.AccessKeyID {
		t.Errorf("new keys: %+v after %+v, %v", after, before, err)
	}
}

func TestSetCredentialsReplacesTheProvider(t *testing.T) {
	emu := bidcerttest.NewMetadata(t)
	isolate(t)
	c := providerClient(t, emu, demoKeys(t, emu, "NORMAL"))
	if err := c.SetCredentials(role(t, emu, demoKeys(t, emu, "ACCOUNT"))); err != nil {
		t.Fatal(err)
	}
	if _, err := c.QueryCertifiedInfo(context.Background(), emu.MustDemo(t, "PERSONAL_PK"), BidTypeNormal); err != nil {
		t.Fatal(err)
	}
	if r, err := c.Credentials(); err != nil || r.Kind != CredentialsRAMRoleARN {
		t.Errorf("%+v, %v", r, err)
	}
	if err := c.SetCredentials(nil); !errors.Is(err, ErrNullArgument) {
		t.Errorf("nil: %v", err)
	}
	c.Close()
	if err := c.SetCredentials(demoKeys(t, emu, "NORMAL")); !errors.Is(err, ErrNullArgument) {
		t.Errorf("closed: %v", err)
	}
	if _, err := c.Credentials(); !errors.Is(err, ErrNullArgument) {
		t.Errorf("closed: %v", err)
	}
}
