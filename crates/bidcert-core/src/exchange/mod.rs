//! The call engine: one API call as a pure state machine, the same in every binding.
//!
//! A [`Call`] hands out the next signed request for a given time and nonce
//! ([`Call::next_request`]), is fed what the driver's HTTP stack saw — the response
//! ([`Call::on_response`]) or a classified transport failure
//! ([`Call::on_transport_error`]) — and answers a [`Decision`]: done, retry after a delay
//! (the next request is signed afresh, with a new nonce), or fail. Which failures are
//! retried, the backoff, the attempts, the time budget, the body limit, the user agent,
//! clock-skew correction and the retry after the server refused expired temporary credentials
//! are all decided here, once; a driver only moves bytes. It reads no clock and no randomness:
//! the time, the nonce and the [`Jitter`] are inputs.
//!
//! When a response says the STS security token has expired, the call retries once at once
//! and [`Call::rejected_credentials`] names the AccessKeyId refused, so that the driver signs
//! the retry with refreshed credentials (the `bidcert` client does).
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use bidcert_core::exchange::{Call, Decision, Jitter, Policy, Response};
//! use bidcert_core::{BidType, Credentials, Nonce, QueryCertifiedInfo, Signer};
//!
//! let signer = Signer::new(Credentials::new("LTAI5tExample", "secret")?);
//! let op = QueryCertifiedInfo::new("1000000000000002", BidType::Normal)?;
//! let mut call = Call::new(&op, Policy::default());
//! let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
//!
//! let attempt = call.next_request(&signer, start, &Nonce::random())?;
//! assert_eq!(attempt.method().as_str(), "POST");
//! // ... send attempt.url() with attempt.headers(); the server is busy:
//! let busy = Response::new(503, br#"{"Code":"ServiceUnavailable","Message":"busy"}"#);
//! let Decision::Retry { after, .. } = call.on_response(&busy, start, Jitter::new(0.0)) else {
//!     panic!("a 503 is retried")
//! };
//! assert_eq!(after, Duration::from_millis(100));
//!
//! let later = start + after;
//! call.next_request(&signer, later, &Nonce::random())?; // signed afresh
//! let ok = Response::new(200, br#"{"requestId":"r","result":"{\"isCertified\":\"1\"}"}"#);
//! let Decision::Done(info) = call.on_response(&ok, later, Jitter::random()) else { panic!() };
//! assert!(info.is_certified());
//! assert_eq!(call.attempts(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod operation;
mod policy;
mod wire;

pub use operation::{AnyOperation, AnyOutput, Exchange};
pub use policy::{Jitter, Policy, ACCEPT, USER_AGENT};
pub use wire::{Attempt, Response};

use std::time::{Duration, SystemTime};

use crate::clock::{Nonce, Timestamp};
use crate::diagnose::diagnose_signature_mismatch;
use crate::error::{
    ApiError, ApiErrorKind, Error, ParseError, TransportError, TransportKind, ValidationError,
};
use crate::sign::{SignedRequest, Signer};
use crate::temporary::EXPIRED_SECURITY_TOKEN;

/// What to do after an attempt.
#[derive(Debug)]
#[must_use]
pub enum Decision<T> {
    /// The call succeeded.
    Done(T),
    /// Wait `after`, then ask [`Call::next_request`] for a new attempt.
    Retry {
        /// How long to wait (zero after a clock-skew correction).
        after: Duration,
        /// Why the attempt failed, for logs.
        cause: Error,
    },
    /// The call failed; no further attempt can help.
    Fail(Error),
}

/// One API call: its operation, its policy, and how far it has got.
///
/// See the [module documentation](self) for the protocol.
#[derive(Debug)]
pub struct Call<O> {
    op: O,
    policy: Policy,
    clock_offset: i64,
    attempts: u32,
    started: Option<SystemTime>,
    in_flight: Option<InFlight>,
    corrected_skew: bool,
    renewed_credentials: bool,
    rejected: Option<String>,
    finished: bool,
}

#[derive(Debug)]
struct InFlight {
    request: SignedRequest,
    // Our clock when it was signed, before the clock offset.
    sent_at: SystemTime,
    // Whose credentials signed it, to name them when the server refuses them as expired.
    access_key_id: String,
}

impl<O: Exchange> Call<O> {
    /// A call of `op` under `policy`, with no clock offset.
    pub fn new(op: O, policy: Policy) -> Self {
        Call {
            op,
            policy,
            clock_offset: 0,
            attempts: 0,
            started: None,
            in_flight: None,
            corrected_skew: false,
            renewed_credentials: false,
            rejected: None,
            finished: false,
        }
    }

    /// Starts from a known clock offset (server minus ours, in seconds), as a client learned
    /// it from earlier calls: every request is timestamped with our clock plus it.
    pub fn with_clock_offset(mut self, seconds: i64) -> Self {
        self.clock_offset = seconds;
        self
    }

