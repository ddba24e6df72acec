//! `bidcert_signer` and `bidcert_signed_request`: sign without sending.

use std::ffi::c_char;

use bidcert_rs::{
    Endpoint, GenerateCertWaysUrl, Nonce, QueryCertifiedInfo, SignedRequest, Signer, Timestamp,
};

use crate::convert::{
    free_object, get_string, into_object, nonce_arg, out_arg, ref_arg, str_arg, timestamp_arg,
};
use crate::credentials::bidcert_credentials;
use crate::enums::{
    bidcert_bid_type, bidcert_platform, bidcert_product, bidcert_subject_type, enum_arg,
};
use crate::error::bidcert_error;
use crate::status::bidcert_status;

/// Signs requests (opaque). Holds a copy of the credentials. Safe to share between threads;
/// `bidcert_signer_set_endpoint` must not run concurrently with other uses.
#[derive(Debug)]
pub struct bidcert_signer {
    pub(crate) inner: Signer,
}

/// A signed request, ready to send with any HTTP client (opaque, immutable).
#[derive(Debug)]
pub struct bidcert_signed_request {
    pub(crate) inner: SignedRequest,
}

/// The inputs of GenerateAliyunBidCertWaysUrl. A zero-initialized struct is the default
/// (`NORMAL`, `pc`, `all`, not in an app, not mobile) once `aliyun_pk` is set.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_cert_ways_request {
    /// The customer's account id (ASCII digits), NUL-terminated. Required.
    pub aliyun_pk: *const c_char,
    /// A `bidcert_bid_type` value.
    pub bid_type: u32,
    /// A `bidcert_platform` value.
    pub platform: u32,
    /// A `bidcert_subject_type` value.
    pub subject_type: u32,
    /// Sent as `IsOpenApp`.
    pub is_open_app: bool,
    /// Sent as `IsMobile`.
    pub is_mobile: bool,
}

pub(crate) unsafe fn cert_ways_op(
    req: *const bidcert_cert_ways_request,
) -> Result<GenerateCertWaysUrl, bidcert_error> {
    let req = unsafe { ref_arg(req, "request") }?;
    let pk = unsafe { str_arg(req.aliyun_pk, "request.aliyun_pk") }?;
    let bid_type = enum_arg::<bidcert_bid_type>(req.bid_type, "bid_type")?;
    let platform = enum_arg::<bidcert_platform>(req.platform, "platform")?;
    let subject_type = enum_arg::<bidcert_subject_type>(req.subject_type, "subject_type")?;
    Ok(GenerateCertWaysUrl::new(pk, bid_type)?
        .with_platform(platform)
        .with_subject_type(subject_type)
        .with_open_app(req.is_open_app)
        .with_mobile(req.is_mobile))
}

/// The optional `timestamp` (NULL: now) and `nonce` (NULL: a random one) of a signature.
unsafe fn time_and_nonce(
    timestamp: *const c_char,
    nonce: *const c_char,
) -> Result<(Timestamp, Nonce), bidcert_error> {
    let timestamp = unsafe { timestamp_arg(timestamp, "timestamp") }?;
    let nonce = unsafe { nonce_arg(nonce, "nonce") }?;
    Ok((timestamp, nonce))
}

/// A signer of `credentials`' current keys (copied: fetched first when a provider has none
/// yet), with the default endpoints. A signer keeps the keys it was made with: temporary
/// ones expire, and only a client (`bidcert_client_new`) refreshes them.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_signer_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_CREDENTIALS` (a provider that has
/// none).
#[no_mangle]
pub unsafe extern "C" fn bidcert_signer_new(
    credentials: *const bidcert_credentials,
    out: *mut *mut bidcert_signer,
) -> bidcert_status {
    ffi_status!({
        let creds = unsafe { ref_arg(credentials, "credentials") }?;
        let out = unsafe { out_arg(out, "out") }?;
        let current = creds.provider.credentials()?;
        *out = into_object(bidcert_signer {
            inner: Signer::new(current.credentials().clone()),
        });
        Ok(())
    })
}

/// Sets the endpoint (`https://host[:port]`, or `http://` for tests) of a `bidcert_product`.
///
/// Thread-safety: not concurrently with other uses of `signer`.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_INVALID_ENUM` (`product`); `BIDCERT_VALIDATION` (not an endpoint URL).
#[no_mangle]
pub unsafe extern "C" fn bidcert_signer_set_endpoint(
    signer: *mut bidcert_signer,
    product: u32,
    endpoint: *const c_char,
) -> bidcert_status {
    ffi_status!({
        let signer = unsafe { out_arg(signer, "signer") }?;
        let product = enum_arg::<bidcert_product>(product, "product")?;
        let endpoint = Endpoint::new(unsafe { str_arg(endpoint, "endpoint") }?)?;
        signer.inner = signer.inner.clone().with_endpoint(product, endpoint);
        Ok(())
    })
}

