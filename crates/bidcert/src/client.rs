//! The blocking client: the API calls over one [`Transport`], each attempt signed with the
//! credentials its [`CredentialsProvider`] has now.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use bidcert_core::exchange::{Call, Exchange, Policy};
use bidcert_core::{
    CertWaysUrl, CertifiedInfo, Credentials, Endpoint, Error, GenerateCertWaysUrl, Product,
    QueryCertifiedInfo, RpcCall, SignatureVersion, Signer,
};

use crate::credentials::{CredentialsProvider, Env, ResolvedCredentials};
use crate::resolve::{CachingResolver, DNS_CACHE_TTL};
use crate::tls::ExtraCa;
use crate::transport::{Proxy, Transport};

/// A client for both operations and any other RPC action.
///
/// `Send + Sync` and cheap to clone: clones share one connection pool, one credentials
/// provider (which [`Client::set_credentials`] and [`Client::set_provider`] replace for all
/// of them) and one clock offset. Every attempt is signed with the provider's current
/// credentials, so temporary ones are refreshed under way.
///
/// ```no_run
/// use bidcert::{BidType, Client, QueryCertifiedInfo};
/// let client = Client::builder().build()?; // credentials from the default chain
/// let info = client.query_certified_info(&QueryCertifiedInfo::new("1234567890123456", BidType::Normal)?)?;
/// println!("verified: {}", info.is_certified());
/// # Ok::<(), bidcert::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    provider: RwLock<CredentialsProvider>,
    // The signer of the credentials last seen: rebuilt only when they change.
    signer: RwLock<(Arc<ResolvedCredentials>, Arc<Signer>)>,
    crm: Endpoint,
    aas: Endpoint,
    policy: Policy,
    clock_offset: AtomicI64,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("signer", &self.current().1)
            .field("provider", &self.provider())
            .field("policy", &self.inner.policy)
            .field("clock_offset", &self.clock_offset())
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    provider: Option<CredentialsProvider>,
    crm: Option<String>,
    aas: Option<String>,
    policy: Policy,
    // Applied over `policy` when the client is built, whatever the order of the calls.
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    max_attempts: Option<u32>,
    user_agent_suffix: Option<String>,
    signature_version: Option<SignatureVersion>,
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
            provider: None,
            crm: None,
            aas: None,
            policy: Policy::default(),
            connect_timeout: None,
            timeout: None,
            max_attempts: None,
            user_agent_suffix: None,
            signature_version: None,
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
    /// Signs with these credentials (otherwise: the default chain,
    /// [`CredentialsProvider::default_chain`]).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.provider = Some(CredentialsProvider::fixed(credentials));
        self
    }
    /// Signs with what `provider` hands out, refreshed as it goes (an ECS RAM role, an
    /// assumed role, a chain...).
    pub fn provider(mut self, provider: CredentialsProvider) -> Self {
        self.provider = Some(provider);
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
    /// Retries, timeouts, budget and limits (default: [`Policy::default`]). The settings
    /// below (timeouts, attempts, user agent, signature version) apply over it, whichever
    /// was called first.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }
    /// Time allowed to connect ([`Policy::with_connect_timeout`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }
    /// Time allowed for one attempt, from connecting to the end of the body
    /// ([`Policy::with_attempt_timeout`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    /// Attempts in all, the first included ([`Policy::with_max_attempts`]).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = Some(n);
        self
    }
    /// Appended to the `User-Agent` after `bidcert/<version>`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }
    /// Signs with this scheme ([`Policy::with_signature_version`]; v1.0 by default).
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = Some(version);
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

    /// The policy with the separate settings applied over it.
    fn effective_policy(&self) -> Policy {
        let mut p = self.policy.clone();
        if let Some(d) = self.connect_timeout {
            p = p.with_connect_timeout(d);
        }
        if let Some(d) = self.timeout {
            p = p.with_attempt_timeout(d);
        }
        if let Some(n) = self.max_attempts {
            p = p.with_max_attempts(n);
        }
        if let Some(s) = &self.user_agent_suffix {
            p = p.with_user_agent_suffix(s);
        }
        if let Some(v) = self.signature_version {
            p = p.with_signature_version(v);
        }
        p
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

    /// Builds an [`AsyncClient`](crate::AsyncClient): the same calls as futures, on a Tokio
    /// runtime, over reqwest. It shares everything with its blocking face
    /// ([`AsyncClient::blocking`](crate::AsyncClient::blocking)): credentials provider,
    /// clock offset, policy, endpoints, resolver cache and trust options; only the
    /// connection pool is its own.
    #[cfg(feature = "async")]
    pub fn build_async(self) -> Result<crate::AsyncClient, Error> {
        let http = crate::async_client::HttpSettings {
            proxy: self.proxy.clone(),
            max_idle: self.max_idle_connections,
            extra_cas: self.extra_cas.clone(),
        };
        let client = self.build()?;
        crate::AsyncClient::new(client, http)
    }

    /// Builds the client and resolves its first credentials, so that a client without any
    /// fails here, saying what each source lacked. Without a provider, uses the default chain
    /// of the process's environment.
    pub fn build(self) -> Result<Client, Error> {
        let policy = self.effective_policy();
        policy.validate()?;
        let crm = self.endpoint_for(&self.crm, Product::Crm)?;
        let aas = self.endpoint_for(&self.aas, Product::Aas)?;
        let proxy = match &self.proxy {
            Some(url) => Proxy::Given(url.clone()),
            None => Proxy::FromEnv,
        };
        let resolver = Arc::new(CachingResolver::new(self.dns_cache_ttl, self.fixed_addrs));
        let transport = Transport::with_trust(
            policy.user_agent(),
            &proxy,
            self.max_idle_connections,
            &self.extra_cas,
            resolver,
        )?;
        let provider = match self.provider {
            Some(p) => p,
            None => CredentialsProvider::default_chain(&Env::process()),
        };
        let resolved = provider.credentials()?;
        let signer = signer_of(&resolved, &crm, &aas);
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                provider: RwLock::new(provider),
                signer: RwLock::new((resolved, signer)),
                crm,
                aas,
                policy,
                clock_offset: AtomicI64::new(0),
            }),
        })
    }
}

