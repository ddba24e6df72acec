package bidcert

// #include <stdlib.h>
// #include "bidcert.h"
import "C"

import (
	"fmt"
	"time"
)

// CredentialsProvider is where a Client's credentials come from (Config.Provider): given keys
// (Credentials), or a provider that fetches them: EnvironmentProvider, OIDCRoleProvider,
// CLIConfigProvider, CredentialsFileProvider, ECSRAMRoleProvider, CredentialsURIProvider,
// RAMRoleARNProvider (any of these assuming a role), or DefaultChain. Each is plain
// configuration; the core's cache behind the Client refreshes temporary credentials ahead of
// their expiry, one caller at a time while the others keep the valid ones, and never signs
// with expired ones. Empty fields take the provider's environment variable, then the
// official default. The implementations are this package's.
type CredentialsProvider interface {
	// cCredentials makes the provider in C; the caller frees it.
	cCredentials() (*C.bidcert_credentials, error)
}

// STSConfig is where STS is, for the roles: Endpoint, else BIDCERT_STS_ENDPOINT, else the
// region's endpoint (sts.<region>.aliyuncs.com, sts-vpc.<region>.aliyuncs.com with VPC), else
// sts.aliyuncs.com.
type STSConfig struct {
	// Endpoint is https://host[:port], a host name (https), or plain http to a loopback
	// address.
	Endpoint string
	// Region, else ALIBABA_CLOUD_STS_REGION.
	Region string
	// VPC selects the region's VPC endpoint (as ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true does).
	VPC bool
}

// EnvironmentProvider reads ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
// ALIBABA_CLOUD_SECURITY_TOKEN when first needed (source "environment").
type EnvironmentProvider struct{}

// OIDCRoleProvider assumes a RAM role with an OIDC token (AssumeRoleWithOIDC), as ACK's RRSA
// sets up a pod (kind oidc_role_arn, source "oidc"). The token file is read again at every
// refresh: it rotates.
type OIDCRoleProvider struct {
	RoleARN         string // else ALIBABA_CLOUD_ROLE_ARN
	OIDCProviderARN string // else ALIBABA_CLOUD_OIDC_PROVIDER_ARN
	OIDCTokenFile   string // else ALIBABA_CLOUD_OIDC_TOKEN_FILE
	RoleSessionName string // else ALIBABA_CLOUD_ROLE_SESSION_NAME, else bidcert-<time>
	// Duration of the session in whole seconds; 0: the core's default (the credentials guide lists it).
	Duration time.Duration
	Policy   string // a JSON policy narrowing the session's permissions
	STS      STSConfig
}

// CLIConfigProvider reads a profile of the Alibaba Cloud CLI's ~/.aliyun/config.json (any
// mode: keys, a role, the instance's role, a URI; source "cli_config").
type CLIConfigProvider struct {
	Path    string // else ALIBABA_CLOUD_CONFIG_FILE, else ~/.aliyun/config.json
	Profile string // else as the CLI chooses it (ALIBABA_CLOUD_PROFILE, the file's current)
}

// CredentialsFileProvider reads a profile of the shared ~/.alibabacloud/credentials (types
// access_key, ecs_ram_role, ram_role_arn, oidc_role_arn, sts; source "credentials_file").
type CredentialsFileProvider struct {
	Path    string // else ALIBABA_CLOUD_CREDENTIALS_FILE, else ~/.alibabacloud/credentials
	Profile string // else ALIBABA_CLOUD_PROFILE, else default
}

// ECSRAMRoleProvider reads the ECS instance's RAM role from the instance metadata service,
// IMDSv2 first (kind ecs_ram_role, source "ecs_metadata"). It is refused when
// ALIBABA_CLOUD_ECS_METADATA_DISABLED=true, and then sends nothing.
type ECSRAMRoleProvider struct {
	RoleName string // else ALIBABA_CLOUD_ECS_METADATA, else the one the service lists
	// Endpoint is the metadata service (http://host[:port]), else
	// BIDCERT_ECS_METADATA_ENDPOINT, else http://100.100.100.200.
	Endpoint string
	// IMDSv1Disabled never reads without a session token (as ALIBABA_CLOUD_IMDSV1_DISABLED=true
	// does).
	IMDSv1Disabled bool
	// ConnectTimeout and ReadTimeout; 0: one second each, so that a machine off ECS fails fast.
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration
}

