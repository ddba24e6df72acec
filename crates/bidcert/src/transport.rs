//! Moving bytes with ureq: the driver of the core's call engine (the API calls and STS's), and
//! plain requests for the instance metadata service and credentials URIs. Nothing here decides
//! a retry, a delay or a timeout; the engine and the callers' policies do.

use std::collections::HashMap;
use std::fmt;
use std::io::Read as _;
use std::sync::Arc;
use std::time::Duration;

use bidcert_core::exchange::{Attempt, Call, Exchange, Policy};
use bidcert_core::{Error, Method, Signer, TransportError, TransportKind, ValidationError};

use crate::drive::{Drive, Received, Step};
use crate::resolve::{CachingResolver, ForUreq, DNS_CACHE_TTL};
use crate::tls::ExtraCa;

/// One connection pool and how requests cross it.
#[derive(Clone)]
pub(crate) struct Transport {
    agent: ureq::Agent,
    resolver: Arc<CachingResolver>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The agent's configuration may hold a proxy's password.
        f.write_str("Transport")
    }
}

/// Where a transport's requests go through.
#[derive(Debug, Clone)]
pub(crate) enum Proxy {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, with `NO_PROXY`.
    FromEnv,
    /// This one.
    Given(String),
    /// None: the instance metadata service is reached directly, never through a proxy.
    Direct,
}

/// What signs each attempt of a call: the signer for the call as it stands (the credentials
/// may have been refused as expired by the last attempt).
pub(crate) type SignerFor<'s, C> = dyn FnMut(&C) -> Result<Arc<Signer>, Error> + 's;

/// A plain request's time limits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub(crate) connect: Duration,
    pub(crate) read: Duration,
}

impl Transport {
    /// A pool of `max_idle` connections sending as `user_agent`, trusting the platform's
    /// store, with a resolver of its own.
    pub(crate) fn new(user_agent: &str, proxy: &Proxy, max_idle: usize) -> Result<Self, Error> {
        let resolver = Arc::new(CachingResolver::new(DNS_CACHE_TTL, HashMap::new()));
        Self::with_trust(user_agent, proxy, max_idle, &[], resolver)
    }

    /// [`Transport::new`] trusting `extra_cas` beside the platform's store and resolving
    /// names with `resolver`.
    pub(crate) fn with_trust(
        user_agent: &str,
        proxy: &Proxy,
        max_idle: usize,
        extra_cas: &[ExtraCa],
        resolver: Arc<CachingResolver>,
    ) -> Result<Self, Error> {
        let proxy = match proxy {
            Proxy::FromEnv => ureq::Proxy::try_from_env(),
            Proxy::Given(url) => Some(
                ureq::Proxy::new(url).map_err(|e| ValidationError::new("proxy", e.to_string()))?,
            ),
            Proxy::Direct => None,
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(user_agent)
            .proxy(proxy)
            .max_idle_connections(max_idle)
            .max_idle_connections_per_host(max_idle)
            .tls_config(crate::tls::config(extra_cas)?)
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::new(),
            ForUreq(resolver.clone()),
        );
        Ok(Transport { agent, resolver })
    }

    /// System name lookups made so far.
    pub(crate) fn name_lookups(&self) -> u64 {
        self.resolver.lookups()
    }

    /// Its resolver, which an async driver of the same client shares.
    #[cfg_attr(not(feature = "async"), allow(dead_code))]
    pub(crate) fn resolver(&self) -> &Arc<CachingResolver> {
        &self.resolver
    }

