//! `bidcert_call`: the core's call engine for a C program with an HTTP stack of its own.
//!
//! The engine decides everything a call decides (retries, backoff, timeouts, the body limit,
//! the headers, clock skew); the driver only sends what `bidcert_call_next_request` hands
//! out and feeds back what came in:
//!
//! ```c
//! bidcert_call_new(client, op, &call);
//! for (;;) {
//!     if (bidcert_call_next_request(call, NULL, &attempt) != BIDCERT_OK) break;  // failed
//!     ... send attempt.method to attempt.url with attempt.headers, within the timeouts ...
//!     ok ? bidcert_call_feed_response(call, status, headers, n, body, len, NULL, &d)
//!        : bidcert_call_feed_transport_error(call, BIDCERT_TRANSPORT_KIND_RESET, why, NULL, &d);
//!     if (d.kind != BIDCERT_DECISION_KIND_RETRY) break;
//!     sleep_ms(d.retry_after_ms);
//! }
//! ```

use std::ffi::c_char;
use std::time::{Duration, SystemTime};

use bidcert_rs::exchange::{AnyOperation, AnyOutput, Call, Decision, Jitter, Response};
use bidcert_rs::{Client, Error, Nonce, QueryCertifiedInfo, TransportError};

use crate::client::bidcert_client;
use crate::convert::{
    bidcert_param, bytes_arg, for_each_param, free_object, get_value, into_object, nonce_arg,
    opt_str_arg, out_arg, ref_arg, str_arg, string_out,
};
use crate::enums::{bidcert_bid_type, bidcert_decision_kind, bidcert_transport_kind, enum_arg};
use crate::error::bidcert_error;
use crate::operation::bidcert_operation;
use crate::results::{
    bidcert_cert_ways_url, bidcert_certified_info, bidcert_certified_info_fields, fields_of, Fields,
};
use crate::signer::{bidcert_cert_ways_request, cert_ways_op};
use crate::status::bidcert_status;

/// The inputs a call would otherwise take from the system, for replaying a call exactly
/// (the test vectors do). Pass NULL instead for the system clock, a random nonce and a random
/// jitter.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_call_inputs {
    /// Our clock, in milliseconds since the Unix epoch (the call adds its clock offset).
    pub now_unix_ms: i64,
    /// `bidcert_call_next_request`: the attempt's `SignatureNonce`, 1 to 128 printable ASCII
    /// characters, new for every attempt; NULL for a random one. Ignored when feeding.
    pub nonce: *const c_char,
    /// Feeding: where in its range a backoff falls, 0.0 (shortest) to 1.0 (longest); clamped,
    /// NaN is 0.5. Ignored by `bidcert_call_next_request`.
    pub jitter: f64,
}

/// One attempt to send, handed out by `bidcert_call_next_request`. Every pointer is borrowed
/// from the call and valid until the next function that takes this call (or its free).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_attempt {
    /// 1 for the first attempt, 2 for the first retry, ...
    pub number: u32,
    /// `"POST"` or `"GET"`.
    pub method: *const c_char,
    /// The URL, signature included. It holds the signature and any security token: do not
    /// log it.
    pub url: *const c_char,
    /// Every header to send (`Accept`, `User-Agent`, ...), `headers_len` of them.
    pub headers: *const bidcert_param,
    /// The number of `headers`.
    pub headers_len: usize,
    /// The body to send, `body_len` bytes (NULL when empty).
    pub body: *const u8,
    /// The length of `body`.
    pub body_len: usize,
    /// Give up the whole attempt (connect, send, read the last byte) after this long.
    pub timeout_ms: u64,
    /// Give up connecting after this long.
    pub connect_timeout_ms: u64,
    /// The largest body the call accepts: read at most one byte more, and feed what you read.
    pub max_body_bytes: u64,
    /// The signed `Timestamp` (`YYYY-MM-DDThh:mm:ssZ`, clock offset included).
    pub timestamp: *const c_char,
}

/// What the engine decided after an attempt.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_decision {
    /// Done, retry or fail.
    pub kind: bidcert_decision_kind,
    /// For a retry: wait this long before `bidcert_call_next_request` (0 otherwise).
    pub retry_after_ms: u64,
}

