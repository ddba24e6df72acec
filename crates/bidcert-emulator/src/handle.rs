//! Starting the emulator and driving it from the process that started it.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use bidcert_core::Timestamp;
use tokio::sync::oneshot;

use crate::fault::Fault;
use crate::fixture::Fixture;
use crate::metadata::MetadataRequests;
use crate::server::{self, Limits, Listeners};
use crate::state::{CustomerState, RequestRecord, Shared, UnknownCustomer, Urls};
use crate::sts::StsCredential;
use crate::tls::Tls;

/// The emulator of both endpoints. Start one with [`Emulator::builder`].
///
/// ```
/// use bidcert_emulator::{demo, Emulator};
/// let emulator = Emulator::builder().start().unwrap(); // demo fixture, ephemeral port
/// assert!(emulator.base_url().starts_with("http://127.0.0.1:"));
/// assert!(emulator.customer(demo::UNVERIFIED_PK).is_some_and(|c| !c.verified));
/// emulator.verify_customer(demo::UNVERIFIED_PK).unwrap();
/// assert!(emulator.customer(demo::UNVERIFIED_PK).unwrap().verified);
/// emulator.shutdown();
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Emulator;

impl Emulator {
    /// A builder with the defaults: demo fixture, `127.0.0.1`, an ephemeral port.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Configures and starts an [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    fixture: Option<Fixture>,
    bind: IpAddr,
    port: u16,
    header_read_timeout: Duration,
    worker_threads: usize,
    tls: bool,
    tls_port: u16,
    metadata: bool,
    metadata_port: u16,
    require_imdsv2: bool,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            fixture: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            header_read_timeout: Duration::from_secs(30),
            worker_threads: 2,
            tls: false,
            tls_port: 0,
            metadata: false,
            metadata_port: 0,
            require_imdsv2: false,
        }
    }
}

/// The largest request body accepted; a larger one is answered 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The bound of the request line and headers: up to this many bytes are always accepted;
/// a head well past it (at most twice as long, as hyper reads in chunks) is answered 414 (a
/// long request line) or 431 (long headers).
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

impl EmulatorBuilder {
    /// The fixture to serve (default: [`Fixture::demo`]).
    pub fn fixture(mut self, fixture: Fixture) -> Self {
        self.fixture = Some(fixture);
        self
    }

    /// The port (default 0: an ephemeral one; read it back with [`EmulatorHandle::port`]).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The address to listen on: loopback only (default `127.0.0.1`).
    pub fn bind(mut self, ip: IpAddr) -> Self {
        self.bind = ip;
        self
    }

    /// How long a client may take to send a request's headers, and then its body (default
    /// 30 s); a slower client is disconnected (headers) or answered 408 (body). An idle
    /// keep-alive connection is closed after it too.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Also serve HTTPS, on a port of its own beside the HTTP one, with the same state (default
    /// off). A CA and a leaf certificate for `127.0.0.1`, `::1` and `localhost` are made at
    /// start; a client trusts [`EmulatorHandle::ca_pem`] to connect to
    /// [`EmulatorHandle::https_url`].
    pub fn tls(mut self, enabled: bool) -> Self {
        self.tls = enabled;
        self
    }

    /// The HTTPS port (default 0: an ephemeral one); only with [`EmulatorBuilder::tls`].
    pub fn tls_port(mut self, port: u16) -> Self {
        self.tls_port = port;
        self
    }

    /// Also serve the ECS instance metadata service and a credentials URI, on a port of their
    /// own ([`EmulatorHandle::metadata_url`], [`EmulatorHandle::credentials_uri`]; default off).
    /// They hand out temporary keys of the fixture's instance role.
    pub fn metadata(mut self, enabled: bool) -> Self {
        self.metadata = enabled;
        self
    }

    /// The metadata port (default 0: an ephemeral one); only with [`EmulatorBuilder::metadata`].
    pub fn metadata_port(mut self, port: u16) -> Self {
        self.metadata_port = port;
        self
    }

    /// Whether the metadata service answers only requests with a session token (IMDSv2 only,
    /// as an instance in security hardening mode; default false: IMDSv1 is allowed too).
    pub fn require_imdsv2(mut self, required: bool) -> Self {
        self.require_imdsv2 = required;
        self
    }

    /// Threads serving requests (default 2).
    pub fn worker_threads(mut self, n: usize) -> Self {
        self.worker_threads = n.max(1);
        self
    }

