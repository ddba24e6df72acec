//! The blocking client: signs each attempt afresh, sends it with one shared ureq agent,
//! retries what a retry can fix.

use std::io::Read as _;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use bidcert_core::{
    diagnose_signature_mismatch, parse_cert_ways_url, parse_certified_info, parse_rpc_response,
    ApiErrorKind, CertWaysUrl, CertifiedInfo, Credentials, Endpoint, GenerateCertWaysUrl, Method,
    Nonce, Operation, Product, QueryCertifiedInfo, RpcCall, SignedRequest, Signer, Timestamp,
};
use log::{debug, warn};

use crate::error::Error;
use crate::retry::RetryPolicy;

/// The longest response body read.
const MAX_BODY: u64 = 1 << 20;

/// A client for both operations and any other RPC action.
///
/// `Send + Sync` and cheap to clone: clones share one connection pool and one set of
/// credentials, which [`Client::set_credentials`] replaces for all of them (rotating STS
/// tokens).
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
    signer: RwLock<Arc<Signer>>,
    retry: RetryPolicy,
    timeout: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("signer", &self.signer())
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    crm: Option<String>,
    aas: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    user_agent_suffix: Option<String>,
    proxy: Option<String>,
    allow_insecure_http: bool,
    max_idle_connections: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: None,
            crm: None,
            aas: None,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            user_agent_suffix: None,
            proxy: None,
            allow_insecure_http: false,
            max_idle_connections: 32,
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
    /// Time allowed to connect (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    /// Time allowed for one attempt, from connecting to the end of the body (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
    /// When to retry (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
    /// Appended to the `User-Agent` after `bidcert/<version>`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
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
        let crm = self.endpoint_for(&self.crm, Product::Crm)?;
        let aas = self.endpoint_for(&self.aas, Product::Aas)?;
        let credentials = match self.credentials.clone() {
            Some(c) => c,
            None => crate::credentials::resolve()?,
        };
        let mut user_agent = format!("bidcert/{}", env!("CARGO_PKG_VERSION"));
        if let Some(s) = &self.user_agent_suffix {
            user_agent.push(' ');
            user_agent.push_str(s);
        }
        let proxy = match &self.proxy {
            Some(url) => Some(ureq::Proxy::new(url).map_err(|e| {
                Error::Validation(bidcert_core::ValidationError::new("proxy", e.to_string()))
            })?),
            None => ureq::Proxy::try_from_env(),
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(self.connect_timeout))
            .timeout_global(Some(self.timeout))
            .user_agent(user_agent.as_str())
            .proxy(proxy)
            .max_idle_connections(self.max_idle_connections)
            .max_idle_connections_per_host(self.max_idle_connections)
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                    .build(),
            )
            .build();
        let signer = Signer::new(credentials)
            .with_endpoint(Product::Crm, crm)
            .with_endpoint(Product::Aas, aas);
        Ok(Client {
            inner: Arc::new(Inner {
                agent: ureq::Agent::new_with_config(config),
                signer: RwLock::new(Arc::new(signer)),
                retry: self.retry,
                timeout: self.timeout,
            }),
        })
    }
}

/// A response as read off the wire.
struct Raw {
    status: u16,
    body: Vec<u8>,
    date: Option<SystemTime>,
    request_id_header: Option<String>,
}

impl Client {
    /// A builder with the defaults: production endpoints, 5 s connect and 10 s overall
    /// timeouts, 3 attempts.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with these credentials and every default.
    pub fn new(credentials: Credentials) -> Result<Client, Error> {
        Client::builder().credentials(credentials).build()
    }

    /// Replaces the credentials for every clone of this client (a rotated STS token, say).
    /// Calls under way finish with the credentials they started with.
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

    /// `QueryBidUserCertifiedInfo`: whether a customer has passed identity verification.
    pub fn query_certified_info(&self, op: &QueryCertifiedInfo) -> Result<CertifiedInfo, Error> {
        self.execute(op, |raw, _| parse_certified_info(raw.status, &raw.body))
    }

    /// `GenerateAliyunBidCertWaysUrl`: a link, valid 3 hours, for the customer to verify.
    pub fn generate_cert_ways_url(&self, op: &GenerateCertWaysUrl) -> Result<CertWaysUrl, Error> {
        self.execute(op, |raw, req| {
            parse_cert_ways_url(raw.status, &raw.body, req.timestamp())
        })
    }

    /// Any other RPC action; returns the response's JSON object.
    pub fn call(&self, op: &RpcCall) -> Result<serde_json::Value, Error> {
        self.execute(op, |raw, _| parse_rpc_response(raw.status, &raw.body))
    }