/// One API call in progress (opaque). Use it from one thread at a time (it may move between
/// threads); many calls may share one client concurrently.
#[derive(Debug)]
pub struct bidcert_call {
    client: Client,
    call: Call<AnyOperation>,
    in_flight: bool,
    attempt: Sent,
    outcome: Outcome,
    // The C strings `bidcert_call_certified_info_fields` lends, made on first use.
    fields: std::sync::OnceLock<Fields>,
}

/// The attempt in flight, as the C strings the `bidcert_attempt` points into: every one in a
/// single buffer (the URL, the timestamp, then each header's name and value, NUL-terminated),
/// so an attempt costs two allocations, not two per header.
#[derive(Debug, Default)]
struct Sent {
    text: Vec<u8>,
    timestamp_at: usize,
    headers: Vec<bidcert_param>,
    body: Vec<u8>,
}

impl Sent {
    fn new(attempt: &bidcert_rs::exchange::Attempt<'_>) -> Result<Sent, bidcert_error> {
        let signed_at = attempt.request().timestamp();
        let (url, timestamp) = (attempt.url(), signed_at.as_str());
        let size = attempt
            .headers()
            .fold(url.len() + timestamp.len() + 2, |n, (k, v)| {
                n + k.len() + v.len() + 2
            });
        let mut text = Vec::with_capacity(size);
        for s in [url, timestamp]
            .into_iter()
            .chain(attempt.headers().flat_map(|(k, v)| [k, v]))
        {
            if s.as_bytes().contains(&0) {
                return Err(bidcert_error::internal("the attempt holds a NUL byte"));
            }
            text.extend_from_slice(s.as_bytes());
            text.push(0);
        }
        // The buffer is complete and never grows again: pointers into it stay valid. Each
        // header's strings start where the lengths before them say.
        let base = text.as_ptr().cast::<c_char>();
        let mut at = url.len() + timestamp.len() + 2;
        let headers = attempt
            .headers()
            .map(|(k, v)| {
                // SAFETY: `at` stays within `text`, whose layout was written just above.
                let key = unsafe { base.add(at) };
                at += k.len() + 1;
                let value = unsafe { base.add(at) };
                at += v.len() + 1;
                bidcert_param { key, value }
            })
            .collect();
        Ok(Sent {
            headers,
            body: attempt.body().to_vec(),
            timestamp_at: url.len() + 1,
            text,
        })
    }

    fn url(&self) -> *const c_char {
        self.text.as_ptr().cast()
    }

    fn timestamp(&self) -> *const c_char {
        self.text[self.timestamp_at..].as_ptr().cast()
    }
}

#[derive(Debug)]
enum Outcome {
    Pending,
    Retrying(Error),
    Done(AnyOutput),
    Failed(Error),
}

fn misuse(why: &str) -> bidcert_error {
    bidcert_error::validation("call", why)
}

/// The inputs' time, or the system's.
fn now(inputs: Option<&bidcert_call_inputs>) -> SystemTime {
    match inputs {
        Some(i) if i.now_unix_ms >= 0 => {
            SystemTime::UNIX_EPOCH + Duration::from_millis(i.now_unix_ms.unsigned_abs())
        }
        Some(i) => SystemTime::UNIX_EPOCH - Duration::from_millis(i.now_unix_ms.unsigned_abs()),
        None => SystemTime::now(),
    }
}