fn signer_of(c: &ResolvedCredentials, crm: &Endpoint, aas: &Endpoint) -> Arc<Signer> {
    Arc::new(
        Signer::new(c.credentials().clone())
            .with_endpoint(Product::Crm, crm.clone())
            .with_endpoint(Product::Aas, aas.clone()),
    )
}

fn same_keys(a: &Credentials, b: &Credentials) -> bool {
    a.access_key_id() == b.access_key_id()
        && a.security_token() == b.security_token()
        && a.access_key_secret() == b.access_key_secret()
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

    /// Replaces the credentials for every clone of this client with these (which then never
    /// refresh). Calls under way finish their current attempt with the credentials they had.
    pub fn set_credentials(&self, credentials: Credentials) {
        self.set_provider(CredentialsProvider::fixed(credentials));
    }

    /// Replaces the credentials provider for every clone of this client. The next attempt of
    /// any call is signed with what it hands out.
    pub fn set_provider(&self, provider: CredentialsProvider) {
        *self
            .inner
            .provider
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = provider;
    }

    /// The credentials provider in use.
    pub fn provider(&self) -> CredentialsProvider {
        self.inner
            .provider
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn current(&self) -> (Arc<ResolvedCredentials>, Arc<Signer>) {
        self.inner
            .signer
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The signer of the provider's current credentials, rebuilt only when they changed.
    /// May fetch them (blocking I/O).
    pub(crate) fn signer_now(&self) -> Result<Arc<Signer>, Error> {
        let resolved = self.provider().credentials()?;
        Ok(self.signer_of_resolved(resolved))
    }

    fn signer_of_resolved(&self, resolved: Arc<ResolvedCredentials>) -> Arc<Signer> {
        let (seen, signer) = self.current();
        if Arc::ptr_eq(&seen, &resolved) || same_keys(seen.credentials(), resolved.credentials()) {
            return signer;
        }
        let signer = signer_of(&resolved, &self.inner.crm, &self.inner.aas);
        *self
            .inner
            .signer
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = (resolved, signer.clone());
        signer
    }

    /// [`Client::next_signer`] when it needs no fetch or wait: `None` when the credentials
    /// must be fetched first ([`Client::signer_now`], where blocking is allowed). Credentials
    /// the server refused are invalidated either way.
    #[cfg_attr(not(feature = "async"), allow(dead_code))]
    pub(crate) fn ready_signer<O: Exchange>(&self, call: &Call<O>) -> Option<Arc<Signer>> {
        self.forget_rejected(call);
        let resolved = self.provider().cached()?;
        Some(self.signer_of_resolved(resolved))
    }

    /// The resolver every driver of this client shares.
    #[cfg_attr(not(feature = "async"), allow(dead_code))]
    pub(crate) fn resolver(&self) -> &Arc<crate::resolve::CachingResolver> {
        self.inner.transport.resolver()
    }

    /// The signer in use (credentials and endpoints), its credentials refreshed first when
    /// they are due. When they cannot be refreshed, the last signer: use
    /// [`Client::next_signer`] to sign, which fails instead.
    pub fn signer(&self) -> Arc<Signer> {
        self.signer_now().unwrap_or_else(|_| self.current().1)
    }

    /// The signer for `call`'s next attempt: the provider's current credentials, fetched
    /// anew first when the server refused the last attempt's as expired
    /// ([`Call::rejected_credentials`]). Fails when no valid credentials can be had: an
    /// expired credential is never used.
    pub fn next_signer<O: Exchange>(&self, call: &Call<O>) -> Result<Arc<Signer>, Error> {
        self.forget_rejected(call);
        self.signer_now()
    }

    /// Drops the provider's credentials that `call`'s last attempt had refused as expired,
    /// so that the next signer is of fresh ones.
    fn forget_rejected<O: Exchange>(&self, call: &Call<O>) {
        if let Some(id) = call.rejected_credentials() {
            self.provider().invalidate(id);
        }
    }

    /// System name lookups made so far; a cached answer, an IP literal or a fixed address
    /// ([`ClientBuilder::resolve`]) is not one.
    pub fn name_lookups(&self) -> u64 {
        self.inner.transport.name_lookups()
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
    /// stack of its own. Sign each attempt with [`Client::next_signer`] (or
    /// [`Client::signer`]); when the call has its decision, hand it to [`Client::finish`] so
    /// the client keeps what it learned.
    pub fn start<O: Exchange>(&self, op: O) -> Call<O> {
        Call::new(op, self.inner.policy.clone()).with_clock_offset(self.clock_offset())
    }

    /// Keeps what a finished call learned, for later calls: the clock offset, and which
    /// credentials the server refused as expired (the next call fetches new ones).
    pub fn finish<O: Exchange>(&self, call: &Call<O>) {
        self.inner
            .clock_offset
            .store(call.clock_offset(), Ordering::Relaxed);
        self.forget_rejected(call);
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
        let (outcome, call) = self.inner.transport.execute(
            op,
            &self.inner.policy,
            self.clock_offset(),
            &mut |call| self.next_signer(call),
        );
        self.finish(&call);
        outcome
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