// CredentialsURIProvider gets temporary keys from a credentials URI (kind credentials_uri,
// source "credentials_uri").
type CredentialsURIProvider struct {
	URI string // else ALIBABA_CLOUD_CREDENTIALS_URI
	// AllowInsecureHTTP allows plain http:// to a host that is not loopback (the answer holds
	// a secret).
	AllowInsecureHTTP bool
}

// RAMRoleARNProvider assumes a RAM role (AssumeRole, signed by bidcert's signer) with the
// credentials Source hands out: given keys or any provider, another role included (roles
// chain). Kind ram_role_arn, source "ram_role_arn".
type RAMRoleARNProvider struct {
	// Source assumes the role; required.
	Source          CredentialsProvider
	RoleARN         string // else ALIBABA_CLOUD_ROLE_ARN
	RoleSessionName string // else ALIBABA_CLOUD_ROLE_SESSION_NAME, else bidcert-<time>
	// Duration of the session in whole seconds; 0: the core's default (the credentials guide lists it).
	Duration   time.Duration
	Policy     string // a JSON policy narrowing the session's permissions
	ExternalID string // the external id the role's trust policy asks for
	STS        STSConfig
}

// DefaultChain is the official chain: the environment, an OIDC role, the CLI's config, the
// credentials file, the ECS instance's role (unless ALIBABA_CLOUD_ECS_METADATA_DISABLED=true),
// ALIBABA_CLOUD_CREDENTIALS_URI. The first source with credentials is asked alone from then
// on; when none has any, the error's Tried says what each lacked. A Client given no
// credentials uses it.
type DefaultChain struct {
	Profile string // the profile of both files, as the CLI's --profile; "" as they choose
}

// CredentialsKind is what kind of credentials a source handed out.
type CredentialsKind uint32

// The kinds.
const (
	CredentialsStatic         CredentialsKind = C.BIDCERT_CREDENTIALS_KIND_STATIC
	CredentialsSTS            CredentialsKind = C.BIDCERT_CREDENTIALS_KIND_STS
	CredentialsECSRAMRole     CredentialsKind = C.BIDCERT_CREDENTIALS_KIND_ECS_RAM_ROLE
	CredentialsRAMRoleARN     CredentialsKind = C.BIDCERT_CREDENTIALS_KIND_RAM_ROLE_ARN
	CredentialsOIDCRoleARN    CredentialsKind = C.BIDCERT_CREDENTIALS_KIND_OIDC_ROLE_ARN
	CredentialsCredentialsURI CredentialsKind = C.BIDCERT_CREDENTIALS_KIND_CREDENTIALS_URI
)

// String is the kind's stable name (static, sts, ecs_ram_role, ram_role_arn, oidc_role_arn,
// credentials_uri), as `bidcert credentials` prints it.
func (k CredentialsKind) String() string {
	if name := C.bidcert_credentials_kind_name(C.uint32_t(k)); name != nil {
		return C.GoString(name)
	}
	return fmt.Sprintf("CredentialsKind(%d)", uint32(k))
}

// ResolvedCredentials is what a Client signs with now, without the secret or the token.
type ResolvedCredentials struct {
	// Source is the source that gave them: explicit, environment, oidc, cli_config,
	// credentials_file, ecs_metadata, credentials_uri, ram_role_arn.
	Source string
	Kind   CredentialsKind
	// AccessKeyID is not a secret.
	AccessKeyID string
	// Expiration is when they stop working; zero for long-term keys.
	Expiration time.Time
	// Detail says which file and profile, role or address.
	Detail string
}

// cStrings collects the C strings of one conversion, freed together.
type cStrings []*C.char

// opt is s in C memory, or NULL for "".
func (cs *cStrings) opt(s string) *C.char {
	p := optCString(s)
	if p != nil {
		*cs = append(*cs, p)
	}
	return p
}

func (cs cStrings) free() {
	for _, p := range cs {
		free(p)
	}
}