    /// Sets the clock offset [`Call::with_clock_offset`] would have started from, on a call
    /// already made; only before its first attempt (after that, the offset is the call's own:
    /// what the server's `Date` showed).
    pub fn set_clock_offset(&mut self, seconds: i64) -> Result<(), Error> {
        if self.attempts > 0 || self.finished {
            return Err(misuse(
                "has made an attempt: set the clock offset before the first",
            ));
        }
        self.clock_offset = seconds;
        Ok(())
    }

    /// The clock offset in use: the one given, or the last one a timestamp error's `Date`
    /// showed. Keep it for later calls.
    pub fn clock_offset(&self) -> i64 {
        self.clock_offset
    }

    /// Attempts handed out so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The operation.
    pub fn operation(&self) -> &O {
        &self.op
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The AccessKeyId whose security token the server refused as expired in the last
    /// attempt: sign the next attempt (the call retries once for that) or the next call with
    /// credentials refreshed since, as the same ones would be refused again. Cleared by the
    /// next request.
    pub fn rejected_credentials(&self) -> Option<&str> {
        self.rejected.as_deref()
    }

    /// Whether the call has come to its decision (done or failed).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The next attempt: `op` signed by `signer` at `now` (our clock, plus the clock offset)
    /// with `nonce`, which must be new for every attempt.
    ///
    /// Fails when the call has finished, when an attempt is still in flight, when the call's
    /// budget is spent, or when signing refuses the operation.
    pub fn next_request(
        &mut self,
        signer: &Signer,
        now: SystemTime,
        nonce: &Nonce,
    ) -> Result<Attempt<'_>, Error> {
        if self.finished {
            return Err(misuse("the call has finished"));
        }
        if self.in_flight.is_some() {
            return Err(misuse(
                "an attempt is in flight: feed its response or transport error first",
            ));
        }
        let started = *self.started.get_or_insert(now);
        let left = self
            .policy
            .budget()
            .checked_sub(now.duration_since(started).unwrap_or_default())
            .filter(|left| !left.is_zero());
        let Some(left) = left else {
            self.finished = true;
            return Err(TransportError::new(
                TransportKind::Timeout,
                format!("the call's budget of {:?} is spent", self.policy.budget()),
            )
            .into());
        };
        let signed = unix_seconds(now)
            .checked_add(self.clock_offset)
            .ok_or_else(|| ValidationError::new("Timestamp", "out of range"))
            .and_then(Timestamp::from_unix)
            .and_then(|timestamp| {
                self.op
                    .prepare(signer, self.policy.signature_version(), timestamp, nonce)
            });
        let request = match signed {
            Ok(request) => request,
            Err(e) => {
                self.finished = true;
                return Err(e.into());
            }
        };
        self.attempts += 1;
        self.rejected = None;
        let flight = self.in_flight.insert(InFlight {
            request,
            sent_at: now,
            access_key_id: signer.credentials().access_key_id().to_owned(),
        });
        Ok(Attempt {
            request: &flight.request,
            number: self.attempts,
            timeout: left.min(self.policy.attempt_timeout()),
            policy: &self.policy,
        })
    }

    /// Feeds the response to the attempt in flight, read at `now` (our clock).
    pub fn on_response(
        &mut self,
        response: &Response<'_>,
        now: SystemTime,
        jitter: Jitter,
    ) -> Decision<O::Output> {
        let Some(flight) = self.in_flight.take() else {
            return self.fail(misuse("no attempt is in flight"));
        };
        let (status, body) = (response.status(), response.body());
        let limit = self.policy.max_body_bytes();
        if body.len() > limit {
            let why = format!("the body is larger than the limit of {limit} bytes");
            return self.fail(ParseError::new(status, why, body).into());
        }
        let error = match self.op.parse_response(status, body, &flight.request) {
            Ok(value) => {
                self.finished = true;
                return Decision::Done(value);
            }
            Err(Error::Api(e)) => e,
            Err(other) => return self.decide(other, response.retry_hint(), now, jitter),
        };
        let error = explain(error, response, &flight);
        if error.code() == EXPIRED_SECURITY_TOKEN {
            self.rejected = Some(flight.access_key_id);
            if self.may_retry_once(self.renewed_credentials, now) {
                // Temporary credentials can expire early (revoked, or the issuer's clock is
                // ahead of ours): one retry, at once, with refreshed ones.
                self.renewed_credentials = true;
                return Decision::Retry {
                    after: Duration::ZERO,
                    cause: Error::Api(error),
                };
            }
        }
        if let Some(offset) = error.clock_offset() {
            // Kept even when this call cannot retry: the next one starts on time.
            let retry = self.may_correct_skew(offset, now);
            self.clock_offset = offset;
            if retry {
                self.corrected_skew = true;
                return Decision::Retry {
                    after: Duration::ZERO,
                    cause: Error::Api(error),
                };
            }
        }
        self.decide(Error::Api(error), response.retry_hint(), now, jitter)
    }

