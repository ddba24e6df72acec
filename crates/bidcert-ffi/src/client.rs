//! `bidcert_client`: the Rust client, driving the core's call engine with its own HTTP
//! stack (`bidcert_client_query_certified_info`, ...), or lending its policy, credentials and
//! clock offset to a call a C program drives itself (`bidcert_call_new`).

use std::ffi::c_char;
use std::net::IpAddr;
use std::str::FromStr;

use bidcert_rs::{Client, ClientBuilder, Policy, QueryCertifiedInfo, Target};

use crate::convert::{
    bidcert_param, free_object, get_value, into_object, opt_millis, opt_str_arg, out_arg,
    params_arg_named, ref_arg, str_arg, string_out,
};
use crate::credentials::bidcert_credentials;
use crate::enums::{bidcert_bid_type, bidcert_product, bidcert_signature_version, enum_arg};
use crate::error::bidcert_error;
use crate::operation::rpc_op;
use crate::results::{bidcert_cert_ways_url, bidcert_certified_info};
use crate::signer::{bidcert_cert_ways_request, cert_ways_op};
use crate::status::bidcert_status;

/// How a client connects and retries. Zero-initialize it (`bidcert_client_config cfg = {0};`):
/// every zero or NULL field takes the core's default (the README lists them).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_client_config {
    /// The Crm endpoint (`https://host[:port]`); NULL: the production endpoint.
    pub crm_endpoint: *const c_char,
    /// The Aas endpoint; NULL: the production endpoint.
    pub aas_endpoint: *const c_char,
    /// Time one attempt may take to connect, in milliseconds; 0: the core's default.
    pub connect_timeout_ms: u64,
    /// Time one attempt may take, from connecting to the last byte, in milliseconds; 0: the
    /// core's default.
    pub timeout_ms: u64,
    /// Attempts in all (1 = no retry); 0: the core's default.
    pub max_attempts: u32,
    /// Delay before the first retry in milliseconds (doubling, with jitter); 0: the core's
    /// default.
    pub retry_base_delay_ms: u64,
    /// Longest backoff between attempts in milliseconds; 0: the core's default.
    pub retry_max_delay_ms: u64,
    /// Allow plain `http://` to a host that is not loopback (loopback is always allowed).
    pub allow_insecure_http: bool,
    /// Appended to the `User-Agent`; NULL for none.
    pub user_agent_suffix: *const c_char,
    /// Time a whole call may take, retries and their delays included, in milliseconds; 0: the
    /// core's default.
    pub budget_ms: u64,
    /// The largest response body accepted, in bytes; 0: the core's default.
    pub max_body_bytes: u64,
    /// The signature scheme, a `bidcert_signature_version`; 0 (`BIDCERT_SIGNATURE_VERSION_V1`):
    /// v1.0, the default.
    pub signature_version: u32,
    /// A PEM file of CA certificates to trust beside the platform's store (a TLS-inspecting
    /// proxy's, say), read by `bidcert_client_new`; NULL for none. The platform's store is the
    /// system's, or on Linux the one `SSL_CERT_FILE` / `SSL_CERT_DIR` name.
    pub ca_file: *const c_char,
    /// PEM text of CA certificates to trust beside the platform's store; NULL for none.
    pub ca_pem: *const c_char,
    /// Fixed addresses, as `curl --resolve`: each `key` a host name, its `value` the IP address
    /// to connect to instead of looking the host up; TLS still checks the certificate against
    /// the host name. `resolve_len` entries (NULL when 0).
    pub resolve: *const bidcert_param,
    /// The number of `resolve` entries.
    pub resolve_len: usize,
}

/// A client (opaque). Thread-safe: one client may be used from many threads at once, and
/// shares one connection pool and one learned clock offset.
#[derive(Debug)]
pub struct bidcert_client {
    pub(crate) inner: Client,
}

/// The core's policy with the fields a C config set (0 keeps the core's default).
fn policy(cfg: &bidcert_client_config) -> Result<Policy, bidcert_error> {
    let mut policy = Policy::default().with_signature_version(
        enum_arg::<bidcert_signature_version>(cfg.signature_version, "config.signature_version")?,
    );
    if cfg.max_attempts != 0 {
        policy = policy.with_max_attempts(cfg.max_attempts);
    }
    if let Some(d) = opt_millis(cfg.retry_base_delay_ms) {
        policy = policy.with_base_delay(d);
    }
    if let Some(d) = opt_millis(cfg.retry_max_delay_ms) {
        policy = policy.with_max_delay(d);
    }
    if let Some(d) = opt_millis(cfg.connect_timeout_ms) {
        policy = policy.with_connect_timeout(d);
    }
    if let Some(d) = opt_millis(cfg.timeout_ms) {
        policy = policy.with_attempt_timeout(d);
    }
    if let Some(d) = opt_millis(cfg.budget_ms) {
        policy = policy.with_budget(d);
    }
    if cfg.max_body_bytes != 0 {
        policy =
            policy.with_max_body_bytes(usize::try_from(cfg.max_body_bytes).unwrap_or(usize::MAX));
    }
    Ok(policy)
}