// newProvider runs a bidcert_credentials_from_* constructor.
func newProvider(f func(out **C.bidcert_credentials) C.bidcert_status) (*C.bidcert_credentials, error) {
	var out *C.bidcert_credentials
	if err := ccall(func() C.bidcert_status { return f(&out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// wholeSeconds converts a session's duration for C, where 0 is the default; a part of a
// second counts as a whole one.
func wholeSeconds(d time.Duration) C.uint32_t {
	if d <= 0 {
		return 0
	}
	return C.uint32_t(min((d+time.Second-1)/time.Second, 1<<32-1))
}

func (s STSConfig) c(cs *cStrings) C.bidcert_sts_config {
	return C.bidcert_sts_config{endpoint: cs.opt(s.Endpoint), region: cs.opt(s.Region), vpc: C.bool(s.VPC)}
}

func (c Credentials) cCredentials() (*C.bidcert_credentials, error) { return newCredentials(c) }

func (EnvironmentProvider) cCredentials() (*C.bidcert_credentials, error) {
	return newProvider(func(out **C.bidcert_credentials) C.bidcert_status {
		return C.bidcert_credentials_from_environment(out)
	})
}

func (p OIDCRoleProvider) cCredentials() (*C.bidcert_credentials, error) {
	if err := noNUL(p.RoleARN, p.OIDCProviderARN, p.OIDCTokenFile, p.RoleSessionName, p.Policy,
		p.STS.Endpoint, p.STS.Region); err != nil {
		return nil, err
	}
	var cs cStrings
	defer cs.free()
	// Go memory holding only C pointers: C reads it during the call.
	cfg := C.bidcert_oidc_role_config{
		role_arn:          cs.opt(p.RoleARN),
		oidc_provider_arn: cs.opt(p.OIDCProviderARN),
		oidc_token_file:   cs.opt(p.OIDCTokenFile),
		role_session_name: cs.opt(p.RoleSessionName),
		duration_seconds:  wholeSeconds(p.Duration),
		policy:            cs.opt(p.Policy),
		sts:               p.STS.c(&cs),
	}
	return newProvider(func(out **C.bidcert_credentials) C.bidcert_status {
		return C.bidcert_credentials_from_oidc_role(&cfg, out)
	})
}

// fileProvider makes the provider of one of the two credentials files with from, the
// bidcert_credentials_from_* function of that file.
func fileProvider(path, profile string, from func(*C.bidcert_file_config, **C.bidcert_credentials) C.bidcert_status) (*C.bidcert_credentials, error) {
	if err := noNUL(path, profile); err != nil {
		return nil, err
	}
	var cs cStrings
	defer cs.free()
	cfg := C.bidcert_file_config{path: cs.opt(path), profile: cs.opt(profile)}
	return newProvider(func(out **C.bidcert_credentials) C.bidcert_status { return from(&cfg, out) })
}

func (p CLIConfigProvider) cCredentials() (*C.bidcert_credentials, error) {
	return fileProvider(p.Path, p.Profile, func(cfg *C.bidcert_file_config, out **C.bidcert_credentials) C.bidcert_status {
		return C.bidcert_credentials_from_cli_config(cfg, out)
	})
}

func (p CredentialsFileProvider) cCredentials() (*C.bidcert_credentials, error) {
	return fileProvider(p.Path, p.Profile, func(cfg *C.bidcert_file_config, out **C.bidcert_credentials) C.bidcert_status {
		return C.bidcert_credentials_from_credentials_file(cfg, out)
	})
}

func (p ECSRAMRoleProvider) cCredentials() (*C.bidcert_credentials, error) {
	if err := noNUL(p.RoleName, p.Endpoint); err != nil {
		return nil, err
	}
	var cs cStrings
	defer cs.free()
	cfg := C.bidcert_ecs_ram_role_config{
		role_name:          cs.opt(p.RoleName),
		endpoint:           cs.opt(p.Endpoint),
		imdsv1_disabled:    C.bool(p.IMDSv1Disabled),
		connect_timeout_ms: millis(p.ConnectTimeout),
		read_timeout_ms:    millis(p.ReadTimeout),
	}
	return newProvider(func(out **C.bidcert_credentials) C.bidcert_status {
		return C.bidcert_credentials_from_ecs_ram_role(&cfg, out)
	})
}

func (p CredentialsURIProvider) cCredentials() (*C.bidcert_credentials, error) {
	if err := noNUL(p.URI); err != nil {
		return nil, err
	}
	var cs cStrings
	defer cs.free()
	cfg := C.bidcert_credentials_uri_config{uri: cs.opt(p.URI), allow_insecure_http: C.bool(p.AllowInsecureHTTP)}
	return newProvider(func(out **C.bidcert_credentials) C.bidcert_status {
		return C.bidcert_credentials_from_credentials_uri(&cfg, out)
	})
}

func (p RAMRoleARNProvider) cCredentials() (*C.bidcert_credentials, error) {
	if p.Source == nil {
		return nil, &Error{Status: StatusValidation, Kind: KindValidation, Field: "Source",
			Message: "a RAMRoleARNProvider needs a Source to assume the role with"}
	}
	if err := noNUL(p.RoleARN, p.RoleSessionName, p.Policy, p.ExternalID, p.STS.Endpoint, p.STS.Region); err != nil {
		return nil, err
	}
	source, err := p.Source.cCredentials()
	if err != nil {
		return nil, err
	}
	// The role shares the source's cache; the handle itself is no longer needed.
	defer C.bidcert_credentials_free(source)
	var cs cStrings
	defer cs.free()
	cfg := C.bidcert_ram_role_arn_config{
		role_arn:          cs.opt(p.RoleARN),
		role_session_name: cs.opt(p.RoleSessionName),
		duration_seconds:  wholeSeconds(p.Duration),
		policy:            cs.opt(p.Policy),
		external_id:       cs.opt(p.ExternalID),
		sts:               p.STS.c(&cs),
	}
	return newProvider(func(out **C.bidcert_credentials) C.bidcert_status {
		return C.bidcert_credentials_from_ram_role_arn(source, &cfg, out)
	})
}

func (p DefaultChain) cCredentials() (*C.bidcert_credentials, error) {
	if err := noNUL(p.Profile); err != nil {
		return nil, err
	}
	profile := optCString(p.Profile)
	defer free(profile)
	return newProvider(func(out **C.bidcert_credentials) C.bidcert_status {
		return C.bidcert_credentials_default_chain(profile, out)
	})
}

// currentCredentials is what creds hands out now (fetched or refreshed first when due).
func currentCredentials(creds *C.bidcert_credentials) (*ResolvedCredentials, error) {
	var r *C.bidcert_resolved_credentials
	if err := ccall(func() C.bidcert_status { return C.bidcert_credentials_current(creds, &r) }); err != nil {
		return nil, err
	}
	defer C.bidcert_resolved_credentials_free(r)
	var (
		kind    C.bidcert_credentials_kind
		known   C.bool
		seconds C.int64_t
	)
	// These getters fail only for NULL arguments.
	C.bidcert_resolved_credentials_kind(r, &kind)
	C.bidcert_resolved_credentials_expiration(r, &known, &seconds)
	resolved := &ResolvedCredentials{
		Source:      getString(func(o **C.char) C.bidcert_status { return C.bidcert_resolved_credentials_source(r, o) }),
		Kind:        CredentialsKind(kind),
		AccessKeyID: getString(func(o **C.char) C.bidcert_status { return C.bidcert_resolved_credentials_access_key_id(r, o) }),
		Detail:      getString(func(o **C.char) C.bidcert_status { return C.bidcert_resolved_credentials_detail(r, o) }),
	}
	if bool(known) {
		resolved.Expiration = time.Unix(int64(seconds), 0).UTC()
	}
	return resolved, nil
}

// ResolveCredentials is what p hands out now: where they came from, their kind, AccessKeyID
// and expiry (never the secret or a token), as `bidcert credentials` shows them. It fetches
// them (a file, STS, the metadata service); a Client keeps its own and refreshes them.
func ResolveCredentials(p CredentialsProvider) (*ResolvedCredentials, error) {
	creds, err := p.cCredentials()
	if err != nil {
		return nil, err
	}
	defer C.bidcert_credentials_free(creds)
	return currentCredentials(creds)
}

// Credentials is what the client signs with now (fetched or refreshed first when due),
// without the secret or the token.
func (c *Client) Credentials() (*ResolvedCredentials, error) {
	var creds *C.bidcert_credentials
	err := c.use(func(p *C.bidcert_client) error {
		return ccall(func() C.bidcert_status { return C.bidcert_client_credentials(p, &creds) })
	})
	if err != nil {
		return nil, err
	}
	defer C.bidcert_credentials_free(creds)
	return currentCredentials(creds)
}

// SetCredentials replaces what the client signs with, for every call from its next attempt
// on. Nothing is fetched here.
func (c *Client) SetCredentials(p CredentialsProvider) error {
	if p == nil {
		return &Error{Status: StatusNullArgument, Kind: KindNullArgument, Field: "p", Message: "no credentials provider"}
	}
	creds, err := p.cCredentials()
	if err != nil {
		return err
	}
	defer C.bidcert_credentials_free(creds)
	return c.use(func(client *C.bidcert_client) error {
		return ccall(func() C.bidcert_status { return C.bidcert_client_set_credentials(client, creds) })
	})
}
