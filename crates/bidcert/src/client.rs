//! The blocking client: a ureq driver of the core's call engine ([`bidcert_core::exchange`]).
//! The engine decides retries, delays, timeouts and clock skew; this file only moves bytes.

use std::collections::HashMap;
use std::io::Read as _;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use bidcert_core::exchange::{Attempt, Call, Decision, Exchange, Jitter, Policy, Response};
use bidcert_core::{
    CertWaysUrl, CertifiedInfo, Credentials, Endpoint, Error, GenerateCertWaysUrl, Method, Nonce,
    Product, QueryCertifiedInfo, RpcCall, Signer, TransportError, TransportKind, ValidationError,
};
use log::{debug, warn};

use crate::resolve::{CachingResolver, ForUreq, DNS_CACHE_TTL};
use crate::tls::ExtraCa;

/// A client for both operations and any other RPC action.
///
/// `Send + Sync` and cheap to clone: clones share one connection pool, one set of credentials
/// (which [`Client::set_credentials`] replaces for all of them) and one clock offset.
///
/// ```no_run
/// use bidcert::{BidType, Client, QueryCertifiedInfo};
/// let client = Client::builder().build()?; // credentials from the environment or files
/// let info = client.query_certified_info(&QueryCertifiedInfo::new("1234567890123456", BidType::Normal)?)?;
/// println!("verified: {}", info.is_certified());
/// # Ok::<(), bidcert::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    agent: ureq::Agent,
    resolver: Arc<CachingResolver>,
    signer: RwLock<Arc<Signer>>,
    policy: Policy,
    clock_offset: AtomicI64,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("signer", &self.signer())
            .field("policy", &self.inner.policy)
            .field("clock_offset", &self.clock_offset())
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    crm: Option<String>,
    aas: Option<String>,
    policy: Policy,
    proxy: Option<String>,
    allow_insecure_http: bool,
    max_idle_connections: usize,
    extra_cas: Vec<ExtraCa>,
    fixed_addrs: HashMap<String, Vec<IpAddr>>,
    dns_cache_ttl: Duration,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: None,
            crm: None,
            aas: None,
            policy: Policy::default(),
            proxy: None,
            allow_insecure_http: false,
            max_idle_connections: 32,
            extra_cas: Vec::new(),
            fixed_addrs: HashMap::new(),
            dns_cache_ttl: DNS_CACHE_TTL,
        }
    }
}