fn jitter(inputs: Option<&bidcert_call_inputs>) -> Jitter {
    inputs.map_or_else(Jitter::random, |i| Jitter::new(i.jitter))
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl bidcert_call {
    /// Records a decision, hands the clock offset back to the client once the call has its
    /// answer, and says what the driver does next.
    fn decide(&mut self, decision: Decision<AnyOutput>) -> bidcert_decision {
        self.in_flight = false;
        let (kind, after, outcome) = match decision {
            Decision::Done(v) => (
                bidcert_decision_kind::BIDCERT_DECISION_KIND_DONE,
                0,
                Outcome::Done(v),
            ),
            Decision::Retry { after, cause } => (
                bidcert_decision_kind::BIDCERT_DECISION_KIND_RETRY,
                millis(after),
                Outcome::Retrying(cause),
            ),
            Decision::Fail(e) => (
                bidcert_decision_kind::BIDCERT_DECISION_KIND_FAIL,
                0,
                Outcome::Failed(e),
            ),
        };
        self.outcome = outcome;
        if self.call.is_finished() {
            self.client.finish(&self.call);
        }
        bidcert_decision {
            kind,
            retry_after_ms: after,
        }
    }

    fn expect_in_flight(&self) -> Result<(), bidcert_error> {
        if self.in_flight {
            Ok(())
        } else {
            Err(misuse(
                "no attempt is in flight: bidcert_call_next_request first, and feed it once",
            ))
        }
    }

    fn output(&self) -> Result<&AnyOutput, bidcert_error> {
        match &self.outcome {
            Outcome::Done(v) => Ok(v),
            _ => Err(misuse("has no result: it is not done")),
        }
    }
}

/// A call of `op` under `client`'s policy, credentials and learned clock offset. When the call
/// comes to its decision it hands back to the client, for later calls, the clock offset it
/// learned and the credentials the server refused as expired (the client fetches new ones).
///
/// Ownership: `op` is copied (free it whenever you like); the call keeps its own reference to
/// the client's shared state, so the client may be freed first. `*out` is owned by the caller,
/// free it with `bidcert_call_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`client`, `op`, `out`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_new(
    client: *const bidcert_client,
    op: *const bidcert_operation,
    out: *mut *mut bidcert_call,
) -> bidcert_status {
    ffi_status!({
        let client = unsafe { ref_arg(client, "client") }?;
        let op = unsafe { ref_arg(op, "op") }?;
        let out = unsafe { out_arg(out, "out") }?;
        *out = new_call(client, op.inner.clone());
        Ok(())
    })
}

fn new_call(client: &bidcert_client, op: AnyOperation) -> *mut bidcert_call {
    into_object(bidcert_call {
        call: client.inner.start(op),
        client: client.inner.clone(),
        in_flight: false,
        attempt: Sent::default(),
        outcome: Outcome::Pending,
        fields: std::sync::OnceLock::new(),
    })
}

/// `bidcert_operation_new_query` and `bidcert_call_new` in one: a call of
/// QueryBidUserCertifiedInfo for customer `pk` (`bid_type` a `bidcert_bid_type`), with no
/// operation to free. A binding that crosses into C at a cost makes one crossing, not three.
///
/// Ownership: `pk` is copied; `*out` is owned by the caller, free it with `bidcert_call_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`client`, `pk`, `out`);
/// `BIDCERT_INVALID_UTF8`; `BIDCERT_INVALID_ENUM` (`bid_type`); `BIDCERT_VALIDATION` (the PK).
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_new_query(
    client: *const bidcert_client,
    pk: *const c_char,
    bid_type: u32,
    out: *mut *mut bidcert_call,
) -> bidcert_status {
    ffi_status!({
        let client = unsafe { ref_arg(client, "client") }?;
        let pk = unsafe { str_arg(pk, "pk") }?;
        let out = unsafe { out_arg(out, "out") }?;
        let op = QueryCertifiedInfo::new(pk, enum_arg::<bidcert_bid_type>(bid_type, "bid_type")?)?;
        *out = new_call(client, op.into());
        Ok(())
    })
}

/// `bidcert_operation_new_cert_ways_url` and `bidcert_call_new` in one: a call of
/// GenerateAliyunBidCertWaysUrl for `request`, with no operation to free.
///
/// Ownership: `request` is only read (its strings are copied); `*out` is owned by the caller,
/// free it with `bidcert_call_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`client`, `request`,
/// `request->aliyun_pk`, `out`); `BIDCERT_INVALID_UTF8`; `BIDCERT_INVALID_ENUM`;
/// `BIDCERT_VALIDATION` (the PK).
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_new_cert_ways_url(
    client: *const bidcert_client,
    request: *const bidcert_cert_ways_request,
    out: *mut *mut bidcert_call,
) -> bidcert_status {
    ffi_status!({
        let client = unsafe { ref_arg(client, "client") }?;
        let op = unsafe { cert_ways_op(request) }?;
        let out = unsafe { out_arg(out, "out") }?;
        *out = new_call(client, op.into());
        Ok(())
    })
}