    fn execute<O, T>(
        &self,
        op: &O,
        parse: impl Fn(&Raw, &SignedRequest) -> Result<T, bidcert_core::Error>,
    ) -> Result<T, Error>
    where
        O: Operation + ?Sized,
    {
        let retry = self.inner.retry;
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let signer = self.signer();
            let request = signer.sign(op, Timestamp::now(), &Nonce::random())?;
            let host = signer.endpoint_for(op).authority();
            let t0 = Instant::now();
            let outcome = self.send(&request).and_then(|raw| {
                let parsed = parse(&raw, &request).map_err(|e| enrich(e, &raw, &request));
                debug!(
                    target: "bidcert",
                    "action={} host={} attempt={} status={} request_id={} latency_ms={}",
                    op.action(),
                    host,
                    attempt,
                    raw.status,
                    request_id_of(&parsed, &raw).unwrap_or("-"),
                    t0.elapsed().as_millis()
                );
                parsed
            });
            match outcome {
                Ok(v) => return Ok(v),
                Err(e) => {
                    let delay = retry.delay(attempt);
                    let may_retry = e.is_retryable()
                        && attempt < retry.max_attempts
                        && started.elapsed() + delay <= retry.max_elapsed;
                    if !may_retry {
                        return Err(e);
                    }
                    warn!(
                        target: "bidcert",
                        "action={} host={} attempt={} failed ({}); retrying in {} ms",
                        op.action(),
                        host,
                        attempt,
                        short(&e),
                        delay.as_millis()
                    );
                    std::thread::sleep(delay);
                    attempt += 1;
                }
            }
        }
    }

    fn send(&self, request: &SignedRequest) -> Result<Raw, Error> {
        fn with_headers<B>(
            mut r: ureq::RequestBuilder<B>,
            request: &SignedRequest,
        ) -> ureq::RequestBuilder<B> {
            for (k, v) in request.headers() {
                r = r.header(k, v);
            }
            r
        }
        let agent = &self.inner.agent;
        let result = match request.method() {
            Method::Get => with_headers(agent.get(request.url()), request).call(),
            Method::Post => with_headers(agent.post(request.url()), request).send_empty(),
        };
        let mut response = result.map_err(|e| self.transport_error(e))?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let date = header("date").and_then(|d| httpdate::parse_http_date(&d).ok());
        let request_id_header = header("x-acs-request-id");
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_BODY)
            .read_to_end(&mut body)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::TimedOut => Error::Timeout {
                    after: self.inner.timeout,
                },
                _ => Error::Transport {
                    message: format!("reading the body: {e}"),
                },
            })?;
        Ok(Raw {
            status,
            body,
            date,
            request_id_header,
        })
    }

    fn transport_error(&self, e: ureq::Error) -> Error {
        match e {
            ureq::Error::Timeout(_) => Error::Timeout {
                after: self.inner.timeout,
            },
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => Error::Timeout {
                after: self.inner.timeout,
            },
            other => Error::Transport {
                message: other.to_string(),
            },
        }
    }
}

fn request_id_of<'a, T>(parsed: &'a Result<T, Error>, raw: &'a Raw) -> Option<&'a str> {
    match parsed {
        Err(e) => e.request_id(),
        Ok(_) => None,
    }
    .or(raw.request_id_header.as_deref())
}

/// Adds the diagnosis to a signature mismatch and the clock skew to a timestamp error.
fn enrich(e: bidcert_core::Error, raw: &Raw, request: &SignedRequest) -> Error {
    let mut e = Error::from(e);
    if let Error::Api(failure) = &mut e {
        match failure.error.kind() {
            ApiErrorKind::SignatureMismatch => {
                failure.diagnosis = Some(diagnose_signature_mismatch(
                    failure.error.message(),
                    request.string_to_sign(),
                ));
            }
            ApiErrorKind::Timestamp => {
                failure.clock_skew_seconds = raw.date.and_then(|d| {
                    let server = d.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs() as i64;
                    Some(server - request.timestamp().unix())
                });
            }
            _ => {}
        }
    }
    e
}

/// A one-line reason for logs: kinds and codes only, never bodies.
fn short(e: &Error) -> String {
    match e {
        Error::Api(f) => format!("{} HTTP {}", f.error.code(), f.error.http_status()),
        Error::Response(p) => format!("unreadable response, HTTP {}", p.http_status()),
        Error::Timeout { after } => format!("timeout after {after:?}"),
        Error::Transport { message } => message.clone(),
        other => other.to_string(),
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
}