impl ClientBuilder {
    /// Signs with these credentials (otherwise: [`crate::credentials::resolve`]).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }
    /// Sends Crm (`QueryBidUserCertifiedInfo`) requests here instead of the default.
    pub fn crm_endpoint(mut self, url: impl Into<String>) -> Self {
        self.crm = Some(url.into());
        self
    }
    /// Sends Aas (`GenerateAliyunBidCertWaysUrl`) requests here instead of the default.
    pub fn aas_endpoint(mut self, url: impl Into<String>) -> Self {
        self.aas = Some(url.into());
        self
    }
    /// Sends both products' requests here (the emulator serves both on one port).
    pub fn endpoint(self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.crm_endpoint(url.clone()).aas_endpoint(url)
    }
    /// Retries, timeouts, budget and limits (default: [`Policy::default`]).
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }
    /// Time allowed to connect ([`Policy::with_connect_timeout`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.policy = self.policy.with_connect_timeout(timeout);
        self
    }
    /// Time allowed for one attempt, from connecting to the end of the body
    /// ([`Policy::with_attempt_timeout`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.policy = self.policy.with_attempt_timeout(timeout);
        self
    }
    /// Attempts in all, the first included ([`Policy::with_max_attempts`]).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.policy = self.policy.with_max_attempts(n);
        self
    }
    /// Signs with this scheme ([`Policy::with_signature_version`]; v1.0 by default).
    pub fn signature_version(mut self, version: bidcert_core::SignatureVersion) -> Self {
        self.policy = self.policy.with_signature_version(version);
        self
    }
    /// Appended to the `User-Agent` after `bidcert/<version>`.
    pub fn user_agent_suffix(mut self, suffix: impl AsRef<str>) -> Self {
        self.policy = self.policy.with_user_agent_suffix(suffix.as_ref());
        self
    }
    /// Sends through this proxy (`http://host:port`); by default `HTTPS_PROXY`, `HTTP_PROXY`
    /// and `ALL_PROXY` are honoured, with `NO_PROXY`.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }
    /// Allows plain `http://` endpoints on hosts other than loopback. Off by default: the
    /// AccessKeyId, the signature and customer data would cross the network in clear.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Trusts this CA (PEM; one or more certificates) beside the platform's store, as a
    /// back office behind a TLS-inspecting proxy needs.
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_cas.push(ExtraCa::Pem(pem.into()));
        self
    }
    /// Trusts the CA in this PEM file beside the platform's store; the file is read by
    /// [`ClientBuilder::build`], which names it if it cannot be read.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.extra_cas.push(ExtraCa::File(path.into()));
        self
    }
    /// Connects to `ip` for `host` instead of looking the host up (as `curl --resolve`); TLS
    /// still checks the certificate against `host`.
    pub fn resolve(mut self, host: impl AsRef<str>, ip: IpAddr) -> Self {
        self.fixed_addrs
            .entry(host.as_ref().to_ascii_lowercase())
            .or_default()
            .push(ip);
        self
    }
    /// How long a looked-up address is kept (default [`DNS_CACHE_TTL`]).
    pub fn dns_cache_ttl(mut self, ttl: Duration) -> Self {
        self.dns_cache_ttl = ttl;
        self
    }

    fn endpoint_for(&self, given: &Option<String>, product: Product) -> Result<Endpoint, Error> {
        let endpoint = match given {
            Some(url) => Endpoint::new(url)?,
            None => Endpoint::from(product),
        };
        endpoint.check_transport(self.allow_insecure_http)?;
        Ok(endpoint)
    }

    /// Builds the client. Without explicit credentials, resolves them from the environment
    /// and the credentials files.
    pub fn build(self) -> Result<Client, Error> {
        self.policy.validate()?;
        let crm = self.endpoint_for(&self.crm, Product::Crm)?;
        let aas = self.endpoint_for(&self.aas, Product::Aas)?;
        let credentials = match self.credentials.clone() {
            Some(c) => c,
            None => crate::credentials::resolve()?,
        };
        let proxy = match &self.proxy {
            Some(url) => Some(
                ureq::Proxy::new(url).map_err(|e| ValidationError::new("proxy", e.to_string()))?,
            ),
            None => ureq::Proxy::try_from_env(),
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(self.policy.user_agent())
            .proxy(proxy)
            .max_idle_connections(self.max_idle_connections)
            .max_idle_connections_per_host(self.max_idle_connections)
            .tls_config(crate::tls::config(&self.extra_cas)?)
            .build();
        let resolver = Arc::new(CachingResolver::new(self.dns_cache_ttl, self.fixed_addrs));
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::new(),
            ForUreq(resolver.clone()),
        );
        let signer = Signer::new(credentials)
            .with_endpoint(Product::Crm, crm)
            .with_endpoint(Product::Aas, aas);
        Ok(Client {
            inner: Arc::new(Inner {
                agent,
                resolver,
                signer: RwLock::new(Arc::new(signer)),
                policy: self.policy,
                clock_offset: AtomicI64::new(0),
            }),
        })
    }
}

impl Client {
    /// A builder with the defaults: production endpoints and [`Policy::default`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with these credentials and every default.
    pub fn new(credentials: Credentials) -> Result<Client, Error> {
        Client::builder().credentials(credentials).build()
    }

    /// Replaces the credentials for every clone of this client (a rotated STS token, say).
    /// Calls under way finish their current attempt with the credentials they had.
    pub fn set_credentials(&self, credentials: Credentials) {
        let mut guard = self
            .inner
            .signer
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // The endpoints stay; only the credentials change.
        let signer = Signer::new(credentials)
            .with_endpoint(Product::Crm, guard.endpoint(Product::Crm).clone())
            .with_endpoint(Product::Aas, guard.endpoint(Product::Aas).clone());
        *guard = Arc::new(signer);
    }

