//! The async driver: the core's call engine over reqwest on a Tokio runtime. Like the blocking
//! transport, it only moves bytes; [`Drive`] sequences the engine's decisions for both.
//!
//! reqwest rather than hyper-util's client directly: it brings what the blocking client
//! already offers and a back office needs (the environment's proxies with `NO_PROXY`, an
//! explicit proxy, a pluggable resolver, a preconfigured rustls) without re-implementing
//! any of it, and it is the async HTTP client most Rust services already link. It is built
//! with no TLS provider of its own and handed the rustls configuration ureq's trust options
//! make, so both drivers trust exactly the same CAs.

use std::fmt;
use std::sync::Arc;

use bidcert_core::exchange::{Attempt, Exchange};
use bidcert_core::{
    CertWaysUrl, CertifiedInfo, Error, GenerateCertWaysUrl, Method, QueryCertifiedInfo, RpcCall,
    Signer, TransportError, TransportKind, ValidationError,
};

use crate::client::Client;
use crate::drive::{Drive, Received, Step};
use crate::resolve::CachingResolver;
use crate::tls::ExtraCa;
use crate::transport::classify_io;

/// What the async connection pool is built from: the builder's settings the blocking
/// transport also takes.
pub(crate) struct HttpSettings {
    pub(crate) proxy: Option<String>,
    pub(crate) max_idle: usize,
    pub(crate) extra_cas: Vec<ExtraCa>,
}

/// The calls of [`Client`] as futures, for a Tokio runtime.
///
/// Built with [`ClientBuilder::build_async`](crate::ClientBuilder::build_async) from the same
/// settings as a [`Client`], and sharing everything with the blocking client it holds
/// ([`AsyncClient::blocking`]): the credentials provider, the clock offset, the policy, the
/// endpoints, the resolver's cache and the trust options. Only the connection pool is its
/// own. Cheap to clone; clones share all of it.
///
/// Dropping a call's future aborts the attempt in flight (its connection is closed, not
/// returned to the pool) and sends nothing more. A credentials refresh, which may do
/// blocking I/O (STS, the metadata service, a file), runs on Tokio's blocking pool, as does
/// a name lookup the cache cannot answer; the runtime's threads never block.
///
/// ```no_run
/// use bidcert::{BidType, Client, QueryCertifiedInfo};
/// # async fn run() -> Result<(), bidcert::Error> {
/// let client = Client::builder().build_async()?; // credentials from the default chain
/// let op = QueryCertifiedInfo::new("1234567890123456", BidType::Normal)?;
/// let info = client.query_certified_info(&op).await?;
/// println!("verified: {}", info.is_certified());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct AsyncClient {
    client: Client,
    http: reqwest::Client,
    pool: Arc<PoolSettings>,
}

/// What a connection pool is made of, kept to make more ([`AsyncClient::with_own_pool`]).
struct PoolSettings {
    proxy: Option<reqwest::Proxy>,
    max_idle: usize,
    tls: rustls::ClientConfig,
}

