//! `bidcert_operation`: what a call does, built once and run by `bidcert_call_new` (or any
//! number of calls).

use std::ffi::c_char;

use bidcert_rs::exchange::AnyOperation;
use bidcert_rs::{Endpoint, Method, QueryCertifiedInfo, RpcCall, Target};

use crate::convert::{
    bidcert_param, free_object, into_object, opt_str_arg, out_arg, params_arg, str_arg,
};
use crate::enums::{bidcert_bid_type, bidcert_product, enum_arg};
use crate::error::bidcert_error;
use crate::signer::{bidcert_cert_ways_request, cert_ways_op};
use crate::status::bidcert_status;

/// An operation (opaque, immutable): QueryBidUserCertifiedInfo, GenerateAliyunBidCertWaysUrl
/// or any other RPC action, validated when built. Safe to share between threads.
#[derive(Debug, Clone)]
pub struct bidcert_operation {
    pub(crate) inner: AnyOperation,
}

/// The RPC action `action` at API `version` going to `target`, sent with `method` (NULL: POST)
/// and `params` (NULL allowed when `params_len` is 0; no common parameters).
pub(crate) unsafe fn rpc_op(
    target: Target,
    action: *const c_char,
    version: *const c_char,
    method: *const c_char,
    params: *const bidcert_param,
    params_len: usize,
) -> Result<RpcCall, bidcert_error> {
    let action = unsafe { str_arg(action, "action") }?;
    let version = unsafe { str_arg(version, "version") }?;
    let method = unsafe { opt_str_arg(method, "method") }?;
    let params = unsafe { params_arg(params, params_len) }?;
    let mut call = match target {
        Target::Product(p) => RpcCall::new(p, action, version)?,
        Target::Endpoint(e) => RpcCall::to_endpoint(e, action, version)?,
    };
    if let Some(m) = method {
        call = call.with_method(m.parse::<Method>()?);
    }
    for (k, v) in params {
        call = call.with_param(k, v)?;
    }
    Ok(call)
}

fn write(out: &mut *mut bidcert_operation, op: impl Into<AnyOperation>) {
    *out = into_object(bidcert_operation { inner: op.into() });
}

/// QueryBidUserCertifiedInfo for customer `pk`, `bid_type` a `bidcert_bid_type`.
///
/// Ownership: `pk` is copied; `*out` is owned by the caller, free it with
/// `bidcert_operation_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`pk`, `out`); `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_INVALID_ENUM` (`bid_type`); `BIDCERT_VALIDATION` (the PK).
#[no_mangle]
pub unsafe extern "C" fn bidcert_operation_new_query(
    pk: *const c_char,
    bid_type: u32,
    out: *mut *mut bidcert_operation,
) -> bidcert_status {
    ffi_status!({
        let pk = unsafe { str_arg(pk, "pk") }?;
        let out = unsafe { out_arg(out, "out") }?;
        let op = QueryCertifiedInfo::new(pk, enum_arg::<bidcert_bid_type>(bid_type, "bid_type")?)?;
        write(out, op);
        Ok(())
    })
}

/// GenerateAliyunBidCertWaysUrl for `request`.
///
/// Ownership: `request` is only read (its strings are copied); `*out` is owned by the caller,
/// free it with `bidcert_operation_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`request`, `request->aliyun_pk`, `out`);
/// `BIDCERT_INVALID_UTF8`; `BIDCERT_INVALID_ENUM`; `BIDCERT_VALIDATION`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_operation_new_cert_ways_url(
    request: *const bidcert_cert_ways_request,
    out: *mut *mut bidcert_operation,
) -> bidcert_status {
    ffi_status!({
        let op = unsafe { cert_ways_op(request) }?;
        write(unsafe { out_arg(out, "out") }?, op);
        Ok(())
    })
}

/// Any RPC `action` of `product` (a `bidcert_product`, whose endpoint the client configures)
/// at API `version`, sent with `method` (`"POST"`, `"GET"`, or NULL for POST) and `params`
/// (NULL allowed when `params_len` is 0; common parameters such as `Timestamp` are refused).
/// Its result is the response's JSON object (`bidcert_call_json`).
///
/// Ownership: every argument is copied; `*out` is owned by the caller, free it with
/// `bidcert_operation_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_INVALID_ENUM` (`product`); `BIDCERT_VALIDATION`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_operation_new_rpc(
    product: u32,
    action: *const c_char,
    version: *const c_char,
    method: *const c_char,
    params: *const bidcert_param,
    params_len: usize,
    out: *mut *mut bidcert_operation,
) -> bidcert_status {
    ffi_status!({
        let out = unsafe { out_arg(out, "out") }?;
        let target = Target::Product(enum_arg::<bidcert_product>(product, "product")?);
        let op = unsafe { rpc_op(target, action, version, method, params, params_len) }?;
        write(out, op);
        Ok(())
    })
}

/// `bidcert_operation_new_rpc` for an action of another product, sent to `endpoint`
/// (`https://host[:port]`) whatever the client's endpoints are.
///
/// Ownership: every argument is copied; `*out` is owned by the caller, free it with
/// `bidcert_operation_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_VALIDATION` (the endpoint, the method, a parameter).
#[no_mangle]
pub unsafe extern "C" fn bidcert_operation_new_rpc_at(
    endpoint: *const c_char,
    action: *const c_char,
    version: *const c_char,
    method: *const c_char,
    params: *const bidcert_param,
    params_len: usize,
    out: *mut *mut bidcert_operation,
) -> bidcert_status {
    ffi_status!({
        let out = unsafe { out_arg(out, "out") }?;
        let endpoint = Endpoint::new(unsafe { str_arg(endpoint, "endpoint") }?)?;
        let target = Target::Endpoint(endpoint);
        let op = unsafe { rpc_op(target, action, version, method, params, params_len) }?;
        write(out, op);
        Ok(())
    })
}

/// Frees an operation (calls started from it keep their own copy). NULL is a no-op.
/// Thread-safety: not concurrently with other uses of `op`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_operation_free(op: *mut bidcert_operation) {
    ffi_void!({ unsafe { free_object(op) } })
}