/// Starts the call from a clock offset other than the client's (server minus ours, in
/// seconds): one a previous process learned, or a test vector's. Only before the first attempt.
///
/// Thread-safety: not concurrently with other uses of `call`.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_VALIDATION` (an attempt was made).
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_set_clock_offset(
    call: *mut bidcert_call,
    seconds: i64,
) -> bidcert_status {
    ffi_status!({
        let c = unsafe { out_arg(call, "call") }?;
        c.call.set_clock_offset(seconds)?;
        Ok(())
    })
}

/// The next attempt, signed afresh (new timestamp and nonce) with the client's current
/// credentials (refreshed first when due, or when the server refused the last attempt's as
/// expired), into `*out`; a fetch (a file, STS, the metadata service) blocks here, within the
/// provider's own timeouts. `inputs` NULL: the system clock and a random nonce.
///
/// A failure here ends the call (`bidcert_call_error` gives it too): the budget is spent
/// (`BIDCERT_TIMEOUT`), no valid credentials can be had (`BIDCERT_CREDENTIALS`), or the
/// operation cannot be signed. Asking again while an attempt is in
/// flight, or after the call has its decision, is `BIDCERT_VALIDATION` and changes nothing.
/// Ownership: `*out`'s pointers are borrowed from the call (see `bidcert_attempt`).
/// Thread-safety: not concurrently with other uses of `call`.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`call`, `out`); `BIDCERT_INVALID_UTF8`
/// (`inputs->nonce`); `BIDCERT_VALIDATION` (misuse, a bad nonce); `BIDCERT_TIMEOUT`;
/// `BIDCERT_CREDENTIALS`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_next_request(
    call: *mut bidcert_call,
    inputs: *const bidcert_call_inputs,
    out: *mut bidcert_attempt,
) -> bidcert_status {
    ffi_status!({
        let c = unsafe { out_arg(call, "call") }?;
        // SAFETY: NULL or readable, by the contract.
        let inputs = unsafe { inputs.as_ref() };
        let out = unsafe { out_arg(out, "out") }?;
        if c.in_flight {
            return Err(misuse("an attempt is in flight: feed its answer first"));
        }
        if c.call.is_finished() || matches!(c.outcome, Outcome::Failed(_)) {
            return Err(misuse("has its decision: it makes no more attempts"));
        }
        let nonce = match inputs {
            Some(i) => unsafe { nonce_arg(i.nonce, "inputs.nonce") }?,
            None => Nonce::random(),
        };
        // The provider's current credentials, fetched anew when the server refused the last
        // attempt's as expired; without any, the call ends (it has no keys to sign with).
        let signer = match c.client.next_signer(&c.call) {
            Ok(s) => s,
            Err(e) => {
                c.outcome = Outcome::Failed(e.clone());
                c.client.finish(&c.call);
                return Err(e.into());
            }
        };
        let attempt = match c.call.next_request(&signer, now(inputs), &nonce) {
            Ok(a) => a,
            Err(e) => {
                if c.call.is_finished() {
                    c.outcome = Outcome::Failed(e.clone());
                    c.client.finish(&c.call);
                }
                return Err(e.into());
            }
        };
        let sent = Sent::new(&attempt)?;
        let method = match attempt.method() {
            bidcert_rs::Method::Get => c"GET",
            bidcert_rs::Method::Post => c"POST",
        };
        *out = bidcert_attempt {
            number: attempt.number(),
            method: method.as_ptr(),
            url: sent.url(),
            headers: sent.headers.as_ptr(),
            headers_len: sent.headers.len(),
            body: if sent.body.is_empty() {
                std::ptr::null()
            } else {
                sent.body.as_ptr()
            },
            body_len: sent.body.len(),
            timeout_ms: millis(attempt.timeout()),
            connect_timeout_ms: millis(attempt.connect_timeout()),
            max_body_bytes: attempt.max_body_bytes() as u64,
            timestamp: sent.timestamp(),
        };
        // The Vecs' heap buffers do not move with `Sent`.
        c.attempt = sent;
        c.in_flight = true;
        Ok(())
    })
}