impl fmt::Debug for AsyncClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // reqwest's configuration may hold a proxy's password: not shown.
        f.debug_struct("AsyncClient")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl AsyncClient {
    pub(crate) fn new(client: Client, settings: HttpSettings) -> Result<Self, Error> {
        let proxy = settings
            .proxy
            .map(reqwest::Proxy::all)
            .transpose()
            .map_err(|e| ValidationError::new("proxy", e.to_string()))?;
        let pool = Arc::new(PoolSettings {
            proxy,
            max_idle: settings.max_idle,
            tls: crate::tls::rustls_config(&settings.extra_cas)?,
        });
        let http = pool_of(&client, &pool)?;
        Ok(AsyncClient { client, http, pool })
    }

    /// A client sharing everything with this one (credentials, clock offset, policy,
    /// endpoints, resolver, trust) but the connection pool: its own, empty. For a thread that
    /// drives a runtime of its own (a pool's connections are driven by the runtime that
    /// opened them, so they must not be shared with one that is not always running).
    pub fn with_own_pool(&self) -> Result<AsyncClient, Error> {
        Ok(AsyncClient {
            client: self.client.clone(),
            http: pool_of(&self.client, &self.pool)?,
            pool: self.pool.clone(),
        })
    }

    /// The blocking client sharing this one's credentials, clock offset, policy, endpoints
    /// and resolver: for its settings, its counters, or a blocking call beside the async ones.
    pub fn blocking(&self) -> &Client {
        &self.client
    }

    /// `QueryBidUserCertifiedInfo`: whether a customer has passed identity verification.
    pub async fn query_certified_info(
        &self,
        op: &QueryCertifiedInfo,
    ) -> Result<CertifiedInfo, Error> {
        self.execute(op).await
    }

    /// `GenerateAliyunBidCertWaysUrl`: a link, valid 3 hours, for the customer to verify.
    pub async fn generate_cert_ways_url(
        &self,
        op: &GenerateCertWaysUrl,
    ) -> Result<CertWaysUrl, Error> {
        self.execute(op).await
    }

    /// Any other RPC action; returns the response's JSON object.
    pub async fn call(&self, op: &RpcCall) -> Result<serde_json::Value, Error> {
        self.execute(op).await
    }

    /// Drives one call to its decision: sign, send, feed, sleep when told; then hands the
    /// call to the blocking client's [`Client::finish`], as its own calls do.
    pub async fn execute<O>(&self, op: &O) -> Result<O::Output, Error>
    where
        O: Exchange + Sync + ?Sized,
        O::Output: Send,
    {
        let mut drive = Drive::new(op, self.client.policy(), self.client.clock_offset());
        let outcome = loop {
            let signer = match self.client.ready_signer(drive.call()) {
                Some(signer) => Ok(signer),
                None => self.fetch_signer().await,
            };
            let sent = match drive.attempt(signer) {
                Ok(attempt) => self.send(&attempt).await,
                Err(e) => break Err(e),
            };
            match drive.received(sent) {
                Step::Wait(after) => tokio::time::sleep(after).await,
                Step::Finish(outcome) => break outcome,
            }
        };
        self.client.finish(&drive.into_call());
        outcome
    }

    /// The signer once the provider has fetched credentials: on the blocking pool, as the
    /// fetch may wait for STS or the metadata service.
    async fn fetch_signer(&self) -> Result<Arc<Signer>, Error> {
        let client = self.client.clone();
        tokio::task::spawn_blocking(move || client.signer_now())
            .await
            .unwrap_or_else(|e| {
                Err(bidcert_core::CredentialsError::single(
                    "credentials",
                    format!("fetching credentials stopped: {e}"),
                )
                .into())
            })
    }

    /// Sends one attempt and reads its answer within the attempt's timeout: the status, the
    /// headers the engine reads, and at most one byte more of the body than it accepts.
    async fn send(&self, attempt: &Attempt<'_>) -> Result<Received, TransportError> {
        let method = match attempt.method() {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let mut request = self.http.request(method, attempt.url());
        for (name, value) in attempt.headers() {
            request = request.header(name, value);
        }
        if !attempt.body().is_empty() {
            request = request.body(attempt.body().to_vec());
        }
        let limit = attempt.max_body_bytes() + 1;
        let exchange = async {
            let mut response = request.send().await.map_err(|e| classify(e, "sending"))?;
            let status = response.status().as_u16();
            let headers = Received::engine_headers(response.headers());
            let mut body = Vec::new();
            while body.len() < limit {
                match response.chunk().await {
                    Ok(Some(chunk)) => {
                        let room = limit - body.len();
                        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    }
                    Ok(None) => break,
                    Err(e) => return Err(classify(e, "reading the body")),
                }
            }
            Ok(Received {
                status,
                headers,
                body,
            })
        };
        match tokio::time::timeout(attempt.timeout(), exchange).await {
            Ok(received) => received,
            Err(_) => Err(TransportError::new(
                TransportKind::Timeout,
                format!("no whole answer within {:?}", attempt.timeout()),
            )),
        }
    }
}

/// A connection pool for `client`'s calls.
fn pool_of(client: &Client, pool: &PoolSettings) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .use_preconfigured_tls(pool.tls.clone())
        .http1_only()
        .pool_max_idle_per_host(pool.max_idle)
        .connect_timeout(client.policy().connect_timeout())
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(ViaCache(client.resolver().clone())));
    if let Some(proxy) = &pool.proxy {
        builder = builder.proxy(proxy.clone());
    }
    Ok(builder
        .build()
        .map_err(|e| ValidationError::new("client", e.to_string()))?)
}

/// Which kind of transport failure a reqwest error is. Its URL (which holds the query, and
/// with temporary credentials their token) is left out of the message.
fn classify(e: reqwest::Error, doing: &str) -> TransportError {
    let e = e.without_url();
    let mut causes = Vec::new();
    causes_of(&e, &mut causes);
    let mut reasons: Vec<String> = causes.iter().map(ToString::to_string).collect();
    reasons.dedup();
    let message = format!("{doing}: {}", reasons.join(": "));
    // The most specific I/O error: hyper and rustls wrap theirs in `Other` ones.
    let io = causes
        .iter()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .rfind(|io| io.kind() != std::io::ErrorKind::Other);
    let kind = if e.is_timeout() {
        TransportKind::Timeout
    } else if causes.iter().any(|c| c.is::<rustls::Error>()) {
        TransportKind::Tls
    } else if let Some(io) = io {
        classify_io(io, doing).kind()
    } else if e.is_connect() || e.is_builder() {
        TransportKind::Connect
    } else {
        TransportKind::Reset
    };
    TransportError::new(kind, message)
}

/// `e` and its causes, looking inside I/O errors (whose `source` skips the error they wrap).
fn causes_of<'e>(
    e: &'e (dyn std::error::Error + 'static),
    out: &mut Vec<&'e (dyn std::error::Error + 'static)>,
) {
    out.push(e);
    if let Some(inner) = e
        .downcast_ref::<std::io::Error>()
        .and_then(std::io::Error::get_ref)
    {
        return causes_of(inner, out);
    }
    if let Some(next) = e.source() {
        causes_of(next, out);
    }
}

/// reqwest's face of the client's resolver: a cached answer at once, a lookup on the
/// blocking pool.
struct ViaCache(Arc<CachingResolver>);

impl reqwest::dns::Resolve for ViaCache {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        // reqwest sets the port of the URL on every address: any will do here.
        if let Some(addrs) = self.0.known(&host, 0) {
            return Box::pin(std::future::ready(Ok(
                Box::new(addrs.into_iter()) as reqwest::dns::Addrs
            )));
        }
        let resolver = self.0.clone();
        Box::pin(async move {
            // Bounded by the attempt's timeout, which covers the whole exchange.
            let looked_up = tokio::task::spawn_blocking(move || resolver.addrs(&host, 0, None))
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            let addrs = looked_up?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}
