//! One call's attempts, whichever HTTP stack moves the bytes: the blocking transport (ureq)
//! and the async one (reqwest) both go through [`Drive`], so that what happens between two
//! attempts (signing, the engine's decision, the logs, an expired credential refused twice)
//! is written once. The engine decides; this only sequences it.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bidcert_core::exchange::{Attempt, Call, Decision, Exchange, Jitter, Policy, Response};
use bidcert_core::{Error, Nonce, Signer, TransportError};
use log::{debug, warn};

/// A call under way: the engine's [`Call`] plus what its driver must remember between
/// attempts.
pub(crate) struct Drive<'o, O: Exchange + ?Sized> {
    op: &'o O,
    call: Call<&'o O>,
    // The server's refusal of expired credentials, kept until the next attempt shows whether
    // other credentials came.
    refused: Option<Error>,
    // The attempt in flight, for the logs: its signer names the host.
    signer: Option<Arc<Signer>>,
    number: u32,
    sent: Instant,
}

/// What the driver does next.
pub(crate) enum Step<T> {
    /// Waits this long, then asks for the next attempt.
    Wait(Duration),
    /// The call's outcome.
    Finish(Result<T, Error>),
}

impl<'o, O: Exchange + ?Sized> Drive<'o, O> {
    /// A call of `op` under `policy`, timestamped with our clock plus `clock_offset`.
    pub(crate) fn new(op: &'o O, policy: &Policy, clock_offset: i64) -> Self {
        Drive {
            op,
            call: Call::new(op, policy.clone()).with_clock_offset(clock_offset),
            refused: None,
            signer: None,
            number: 0,
            sent: Instant::now(),
        }
    }

    /// The call as it stands: what the signer of the next attempt is chosen for.
    pub(crate) fn call(&self) -> &Call<&'o O> {
        &self.call
    }

    /// The call, for what it learned (the clock offset, refused credentials).
    pub(crate) fn into_call(self) -> Call<&'o O> {
        self.call
    }

    /// The next attempt, signed by `signer` (what the client answered for [`Drive::call`]),
    /// or the call's outcome when there is none.
    pub(crate) fn attempt(
        &mut self,
        signer: Result<Arc<Signer>, Error>,
    ) -> Result<Attempt<'_>, Error> {
        let signer = signer?;
        if let (Some(id), Some(cause)) = (self.call.rejected_credentials(), self.refused.take()) {
            // The server refused these credentials as expired and no others came.
            if signer.credentials().access_key_id() == id {
                return Err(cause);
            }
        }
        self.sent = Instant::now();
        let signer = &*self.signer.insert(signer);
        let attempt = self
            .call
            .next_request(signer, SystemTime::now(), &Nonce::random())?;
        self.number = attempt.number();
        Ok(attempt)
    }

    /// Feeds what the attempt's sending gave to the engine: wait and try again, or finish.
    pub(crate) fn received(&mut self, sent: Result<Received, TransportError>) -> Step<O::Output> {
        let (op, number) = (self.op.action(), self.number);
        // Only formatted when the record is logged.
        let host = Host(self.signer.as_deref(), self.op);
        let latency = self.sent.elapsed().as_millis();
        let decision = match sent {
            Ok(received) => {
                let response = received.response();
                debug!(
                    target: "bidcert",
                    "action={op} host={host} attempt={number} status={} request_id={} latency_ms={latency}",
                    response.status(),
                    response.request_id().unwrap_or("-"),
                );
                self.call
                    .on_response(&response, SystemTime::now(), Jitter::random())
            }
            Err(failure) => {
                debug!(
                    target: "bidcert",
                    "action={op} host={host} attempt={number} transport={} latency_ms={latency}",
                    failure.kind().as_str(),
                );
                self.call
                    .on_transport_error(failure, SystemTime::now(), Jitter::random())
            }
        };
        match decision {
            Decision::Done(value) => Step::Finish(Ok(value)),
            Decision::Fail(e) => Step::Finish(Err(e)),
            Decision::Retry { after, cause } => {
                warn!(
                    target: "bidcert",
                    "action={op} host={host} attempt={number} failed ({}); retrying in {} ms",
                    short(&cause),
                    after.as_millis()
                );
                if self.call.rejected_credentials().is_some() {
                    self.refused = Some(cause);
                }
                Step::Wait(after)
            }
        }
    }
}

/// The host of an attempt, for the logs.
struct Host<'a, O: ?Sized>(Option<&'a Signer>, &'a O);

impl<O: Exchange + ?Sized> std::fmt::Display for Host<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(signer) => f.write_str(signer.endpoint_for(self.1).authority()),
            None => f.write_str("-"),
        }
    }
}

/// A response as read off the wire, before the engine sees it: the status, the headers the
/// engine reads ([`Response::HEADERS`]), and the body (at most one byte past the limit).
pub(crate) struct Received {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Vec<u8>,
}

impl Received {
    /// The headers of `map` the engine reads, copied out of the HTTP stack's response (ureq
    /// and reqwest share the `http` crate's map).
    pub(crate) fn engine_headers(map: &ureq::http::HeaderMap) -> Vec<(&'static str, String)> {
        Response::HEADERS
            .iter()
            .filter_map(|name| Some((*name, map.get(*name)?.to_str().ok()?.to_owned())))
            .collect()
    }

    fn response(&self) -> Response<'_> {
        self.headers.iter().fold(
            Response::new(self.status, &self.body),
            |r, (name, value)| r.with_header(name, value),
        )
    }
}

/// A one-line reason for logs: kinds and codes only, never bodies.
fn short(e: &Error) -> String {
    match e {
        Error::Api(a) => format!("{} HTTP {}", a.code(), a.http_status()),
        Error::Parse(p) => format!("unreadable response, HTTP {}", p.http_status()),
        Error::Transport(t) => format!("{}: {}", t.kind().as_str(), t.message()),
        other => other.kind().as_str().to_owned(),
    }
}