    /// Drives a call of `op` to its decision: sign each attempt with what `signer` answers
    /// for the call, send, feed, sleep when told. Gives the call back with the outcome, for
    /// the clock offset it learned.
    pub(crate) fn execute<'o, O: Exchange + ?Sized>(
        &self,
        op: &'o O,
        policy: &Policy,
        clock_offset: i64,
        signer: &mut SignerFor<'_, Call<&'o O>>,
    ) -> (Result<O::Output, Error>, Call<&'o O>) {
        let mut drive = Drive::new(op, policy, clock_offset);
        let outcome = loop {
            let signed = signer(drive.call());
            let sent = match drive.attempt(signed) {
                Ok(attempt) => self.send(&attempt),
                Err(e) => break Err(e),
            };
            match drive.received(sent) {
                Step::Wait(after) => std::thread::sleep(after),
                Step::Finish(outcome) => break outcome,
            }
        };
        (outcome, drive.into_call())
    }

    /// Sends one attempt and reads its answer: the status, the headers the engine reads,
    /// and at most one byte more of the body than the engine accepts.
    fn send(&self, attempt: &Attempt<'_>) -> Result<Received, TransportError> {
        fn prepare<B>(
            mut r: ureq::RequestBuilder<B>,
            attempt: &Attempt<'_>,
        ) -> ureq::RequestBuilder<B> {
            for (k, v) in attempt.headers() {
                r = r.header(k, v);
            }
            r.config()
                .timeout_global(Some(attempt.timeout()))
                .timeout_connect(Some(attempt.connect_timeout()))
                .build()
        }
        let agent = &self.agent;
        let result = match attempt.method() {
            Method::Get => prepare(agent.get(attempt.url()), attempt).call(),
            Method::Post if attempt.body().is_empty() => {
                prepare(agent.post(attempt.url()), attempt).send_empty()
            }
            Method::Post => prepare(agent.post(attempt.url()), attempt).send(attempt.body()),
        };
        let mut response = result.map_err(classify)?;
        Ok(Received {
            status: response.status().as_u16(),
            headers: Received::engine_headers(response.headers()),
            body: read_body(&mut response, attempt.max_body_bytes() as u64 + 1)?,
        })
    }

    /// A plain `GET` or `PUT` (empty body) of `url` with `headers`: its status and at most
    /// `max_body` bytes of its body. For the metadata service and credentials URIs, which are
    /// not RPC calls.
    pub(crate) fn plain(
        &self,
        put: bool,
        url: &str,
        headers: &[(&str, &str)],
        timeouts: Timeouts,
        max_body: u64,
    ) -> Result<(u16, Vec<u8>), TransportError> {
        fn limits<B>(
            mut r: ureq::RequestBuilder<B>,
            headers: &[(&str, &str)],
            t: Timeouts,
        ) -> ureq::RequestBuilder<B> {
            for (k, v) in headers {
                r = r.header(*k, *v);
            }
            r.config()
                .timeout_connect(Some(t.connect))
                .timeout_send_request(Some(t.read))
                .timeout_recv_response(Some(t.read))
                .timeout_recv_body(Some(t.read))
                .max_redirects(0)
                .build()
        }
        let result = if put {
            limits(self.agent.put(url), headers, timeouts).send_empty()
        } else {
            limits(self.agent.get(url), headers, timeouts).call()
        };
        let mut response = result.map_err(classify)?;
        let status = response.status().as_u16();
        Ok((status, read_body(&mut response, max_body)?))
    }
}

/// At most `limit` bytes of `response`'s body.
fn read_body(
    response: &mut ureq::http::Response<ureq::Body>,
    limit: u64,
) -> Result<Vec<u8>, TransportError> {
    let mut body = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(limit)
        .read_to_end(&mut body)
        .map_err(|e| classify_io(&e, "reading the body"))?;
    Ok(body)
}

/// Which kind of transport failure a ureq error is.
fn classify(e: ureq::Error) -> TransportError {
    let kind = match &e {
        ureq::Error::Timeout(_) => TransportKind::Timeout,
        ureq::Error::Io(io) => return classify_io(io, "sending"),
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::ConnectProxyFailed(_)
        | ureq::Error::InvalidProxyUrl => TransportKind::Connect,
        ureq::Error::Tls(_)
        | ureq::Error::Pem(_)
        | ureq::Error::Rustls(_)
        | ureq::Error::TlsRequired => TransportKind::Tls,
        _ => TransportKind::Reset,
    };
    TransportError::new(kind, e.to_string())
}

pub(crate) fn classify_io(e: &std::io::Error, doing: &str) -> TransportError {
    use std::io::ErrorKind as K;
    let kind = match e.kind() {
        K::TimedOut | K::WouldBlock => TransportKind::Timeout,
        K::ConnectionRefused | K::AddrNotAvailable | K::NotConnected => TransportKind::Connect,
        _ if tls_failure(e) => TransportKind::Tls,
        _ => TransportKind::Reset,
    };
    TransportError::new(kind, format!("{doing}: {e}"))
}

/// rustls reports a failed handshake as an I/O error wrapping its own error.
pub(crate) fn tls_failure(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<rustls::Error>())
}