/// Feeds the response to the attempt in flight: its HTTP `status`, its `headers` (all of them
/// or only those the engine reads: `Date`, `x-acs-request-id`, `Retry-After`,
/// `x-acs-retry-after`; NULL allowed when `headers_len` is 0) and the body as read (at most
/// `max_body_bytes + 1` bytes). Writes the decision into `*out`. `inputs` NULL: the system
/// clock and a random jitter.
///
/// Ownership: everything is only read. Thread-safety: not concurrently with other uses of
/// `call`.
/// Returns: `BIDCERT_OK` with a decision (a failure is a `BIDCERT_DECISION_KIND_FAIL` decision, not
/// a status); `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8` (a header);
/// `BIDCERT_VALIDATION` (no attempt in flight).
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_feed_response(
    call: *mut bidcert_call,
    status: u16,
    headers: *const bidcert_param,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
    inputs: *const bidcert_call_inputs,
    out: *mut bidcert_decision,
) -> bidcert_status {
    ffi_status!({
        let c = unsafe { out_arg(call, "call") }?;
        let body = unsafe { bytes_arg(body, body_len, "body") }?;
        let mut response = Response::new(status, body);
        unsafe {
            for_each_param(headers, headers_len, "headers", |k, v| {
                response = response.with_header(k, v)
            })
        }?;
        // SAFETY: NULL or readable, by the contract.
        let inputs = unsafe { inputs.as_ref() };
        let out = unsafe { out_arg(out, "out") }?;
        c.expect_in_flight()?;
        let decision = c.call.on_response(&response, now(inputs), jitter(inputs));
        *out = c.decide(decision);
        Ok(())
    })
}

/// Feeds a transport failure of the attempt in flight: `kind` (a `bidcert_transport_kind`)
/// and the HTTP stack's `message` (NULL for none; never put a secret in it). Writes the
/// decision into `*out`. `inputs` NULL: the system clock and a random jitter.
///
/// Ownership: everything is only read. Thread-safety: not concurrently with other uses of
/// `call`.
/// Returns: `BIDCERT_OK` with a decision; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_INVALID_ENUM` (`kind`); `BIDCERT_VALIDATION` (no attempt in flight).
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_feed_transport_error(
    call: *mut bidcert_call,
    kind: u32,
    message: *const c_char,
    inputs: *const bidcert_call_inputs,
    out: *mut bidcert_decision,
) -> bidcert_status {
    ffi_status!({
        let c = unsafe { out_arg(call, "call") }?;
        let kind = enum_arg::<bidcert_transport_kind>(kind, "kind")?;
        let message = unsafe { opt_str_arg(message, "message") }?.unwrap_or("");
        // SAFETY: NULL or readable, by the contract.
        let inputs = unsafe { inputs.as_ref() };
        let out = unsafe { out_arg(out, "out") }?;
        c.expect_in_flight()?;
        let error = TransportError::new(kind, message);
        let decision = c
            .call
            .on_transport_error(error, now(inputs), jitter(inputs));
        *out = c.decide(decision);
        Ok(())
    })
}

/// Why the call failed (after a `BIDCERT_DECISION_KIND_FAIL`, or a failed
/// `bidcert_call_next_request`), or why the last attempt is retried (after a
/// `BIDCERT_DECISION_KIND_RETRY`), into `*out`; NULL when there is neither.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_error_free`.
/// Thread-safety: not concurrently with functions that change `call`.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_error(
    call: *const bidcert_call,
    out: *mut *mut bidcert_error,
) -> bidcert_status {
    ffi_status!({
        let c = unsafe { ref_arg(call, "call") }?;
        let out = unsafe { out_arg(out, "out") }?;
        *out = match &c.outcome {
            Outcome::Failed(e) | Outcome::Retrying(e) => {
                into_object(bidcert_error::from(e.clone()))
            }
            _ => std::ptr::null_mut(),
        };
        Ok(())
    })
}