/// The builder with a C config's trust options and fixed addresses.
unsafe fn connection(
    mut builder: ClientBuilder,
    cfg: &bidcert_client_config,
) -> Result<ClientBuilder, bidcert_error> {
    if let Some(path) = unsafe { opt_str_arg(cfg.ca_file, "config.ca_file") }? {
        builder = builder.ca_file(path);
    }
    if let Some(pem) = unsafe { opt_str_arg(cfg.ca_pem, "config.ca_pem") }? {
        builder = builder.ca_pem(pem);
    }
    let fixed = unsafe { params_arg_named(cfg.resolve, cfg.resolve_len, "config.resolve") }?;
    for (host, ip) in fixed {
        let ip = IpAddr::from_str(ip).map_err(|_| {
            bidcert_error::validation(
                "config.resolve",
                &format!("{ip:?} (for {host:?}) is not an IP address"),
            )
        })?;
        builder = builder.resolve(host, ip);
    }
    Ok(builder)
}

/// A new client signing with what `credentials` hands out: every attempt, of its own calls
/// and of the calls a program drives (`bidcert_call_*`), is signed with the provider's
/// current credentials, refreshed ahead of their expiry, and keys a server refuses as expired
/// are fetched anew. `credentials` NULL is the default chain
/// (`bidcert_credentials_default_chain`); `config` NULL takes every default. The client's
/// first credentials are fetched here, so that a client without any fails at once.
///
/// Ownership: both arguments are only read (the client shares `credentials`' cache: free it
/// whenever you like); `*out` is owned by the caller, free it with `bidcert_client_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`out`, a `resolve` entry);
/// `BIDCERT_INVALID_UTF8`; `BIDCERT_INVALID_ENUM` (`signature_version`); `BIDCERT_VALIDATION`
/// (an endpoint, plain http to a remote host, the proxy, a CA file that cannot be read or PEM
/// with no certificate, a `resolve` value that is not an IP address); `BIDCERT_CREDENTIALS`
/// (the source has no credentials: the error names each source tried and what it lacked,
/// `bidcert_error_tried`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_client_new(
    credentials: *const bidcert_credentials,
    config: *const bidcert_client_config,
    out: *mut *mut bidcert_client,
) -> bidcert_status {
    ffi_status!({
        let out = unsafe { out_arg(out, "out") }?;
        let mut builder = Client::builder();
        // SAFETY: NULL or a live object, by the contract.
        if let Some(creds) = unsafe { credentials.as_ref() } {
            builder = builder.provider(creds.provider.clone());
        }
        // SAFETY: NULL or a readable config, by the contract.
        if let Some(cfg) = unsafe { config.as_ref() } {
            if let Some(url) = unsafe { opt_str_arg(cfg.crm_endpoint, "config.crm_endpoint") }? {
                builder = builder.crm_endpoint(url);
            }
            if let Some(url) = unsafe { opt_str_arg(cfg.aas_endpoint, "config.aas_endpoint") }? {
                builder = builder.aas_endpoint(url);
            }
            builder = builder
                .policy(policy(cfg)?)
                .allow_insecure_http(cfg.allow_insecure_http);
            builder = unsafe { connection(builder, cfg) }?;
            // After the policy, which it changes.
            if let Some(s) =
                unsafe { opt_str_arg(cfg.user_agent_suffix, "config.user_agent_suffix") }?
            {
                builder = builder.user_agent_suffix(s);
            }
        }
        *out = into_object(bidcert_client {
            inner: builder.build()?,
        });
        Ok(())
    })
}