    /// Feeds a transport failure of the attempt in flight, seen at `now` (our clock).
    pub fn on_transport_error(
        &mut self,
        error: TransportError,
        now: SystemTime,
        jitter: Jitter,
    ) -> Decision<O::Output> {
        if self.in_flight.take().is_none() {
            return self.fail(misuse("no attempt is in flight"));
        }
        self.decide(error.into(), None, now, jitter)
    }

    /// One correction per call, only when it changes the offset, and only while attempts
    /// and budget remain.
    fn may_correct_skew(&self, offset: i64, now: SystemTime) -> bool {
        offset != self.clock_offset && self.may_retry_once(self.corrected_skew, now)
    }

    /// A one-off retry that has not been `used` yet, while attempts and budget remain.
    fn may_retry_once(&self, used: bool, now: SystemTime) -> bool {
        !used
            && self.attempts < self.policy.max_attempts()
            && self.elapsed(now) < self.policy.budget()
    }

    fn decide(
        &mut self,
        error: Error,
        hint: Option<Duration>,
        now: SystemTime,
        jitter: Jitter,
    ) -> Decision<O::Output> {
        if !error.is_retryable() || self.attempts >= self.policy.max_attempts() {
            return self.fail(error);
        }
        // The server's hint wins over a shorter backoff; the budget bounds both.
        let after = self
            .policy
            .backoff(self.attempts, jitter)
            .max(hint.unwrap_or_default());
        // A hint can be any number of seconds: one past the clock's range is past the budget.
        let at = self.elapsed(now).checked_add(after);
        if at.is_none_or(|at| at >= self.policy.budget()) {
            return self.fail(error);
        }
        Decision::Retry {
            after,
            cause: error,
        }
    }

    fn fail(&mut self, error: Error) -> Decision<O::Output> {
        self.finished = true;
        Decision::Fail(error)
    }

    fn elapsed(&self, now: SystemTime) -> Duration {
        self.started
            .and_then(|s| now.duration_since(s).ok())
            .unwrap_or_default()
    }
}

/// What the server's answer alone does not say: its request id from the header, the
/// mismatch diagnosis, and the clock offset its `Date` shows.
fn explain(mut e: ApiError, response: &Response<'_>, flight: &InFlight) -> ApiError {
    if e.request_id().is_none() {
        if let Some(id) = response.request_id() {
            e = e.with_request_id(id);
        }
    }
    match e.kind() {
        ApiErrorKind::SignatureMismatch => {
            let d = match flight.request.canonical_request() {
                Some(ours) => crate::v3::diagnose_signature_mismatch(e.message(), ours),
                None => diagnose_signature_mismatch(e.message(), flight.request.string_to_sign()),
            };
            e.with_diagnosis(d)
        }
        ApiErrorKind::Timestamp => match response.date() {
            Some(server) => {
                e.with_clock_offset(unix_seconds(server) - unix_seconds(flight.sent_at))
            }
            None => e,
        },
        _ => e,
    }
}

fn misuse(why: &str) -> Error {
    ValidationError::new("call", why).into()
}

fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            -i64::try_from(before.duration().as_secs_f64().ceil() as u64).unwrap_or(i64::MAX)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BidType, Credentials, QueryCertifiedInfo};

    // Found writing the exchange fuzz target: a Retry-After of u64::MAX seconds, a second
    // into the call, overflowed the budget check's addition and panicked.
    #[test]
    fn a_retry_hint_past_the_clocks_range_fails_the_call() {
        let signer = Signer::new(Credentials::new("id", "secret").unwrap());
        let op = QueryCertifiedInfo::new("1000000000000002", BidType::Normal).unwrap();
        let mut call = Call::new(&op, Policy::default());
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_420_800);
        call.next_request(&signer, start, &Nonce::new("n1").unwrap())
            .unwrap();
        let busy = Response::new(503, br#"{"Code":"ServiceUnavailable"}"#)
            .with_header("Retry-After", "18446744073709551615");
        let later = start + Duration::from_secs(2);
        let decision = call.on_response(&busy, later, Jitter::new(0.0));
        assert!(matches!(decision, Decision::Fail(_)), "{decision:?}");
    }

    #[test]
    fn the_clock_offset_is_set_before_the_first_attempt_only() {
        let signer = Signer::new(Credentials::new("id", "secret").unwrap());
        let op = QueryCertifiedInfo::new("1000000000000002", BidType::Normal).unwrap();
        let mut call = Call::new(&op, Policy::default());
        call.set_clock_offset(120).unwrap();
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_420_800);
        let attempt = call
            .next_request(&signer, start, &Nonce::new("n1").unwrap())
            .unwrap();
        assert!(attempt.url().contains("Timestamp=2026-11-23T08%3A02%3A00Z"));
        assert!(call.set_clock_offset(0).is_err());
        assert_eq!(call.clock_offset(), 120);
    }
}