/// The result of a done QueryBidUserCertifiedInfo call (a copy) into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_certified_info_free`.
/// Thread-safety: not concurrently with functions that change `call`.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_VALIDATION` (not done, or another
/// operation).
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_certified_info(
    call: *const bidcert_call,
    out: *mut *mut bidcert_certified_info,
) -> bidcert_status {
    ffi_status!({
        let c = unsafe { ref_arg(call, "call") }?;
        let out = unsafe { out_arg(out, "out") }?;
        match c.output()? {
            AnyOutput::CertifiedInfo(i) => {
                *out = into_object(bidcert_certified_info::new(i.clone()))
            }
            _ => return Err(misuse("is not a QueryBidUserCertifiedInfo call")),
        }
        Ok(())
    })
}

/// Every field of a done QueryBidUserCertifiedInfo call's result into `*out`, borrowed from
/// the call: `bidcert_call_certified_info` and `bidcert_certified_info_get_fields` in one,
/// without the copy. The personal data is verbatim (see `bidcert_certified_info_fields`).
///
/// Ownership: the strings are valid until `bidcert_call_free`.
/// Thread-safety: not concurrently with functions that change `call`.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_VALIDATION` (not done, or another
/// operation).
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_certified_info_fields(
    call: *const bidcert_call,
    out: *mut bidcert_certified_info_fields,
) -> bidcert_status {
    ffi_status!({
        let c = unsafe { ref_arg(call, "call") }?;
        let out = unsafe { out_arg(out, "out") }?;
        match c.output()? {
            AnyOutput::CertifiedInfo(i) => *out = fields_of(i, &c.fields),
            _ => return Err(misuse("is not a QueryBidUserCertifiedInfo call")),
        }
        Ok(())
    })
}

/// The result of a done GenerateAliyunBidCertWaysUrl call (a copy) into `*out`: it expires 3
/// hours after the successful attempt's timestamp.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_cert_ways_url_free`.
/// Thread-safety: not concurrently with functions that change `call`.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_VALIDATION` (not done, or another
/// operation).
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_cert_ways_url(
    call: *const bidcert_call,
    out: *mut *mut bidcert_cert_ways_url,
) -> bidcert_status {
    ffi_status!({
        let c = unsafe { ref_arg(call, "call") }?;
        let out = unsafe { out_arg(out, "out") }?;
        match c.output()? {
            AnyOutput::CertWaysUrl(u) => *out = into_object(bidcert_cert_ways_url::new(u.clone())),
            _ => return Err(misuse("is not a GenerateAliyunBidCertWaysUrl call")),
        }
        Ok(())
    })
}

/// The result of a done RPC call (`bidcert_operation_new_rpc`): the response's JSON object,
/// as text, into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: not concurrently with functions that change `call`.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_VALIDATION` (not done, or an
/// operation whose result is not JSON).
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_json(
    call: *const bidcert_call,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        let c = unsafe { ref_arg(call, "call") }?;
        unsafe { out_arg(out, "out") }?;
        match c.output()? {
            AnyOutput::Json(v) => unsafe { string_out(out, v.to_string()) },
            _ => Err(misuse(
                "is not an RPC call: read its result with bidcert_call_certified_info or _cert_ways_url",
            )),
        }
    })
}

/// The number of attempts handed out so far into `*out`.
///
/// Thread-safety: not concurrently with functions that change `call`.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_attempts(
    call: *const bidcert_call,
    out: *mut u32,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(call, "call", out, |c| c.call.attempts()) } })
}

/// The clock offset the call uses (server minus ours, in seconds): the client's when it
/// started, or what a timestamp error's `Date` showed since, into `*out_seconds`.
///
/// Thread-safety: not concurrently with functions that change `call`.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_clock_offset(
    call: *const bidcert_call,
    out_seconds: *mut i64,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(call, "call", out_seconds, |c| c.call.clock_offset()) } })
}

/// Frees a call, finished or not (an unfinished call is simply abandoned). NULL is a no-op.
/// Thread-safety: not concurrently with other uses of `call`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_call_free(call: *mut bidcert_call) {
    ffi_void!({ unsafe { free_object(call) } })
}