    /// Validates the fixture, binds the port and starts serving on threads of its own.
    ///
    /// Fails with [`io::ErrorKind::InvalidInput`] for a non-loopback address or an inconsistent
    /// fixture, or with the bind error.
    pub fn start(self) -> io::Result<EmulatorHandle> {
        if !self.bind.is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "the emulator listens on loopback addresses only, not {}",
                    self.bind
                ),
            ));
        }
        let fixture = self.fixture.unwrap_or_else(Fixture::demo);
        fixture
            .validate()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let bind = |port: u16| -> io::Result<(std::net::TcpListener, u16)> {
            let listener = std::net::TcpListener::bind(SocketAddr::new(self.bind, port))?;
            listener.set_nonblocking(true)?;
            let port = listener.local_addr()?.port();
            Ok((listener, port))
        };
        let url = |scheme: &str, port: u16| match self.bind {
            IpAddr::V4(ip) => format!("{scheme}://{ip}:{port}"),
            IpAddr::V6(ip) => format!("{scheme}://[{ip}]:{port}"),
        };
        let (http, port) = bind(self.port)?;
        let https = if self.tls {
            Some((bind(self.tls_port)?, Tls::generate()?))
        } else {
            None
        };
        let metadata = if self.metadata {
            Some(bind(self.metadata_port)?)
        } else {
            None
        };
        let urls = Urls {
            http: url("http", port),
            https: https.as_ref().map(|((_, port), _)| url("https", *port)),
            metadata: metadata.as_ref().map(|(_, port)| url("http", *port)),
        };
        let ca_pem = https.as_ref().map(|(_, tls)| tls.ca_pem.clone());
        let shared = Arc::new(Shared::new(urls, ca_pem, fixture, self.require_imdsv2));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(self.worker_threads)
            .thread_name("bidcert-emulator-worker")
            .enable_io()
            .enable_time()
            .build()?;
        let listeners = {
            let _guard = runtime.enter();
            Listeners {
                http: tokio::net::TcpListener::from_std(http)?,
                https: match https {
                    Some(((listener, _), tls)) => {
                        Some((tokio::net::TcpListener::from_std(listener)?, tls.acceptor))
                    }
                    None => None,
                },
                metadata: match metadata {
                    Some((listener, _)) => Some(tokio::net::TcpListener::from_std(listener)?),
                    None => None,
                },
            }
        };
        let limits = Limits {
            header_read_timeout: self.header_read_timeout,
            body_read_timeout: self.header_read_timeout,
            max_body_bytes: MAX_BODY_BYTES,
            max_header_bytes: MAX_HEADER_BYTES,
        };
        let (stop, stopped) = oneshot::channel();
        let serving = shared.clone();
        let thread = std::thread::Builder::new()
            .name("bidcert-emulator".into())
            .spawn(move || {
                runtime.block_on(server::serve(listeners, serving, limits, stopped));
                runtime.shutdown_timeout(Duration::from_secs(1));
            })?;
        Ok(EmulatorHandle {
            shared,
            port,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// A running emulator. Dropping it shuts it down, as [`EmulatorHandle::shutdown`] does.
pub struct EmulatorHandle {
    shared: Arc<Shared>,
    port: u16,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EmulatorHandle {
    /// `http://127.0.0.1:PORT`: the endpoint for both products.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The port it listens on for HTTP.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `https://127.0.0.1:PORT`, the same endpoint over TLS, when started with
    /// [`EmulatorBuilder::tls`].
    ///
    /// ```
    /// use bidcert_emulator::Emulator;
    /// let emulator = Emulator::builder().tls(true).start().unwrap();
    /// assert!(emulator.https_url().unwrap().starts_with("https://127.0.0.1:"));
    /// assert!(emulator.ca_pem().unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
    /// assert_eq!(emulator.tls_handshakes(), 0);
    /// ```
    pub fn https_url(&self) -> Option<&str> {
        self.shared.https_url.as_deref()
    }

    /// The PEM of the CA that signed the HTTPS certificate, for a client to trust; `None`
    /// without [`EmulatorBuilder::tls`].
    pub fn ca_pem(&self) -> Option<&str> {
        self.shared.ca_pem.as_deref()
    }

    /// TLS handshakes completed since start (or the last [`EmulatorHandle::reset`]): one per
    /// HTTPS connection, so a client that reuses its connections makes few.
    pub fn tls_handshakes(&self) -> u64 {
        self.shared.lock().tls_handshakes
    }

    /// Stops accepting, lets requests in flight finish (at most about a second), and joins
    /// the emulator's threads.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    /// Back to the state at start: the fixture as given, clock offset 0, and no nonces,
    /// faults, links, logged requests, issued STS keys, metadata tokens or counts.
    pub fn reset(&self) {
        self.shared.lock().reset();
    }

    /// `http://127.0.0.1:PORT` of the metadata service (ECS instance metadata and the
    /// credentials URI), when started with [`EmulatorBuilder::metadata`]: what a client's
    /// metadata endpoint override (instead of `100.100.100.200`) points at.
    ///
    /// ```
    /// use bidcert_emulator::Emulator;
    /// let emulator = Emulator::builder().metadata(true).start().unwrap();
    /// let url = emulator.metadata_url().unwrap();
    /// assert!(url.starts_with("http://127.0.0.1:"));
    /// assert_eq!(emulator.credentials_uri().unwrap(), format!("{url}/credentials-uri"));
    /// assert_eq!(emulator.metadata_requests().total, 0);
    /// ```
    pub fn metadata_url(&self) -> Option<&str> {
        self.shared.metadata_url.as_deref()
    }

    /// The credentials URI (`GET` returns `{Code, AccessKeyId, AccessKeySecret,
    /// SecurityToken, Expiration}`), on the metadata port.
    pub fn credentials_uri(&self) -> Option<String> {
        self.metadata_url()
            .map(|url| format!("{url}{}", crate::metadata::CREDENTIALS_URI_PATH))
    }

    /// Whether the metadata service requires a session token (IMDSv2 only).
    pub fn set_require_imdsv2(&self, required: bool) {
        self.shared.lock().metadata.require_imdsv2 = required;
    }

    /// The requests the metadata port received, by kind.
    pub fn metadata_requests(&self) -> MetadataRequests {
        self.shared.lock().metadata.requests
    }

    /// STS requests received, by action (`AssumeRole`, `AssumeRoleWithOIDC`), whatever their
    /// outcome, faulted ones included.
    pub fn sts_calls(&self) -> BTreeMap<String, u64> {
        self.shared.lock().sts_calls.clone()
    }

    /// STS requests received with `action`.
    pub fn sts_call_count(&self, action: &str) -> u64 {
        self.shared
            .lock()
            .sts_calls
            .get(action)
            .copied()
            .unwrap_or(0)
    }

    /// The temporary keys issued so far (by STS and the metadata service), oldest first,
    /// without their secrets or tokens.
    pub fn sts_credentials(&self) -> Vec<StsCredential> {
        let state = self.shared.lock();
        state.sts.list(&state.fixture, state.now().unix())
    }

    /// Makes every temporary key issued so far expire now (emulator time): requests signed
    /// with them are refused `InvalidSecurityToken.Expired`, and the metadata service hands
    /// out fresh ones. Answers how many were still valid.
    pub fn expire_sts_credentials(&self) -> usize {
        let mut state = self.shared.lock();
        let now = state.now().unix();
        state.sts.expire_all(now)
    }

    /// Moves the emulator clock to the system clock plus `seconds` (negative: back).
    pub fn set_clock_offset(&self, seconds: i64) {
        self.shared.lock().clock_offset = seconds;
    }

    /// The current clock offset in seconds.
    pub fn clock_offset(&self) -> i64 {
        self.shared.lock().clock_offset
    }

    /// The emulator clock: the system clock plus the offset.
    pub fn now(&self) -> Timestamp {
        self.shared.lock().now()
    }

    /// Marks a customer verified, as if it had finished verification; returns its new state.
    pub fn verify_customer(&self, pk: &str) -> Result<CustomerState, UnknownCustomer> {
        self.shared.lock().verify_customer(pk, false)
    }

    /// Adds a fault after those already injected.
    pub fn inject_fault(&self, fault: Fault) {
        if fault.is_live() {
            self.shared.lock().faults.push(fault);
        }
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// The faults still pending, with their remaining counts.
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.clone()
    }

    /// The API requests answered so far, oldest first (the last
    /// [`REQUEST_LOG_LIMIT`](crate::REQUEST_LOG_LIMIT)).
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().log.iter().cloned().collect()
    }

    /// Forgets the logged requests.
    pub fn clear_requests(&self) {
        self.shared.lock().log.clear();
    }

    /// A customer's current state.
    pub fn customer(&self, pk: &str) -> Option<CustomerState> {
        self.shared.lock().customer(pk).map(CustomerState::from)
    }

    /// The fixture as it is now (customers verified since start included).
    pub fn fixture(&self) -> Fixture {
        self.shared.lock().fixture.clone()
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

impl fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorHandle")
            .field("base_url", &self.base_url())
            .field("https_url", &self.https_url())
            .field("metadata_url", &self.metadata_url())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handle_can_be_shared_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<EmulatorHandle>();
        assert_send_sync::<EmulatorBuilder>();
    }
}
