//! `bidcert_client`: signs each attempt afresh, sends it, retries what a retry can fix.

use std::ffi::c_char;
use std::time::Duration;

use bidcert_rs::{Client, Method, Policy, QueryCertifiedInfo, RpcCall};

use crate::convert::{
    bidcert_param, free_object, into_object, opt_str_arg, out_arg, params_arg, ref_arg, str_arg,
    string_out,
};
use crate::credentials::bidcert_credentials;
use crate::enums;
use crate::results::{bidcert_cert_ways_url, bidcert_certified_info};
use crate::signer::{bidcert_cert_ways_request, cert_ways_op};
use crate::status::bidcert_status;

/// How a client connects. Zero-initialize it (`bidcert_client_config cfg = {0};`): every
/// zero or NULL field takes its default.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_client_config {
    /// The Crm endpoint (`https://host[:port]`); NULL for `https://crm-cn-hangzhou.aliyuncs.com`.
    pub crm_endpoint: *const c_char,
    /// The Aas endpoint; NULL for `https://aas.aliyuncs.com`.
    pub aas_endpoint: *const c_char,
    /// Connection timeout in milliseconds; 0 for 5000.
    pub connect_timeout_ms: u64,
    /// Timeout of one attempt, from connecting to the last byte, in milliseconds; 0 for 10000.
    pub timeout_ms: u64,
    /// Attempts in all (1 = no retry); 0 for 3.
    pub max_attempts: u32,
    /// Delay before the first retry in milliseconds (doubling, with jitter); 0 for 200.
    pub retry_base_delay_ms: u64,
    /// Longest delay between attempts in milliseconds; 0 for 2000.
    pub retry_max_delay_ms: u64,
    /// Allow plain `http://` to a host that is not loopback (loopback is always allowed).
    pub allow_insecure_http: bool,
    /// Appended to the `User-Agent`; NULL for none.
    pub user_agent_suffix: *const c_char,
}

/// A client (opaque). Thread-safe: one client may be used from many threads at once, and
/// shares one connection pool.
#[derive(Debug)]
pub struct bidcert_client {
    inner: Client,
}

/// The retry policy of a configuration: each 0 takes the default.
/// The core's policy with the retry fields a C config set (0 keeps the core's default).
fn retry_policy(
    mut policy: Policy,
    max_attempts: u32,
    base_delay_ms: u64,
    max_delay_ms: u64,
) -> Policy {
    if max_attempts != 0 {
        policy = policy.with_max_attempts(max_attempts);
    }
    if base_delay_ms != 0 {
        policy = policy.with_base_delay(Duration::from_millis(base_delay_ms));
    }
    if max_delay_ms != 0 {
        policy = policy.with_max_delay(Duration::from_millis(max_delay_ms));
    }
    policy
}

/// A new client. `credentials` NULL resolves them from the default chain (environment,
/// CLI profile, shared file); `config` NULL takes every default.
///
/// Ownership: both arguments are only read (credentials are copied); `*out` is owned by the
/// caller, free it with `bidcert_client_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`out`); `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_VALIDATION` (an endpoint, plain http to a remote host, the proxy);
/// `BIDCERT_CREDENTIALS` (none given and none found).
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
            builder = builder.credentials(creds.inner.clone());
        }
        // SAFETY: NULL or a readable config, by the contract.
        if let Some(cfg) = unsafe { config.as_ref() } {
            if let Some(url) = unsafe { opt_str_arg(cfg.crm_endpoint, "config.crm_endpoint") }? {
                builder = builder.crm_endpoint(url);
            }
            if let Some(url) = unsafe { opt_str_arg(cfg.aas_endpoint, "config.aas_endpoint") }? {
                builder = builder.aas_endpoint(url);
            }
            if let Some(s) =
                unsafe { opt_str_arg(cfg.user_agent_suffix, "config.user_agent_suffix") }?
            {
                builder = builder.user_agent_suffix(s);
            }
            // A zero field keeps the core's default.
            let mut policy = retry_policy(
                Policy::default(),
                cfg.max_attempts,
                cfg.retry_base_delay_ms,
                cfg.retry_max_delay_ms,
            );
            if cfg.connect_timeout_ms != 0 {
                policy = policy.with_connect_timeout(Duration::from_millis(cfg.connect_timeout_ms));
            }
            if cfg.timeout_ms != 0 {
                policy = policy.with_attempt_timeout(Duration::from_millis(cfg.timeout_ms));
            }
            builder = builder
                .policy(policy)
                .allow_insecure_http(cfg.allow_insecure_http);
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
        let op = QueryCertifiedInfo::new(pk, enums::bid_type(bid_type)?)?;
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
        let action = unsafe { str_arg(action, "action") }?;
        let version = unsafe { str_arg(version, "version") }?;
        let method = unsafe { opt_str_arg(method, "method") }?;
        let params = unsafe { params_arg(params, params_len) }?;
        unsafe { out_arg(out, "out") }?;
        let mut call = RpcCall::new(enums::product(product)?, action, version)?;
        if let Some(m) = method {
            call = call.with_method(m.parse::<Method>()?);
        }
        for (k, v) in params {
            call = call.with_param(k, v)?;
        }
        let value = client.inner.call(&call)?;
        unsafe { string_out(out, value.to_string()) }
    })
}

/// Frees a client and its connection pool. NULL is a no-op.
/// Thread-safety: not concurrently with other uses of `client`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_client_free(client: *mut bidcert_client) {
    ffi_void!({ unsafe { free_object(client) } })
}

/// The delay before retry number `retry` (1 for the first retry) under the client's backoff:
/// `base_delay_ms` doubling per retry, capped at `max_delay_ms`, then jittered to between half
/// and all of it (0 for either means the default: 200 ms and 2000 ms). For bindings that send
/// requests themselves (Go), so every binding backs off alike.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` if `out_ms` is NULL.
#[no_mangle]
pub unsafe extern "C" fn bidcert_retry_delay_ms(
    retry: u32,
    base_delay_ms: u64,
    max_delay_ms: u64,
    out_ms: *mut u64,
) -> bidcert_status {
    ffi_status!({
        let out = unsafe { out_arg(out_ms, "out_ms") }?;
        let policy = retry_policy(Policy::default(), 0, base_delay_ms, max_delay_ms);
        let delay = policy.backoff(retry.max(1), bidcert_rs::exchange::Jitter::random());
        *out = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        Ok(())
    })
}