/// Asks whether customer `pk` has passed identity verification (QueryBidUserCertifiedInfo);
/// `bid_type` is a `bidcert_bid_type`. Blocks until done (retries included).
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_certified_info_free`.
/// Thread-safety: safe from any thread, concurrently on one client.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`client`, `pk`, `out`);
/// `BIDCERT_INVALID_UTF8`; `BIDCERT_INVALID_ENUM`; `BIDCERT_VALIDATION`;
/// `BIDCERT_API_ERROR` (kind, code, message, request id in the last error);
/// `BIDCERT_TRANSPORT`; `BIDCERT_TIMEOUT`; `BIDCERT_PARSE`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_client_query_certified_info(
    client: *const bidcert_client,
    pk: *const c_char,
    bid_type: u32,
    out: *mut *mut bidcert_certified_info,
) -> bidcert_status {
    ffi_status!({
        let client = unsafe { ref_arg(client, "client") }?;
        let pk = unsafe { str_arg(pk, "pk") }?;
        let out = unsafe { out_arg(out, "out") }?;
        let op = QueryCertifiedInfo::new(pk, enum_arg::<bidcert_bid_type>(bid_type, "bid_type")?)?;
        let info = client.inner.query_certified_info(&op)?;
        *out = into_object(bidcert_certified_info::new(info));
        Ok(())
    })
}

/// Gets the one-time verification link for a customer (GenerateAliyunBidCertWaysUrl).
/// Blocks until done (retries included).
///
/// Ownership: `request` is only read; `*out` is owned by the caller, free it with
/// `bidcert_cert_ways_url_free`. Thread-safety: safe from any thread, concurrently on one
/// client.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`client`, `request`,
/// `request->aliyun_pk`, `out`); `BIDCERT_INVALID_UTF8`; `BIDCERT_INVALID_ENUM`;
/// `BIDCERT_VALIDATION`; `BIDCERT_API_ERROR`; `BIDCERT_TRANSPORT`; `BIDCERT_TIMEOUT`;
/// `BIDCERT_PARSE`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_client_generate_cert_ways_url(
    client: *const bidcert_client,
    request: *const bidcert_cert_ways_request,
    out: *mut *mut bidcert_cert_ways_url,
) -> bidcert_status {
    ffi_status!({
        let client = unsafe { ref_arg(client, "client") }?;
        let op = unsafe { cert_ways_op(request) }?;
        let out = unsafe { out_arg(out, "out") }?;
        let url = client.inner.generate_cert_ways_url(&op)?;
        *out = into_object(bidcert_cert_ways_url::new(url));
        Ok(())
    })
}

/// Calls any RPC `action` of `product` (a `bidcert_product`) at API `version` with
/// `params`, and writes the JSON text of the response object into `*out`.
///
/// `method` is `"POST"`, `"GET"` or NULL for POST; `params` may be NULL when `params_len`
/// is 0 and must not hold common parameters (`Timestamp`, `Signature`, ...).
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread, concurrently on one client.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_INVALID_ENUM`; `BIDCERT_VALIDATION`; `BIDCERT_API_ERROR`; `BIDCERT_TRANSPORT`;
/// `BIDCERT_TIMEOUT`; `BIDCERT_PARSE`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_client_call(
    client: *const bidcert_client,
    product: u32,
    action: *const c_char,
    version: *const c_char,
    method: *const c_char,
    params: *const bidcert_param,
    params_len: usize,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        let client = unsafe { ref_arg(client, "client") }?;
        unsafe { out_arg(out, "out") }?;
        let target = Target::Product(enum_arg::<bidcert_product>(product, "product")?);
        let call = unsafe { rpc_op(target, action, version, method, params, params_len) }?;
        let value = client.inner.call(&call)?;
        unsafe { string_out(out, value.to_string()) }
    })
}

/// The credentials the client signs with, into `*out`: the provider it shares with every
/// copy (`bidcert_credentials_current` tells what they are now).
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_credentials_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`client`, `out`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_client_credentials(
    client: *const bidcert_client,
    out: *mut *mut bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let client = unsafe { ref_arg(client, "client") }?;
        let out = unsafe { out_arg(out, "out") }?;
        *out = into_object(bidcert_credentials {
            provider: client.inner.provider(),
        });
        Ok(())
    })
}

/// Replaces the credentials the client signs with: the next attempt of any call, those in
/// flight included, is signed with what `credentials` hands out. Nothing is fetched here.
///
/// Ownership: `credentials` is only read (the client shares its cache).
/// Thread-safety: safe from any thread, concurrently with calls on `client`.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`client`, `credentials`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_client_set_credentials(
    client: *const bidcert_client,
    credentials: *const bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let client = unsafe { ref_arg(client, "client") }?;
        let credentials = unsafe { ref_arg(credentials, "credentials") }?;
        client.inner.set_provider(credentials.provider.clone());
        Ok(())
    })
}

/// Frees a client and its connection pool. NULL is a no-op.
/// Thread-safety: not concurrently with other uses of `client`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_client_free(client: *mut bidcert_client) {
    ffi_void!({ unsafe { free_object(client) } })
}

/// The server's clock minus ours, in seconds, as the client learned it from the last timestamp
/// error (0 until then), into `*out_seconds`. Every request is timestamped with our clock
/// plus it; calls made with `bidcert_call_new` learn and hand it back too.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`client`, `out_seconds`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_client_clock_offset(
    client: *const bidcert_client,
    out_seconds: *mut i64,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(client, "client", out_seconds, |c| c.inner.clock_offset()) } })
}