    /// The signer in use (credentials and endpoints).
    pub fn signer(&self) -> Arc<Signer> {
        self.inner
            .signer
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// System name lookups made so far; a cached answer, an IP literal or a fixed address
    /// ([`ClientBuilder::resolve`]) is not one.
    pub fn name_lookups(&self) -> u64 {
        self.inner.resolver.lookups()
    }

    /// The policy every call follows.
    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// The server's clock minus ours, in seconds, as learned from the last timestamp error
    /// (0 until then). Every request is timestamped with our clock plus it.
    pub fn clock_offset(&self) -> i64 {
        self.inner.clock_offset.load(Ordering::Relaxed)
    }

    /// A call of `op` under this client's policy and clock offset, for a driver with an HTTP
    /// stack of its own. Sign each attempt with [`Client::signer`]; when the call has its
    /// decision, hand it to [`Client::finish`] so the client keeps what it learned.
    pub fn start<O: Exchange>(&self, op: O) -> Call<O> {
        Call::new(op, self.inner.policy.clone()).with_clock_offset(self.clock_offset())
    }

    /// Keeps the clock offset a finished call learned, for later calls.
    pub fn finish<O: Exchange>(&self, call: &Call<O>) {
        self.inner
            .clock_offset
            .store(call.clock_offset(), Ordering::Relaxed);
    }

    /// `QueryBidUserCertifiedInfo`: whether a customer has passed identity verification.
    pub fn query_certified_info(&self, op: &QueryCertifiedInfo) -> Result<CertifiedInfo, Error> {
        self.execute(op)
    }

    /// `GenerateAliyunBidCertWaysUrl`: a link, valid 3 hours, for the customer to verify.
    pub fn generate_cert_ways_url(&self, op: &GenerateCertWaysUrl) -> Result<CertWaysUrl, Error> {
        self.execute(op)
    }

    /// Any other RPC action; returns the response's JSON object.
    pub fn call(&self, op: &RpcCall) -> Result<serde_json::Value, Error> {
        self.execute(op)
    }

    /// Drives one call to its decision: sign, send, feed, sleep when told.
    pub fn execute<O: Exchange + ?Sized>(&self, op: &O) -> Result<O::Output, Error> {
        let mut call = self.start(op);
        let outcome = loop {
            let signer = self.signer();
            let attempt = match call.next_request(&signer, SystemTime::now(), &Nonce::random()) {
                Ok(attempt) => attempt,
                Err(e) => break Err(e),
            };
            let number = attempt.number();
            let host = signer.endpoint_for(op).authority();
            let sent = Instant::now();
            let decision = match self.send(&attempt) {
                Ok(received) => {
                    let response = received.response();
                    debug!(
                        target: "bidcert",
                        "action={} host={host} attempt={number} status={} request_id={} latency_ms={}",
                        op.action(),
                        response.status(),
                        response.request_id().unwrap_or("-"),
                        sent.elapsed().as_millis()
                    );
                    call.on_response(&response, SystemTime::now(), Jitter::random())
                }
                Err(failure) => {
                    debug!(
                        target: "bidcert",
                        "action={} host={host} attempt={number} transport={} latency_ms={}",
                        op.action(),
                        failure.kind().as_str(),
                        sent.elapsed().as_millis()
                    );
                    call.on_transport_error(failure, SystemTime::now(), Jitter::random())
                }
            };
            match decision {
                Decision::Done(value) => break Ok(value),
                Decision::Fail(e) => break Err(e),
                Decision::Retry { after, cause } => {
                    warn!(
                        target: "bidcert",
                        "action={} host={host} attempt={number} failed ({}); retrying in {} ms",
                        op.action(),
                        short(&cause),
                        after.as_millis()
                    );
                    std::thread::sleep(after);
                }
            }
        };
        self.finish(&call);
        outcome
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
        let agent = &self.inner.agent;
        let result = match attempt.method() {
            Method::Get => prepare(agent.get(attempt.url()), attempt).call(),
            Method::Post => prepare(agent.post(attempt.url()), attempt).send_empty(),
        };
        let mut response = result.map_err(classify)?;
        let status = response.status().as_u16();
        let headers = Response::HEADERS
            .iter()
            .filter_map(|name| {
                let value = response.headers().get(*name)?.to_str().ok()?;
                Some((*name, value.to_owned()))
            })
            .collect();
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(attempt.max_body_bytes() as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| classify_io(&e, "reading the body"))?;
        Ok(Received {
            status,
            headers,
            body,
        })
    }
}

/// A response as read off the wire, before the engine sees it.
struct Received {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Received {
    fn response(&self) -> Response<'_> {
        self.headers.iter().fold(
            Response::new(self.status, &self.body),
            |r, (name, value)| r.with_header(name, value),
        )
    }
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

fn classify_io(e: &std::io::Error, doing: &str) -> TransportError {
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
fn tls_failure(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<rustls::Error>())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_to_other_hosts_is_refused_unless_allowed() {
        let creds = Credentials::new("id", "secret").unwrap();
        let e = Client::builder()
            .credentials(creds.clone())
            .endpoint("http://crm.example.com")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("plain http"), "{e}");
        assert!(Client::builder()
            .credentials(creds)
            .endpoint("http://crm.example.com")
            .allow_insecure_http(true)
            .build()
            .is_ok());
    }

    #[test]
    fn client_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Client>();
    }

    #[test]
    fn an_unusable_policy_is_refused_when_built() {
        let e = Client::builder()
            .credentials(Credentials::new("id", "secret").unwrap())
            .max_attempts(0)
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), bidcert_core::ErrorKind::Validation);
    }
}