/// Signs QueryBidUserCertifiedInfo for customer `pk` with `bid_type` (a `bidcert_bid_type`).
///
/// `timestamp` is `YYYY-MM-DDThh:mm:ssZ` or NULL for now; `nonce` is 1 to 128 printable
/// ASCII characters or NULL for a random UUID v4. Sends nothing.
/// Ownership: `*out` is owned by the caller; free it with `bidcert_signed_request_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`signer`, `pk`, `out`);
/// `BIDCERT_INVALID_UTF8`; `BIDCERT_INVALID_ENUM` (`bid_type`); `BIDCERT_VALIDATION` (PK,
/// timestamp or nonce).
#[no_mangle]
pub unsafe extern "C" fn bidcert_signer_sign_query(
    signer: *const bidcert_signer,
    pk: *const c_char,
    bid_type: u32,
    timestamp: *const c_char,
    nonce: *const c_char,
    out: *mut *mut bidcert_signed_request,
) -> bidcert_status {
    ffi_status!({
        let signer = unsafe { ref_arg(signer, "signer") }?;
        let pk = unsafe { str_arg(pk, "pk") }?;
        let out = unsafe { out_arg(out, "out") }?;
        let bid_type = enum_arg::<bidcert_bid_type>(bid_type, "bid_type")?;
        let (timestamp, nonce) = unsafe { time_and_nonce(timestamp, nonce) }?;
        let op = QueryCertifiedInfo::new(pk, bid_type)?;
        let inner = signer.inner.sign(&op, timestamp, &nonce)?;
        *out = into_object(bidcert_signed_request { inner });
        Ok(())
    })
}

/// Signs GenerateAliyunBidCertWaysUrl for `request`; `timestamp` and `nonce` as in
/// `bidcert_signer_sign_query`. Sends nothing.
///
/// Ownership: `request` is only read; `*out` is owned by the caller, free it with
/// `bidcert_signed_request_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`signer`, `request`,
/// `request->aliyun_pk`, `out`); `BIDCERT_INVALID_UTF8`; `BIDCERT_INVALID_ENUM`;
/// `BIDCERT_VALIDATION`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_signer_sign_cert_ways_url(
    signer: *const bidcert_signer,
    request: *const bidcert_cert_ways_request,
    timestamp: *const c_char,
    nonce: *const c_char,
    out: *mut *mut bidcert_signed_request,
) -> bidcert_status {
    ffi_status!({
        let signer = unsafe { ref_arg(signer, "signer") }?;
        let op = unsafe { cert_ways_op(request) }?;
        let out = unsafe { out_arg(out, "out") }?;
        let (timestamp, nonce) = unsafe { time_and_nonce(timestamp, nonce) }?;
        let inner = signer.inner.sign(&op, timestamp, &nonce)?;
        *out = into_object(bidcert_signed_request { inner });
        Ok(())
    })
}

/// Frees a signer. NULL is a no-op. Thread-safety: not concurrently with other uses.
#[no_mangle]
pub unsafe extern "C" fn bidcert_signer_free(signer: *mut bidcert_signer) {
    ffi_void!({ unsafe { free_object(signer) } })
}

/// The HTTP method to send with (`"POST"` or `"GET"`) into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`request`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_signed_request_method(
    request: *const bidcert_signed_request,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_string(request, "request", out, |r| r.inner.method().as_str()) } })
}

/// The full URL to send to, signature included, into `*out`. It holds the signature and any
/// security token: do not log it (use `bidcert_signed_request_redacted_url`).
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`request`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_signed_request_url(
    request: *const bidcert_signed_request,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_string(request, "request", out, |r| r.inner.url()) } })
}

/// The URL with `Signature` and `SecurityToken` replaced by `<redacted>`, for logs, into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`request`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_signed_request_redacted_url(
    request: *const bidcert_signed_request,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_string(request, "request", out, |r| r.inner.redacted_url()) } })
}

/// The string that was signed into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`request`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_signed_request_string_to_sign(
    request: *const bidcert_signed_request,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_string(request, "request", out, |r| r.inner.string_to_sign()) } })
}

/// The canonicalized query string (every parameter but `Signature`) into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`request`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_signed_request_canonicalized_query(
    request: *const bidcert_signed_request,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        unsafe { get_string(request, "request", out, |r| r.inner.canonicalized_query()) }
    })
}

/// The Base64 signature into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`request`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_signed_request_signature(
    request: *const bidcert_signed_request,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_string(request, "request", out, |r| r.inner.signature()) } })
}

/// The signed timestamp (`YYYY-MM-DDThh:mm:ssZ`) into `*out`: the `issued_at` to give
/// `bidcert_parse_cert_ways_url`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`request`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_signed_request_timestamp(
    request: *const bidcert_signed_request,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        unsafe { get_string(request, "request", out, |r| r.inner.timestamp().to_string()) }
    })
}

/// Frees a signed request. NULL is a no-op. Thread-safety: not concurrently with other uses.
#[no_mangle]
pub unsafe extern "C" fn bidcert_signed_request_free(request: *mut bidcert_signed_request) {
    ffi_void!({ unsafe { free_object(request) } })
}
