//! The emulator's mutable state, shared by every connection behind one mutex.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use bidcert_core::{MemoryNonceStore, Timestamp, CERT_WAYS_URL_VALIDITY_SECONDS};
use serde::Serialize;
use tokio::sync::watch;

use crate::fault::{Fault, FaultKind};
use crate::fixture::{Certificate, Customer, Fixture};
use crate::metadata;
use crate::server::Door;
use crate::sts;

/// How many API requests the log keeps (the oldest go first).
pub const REQUEST_LOG_LIMIT: usize = 10_000;
/// How many verification links are kept; past it, expired ones are dropped, then the oldest.
const LINK_LIMIT: usize = 50_000;

/// One API request as the emulator saw and answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    /// The `RequestId` of the answer.
    pub request_id: String,
    /// Emulator time when it was answered.
    pub at: String,
    /// `GET` or `POST` (or whatever else was sent).
    pub method: String,
    /// The `Action` parameter (V3: the `x-acs-action` header), if any.
    pub action: Option<String>,
    /// The `AccessKeyId` parameter (V3: the `Credential` of `Authorization`), if any.
    pub access_key_id: Option<String>,
    /// The `SignatureNonce` parameter (V3: `x-acs-signature-nonce`), if any.
    pub nonce: Option<String>,
    /// The `Timestamp` parameter (V3: `x-acs-date`) as sent, if any: with `code`, what
    /// clock-skew correction is checked against (a stale one answers
    /// `InvalidTimeStamp.Expired`).
    pub timestamp: Option<String>,
    /// The signature it claimed: `"v1"` (a `Signature` parameter), `"v3"` (an `ACS3-`
    /// `Authorization`), or `None` for an unsigned request.
    pub signature_version: Option<String>,
    /// Whether it came over HTTPS.
    pub tls: bool,
    /// The HTTP status sent; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// The error code answered; `None` for a success (and for answers that are no gateway
    /// error, such as the non-JSON fault's page).
    pub code: Option<String>,
    /// The injected fault applied to it, if any.
    pub fault: Option<FaultKind>,
}

/// A customer as the emulator holds it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerState {
    /// The customer's account id.
    pub pk: String,
    /// The owning reseller's uid.
    pub owner: String,
    /// Whether it has passed identity verification.
    pub verified: bool,
    /// What a Query reports about it: `Some` once verified.
    pub certificate: Option<Certificate>,
}

impl From<&Customer> for CustomerState {
    fn from(c: &Customer) -> Self {
        CustomerState {
            pk: c.pk.clone(),
            owner: c.owner.clone(),
            verified: c.verified,
            certificate: c.reported_certificate().map(Cow::into_owned),
        }
    }
}

/// `verify_customer` named a PK that is in no fixture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCustomer(pub String);

impl fmt::Display for UnknownCustomer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no customer with pk {:?} in the fixture", self.0)
    }
}

impl std::error::Error for UnknownCustomer {}

/// Who signed a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// Index into `fixture.resellers`.
    Reseller(usize),
    /// Index into `fixture.accounts`.
    Account(usize),
    /// A temporary key STS issued (its token and expiry are checked after the signature).
    Session,
}

/// An issued verification link.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub(crate) pk: String,
    pub(crate) issued_at: i64,
    pub(crate) enterprise_only: bool,
}

impl Link {
    pub(crate) fn expires_at(&self) -> i64 {
        self.issued_at + CERT_WAYS_URL_VALIDITY_SECONDS
    }
}

pub(crate) struct State {
    initial: Fixture,
    pub(crate) fixture: Fixture,
    /// AccessKey ID → caller; identities never change after start.
    pub(crate) keys: HashMap<String, Caller>,
    /// PK → index into `fixture.customers`.
    customers: HashMap<String, usize>,
    pub(crate) clock_offset: i64,
    pub(crate) nonces: MemoryNonceStore,
    pub(crate) faults: Vec<Fault>,
    pub(crate) log: VecDeque<RequestRecord>,
    pub(crate) links: HashMap<String, Link>,
    /// TLS handshakes completed on the HTTPS listener.
    pub(crate) tls_handshakes: u64,
    /// Role ARN → index into `fixture.roles`.
    roles: HashMap<String, usize>,
    /// The temporary keys STS issued.
    pub(crate) sts: sts::Keys,
    /// STS requests received, by action, whatever their outcome.
    pub(crate) sts_calls: BTreeMap<String, u64>,
    /// The metadata service's own state.
    pub(crate) metadata: metadata::MetadataState,
}

impl State {
    pub(crate) fn new(fixture: Fixture, require_imdsv2: bool) -> Self {
        let mut keys = HashMap::new();
        for (i, r) in fixture.resellers.iter().enumerate() {
            keys.insert(r.access_key_id.clone(), Caller::Reseller(i));
        }
        for (i, a) in fixture.accounts.iter().enumerate() {
            keys.insert(a.access_key_id.clone(), Caller::Account(i));
        }
        let customers = fixture
            .customers
            .iter()
            .enumerate()
            .map(|(i, c)| (c.pk.clone(), i))
            .collect();
        let roles = fixture
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| (r.arn.clone(), i))
            .collect();
        State {
            initial: fixture.clone(),
            fixture,
            keys,
            customers,
            clock_offset: 0,
            nonces: MemoryNonceStore::new(),
            faults: Vec::new(),
            log: VecDeque::new(),
            links: HashMap::new(),
            tls_handshakes: 0,
            roles,
            sts: sts::Keys::default(),
            sts_calls: BTreeMap::new(),
            metadata: metadata::MetadataState::new(require_imdsv2),
        }
    }

    /// Back to the state at start: fixture, clock, nonces, faults, links, log and counts.
    pub(crate) fn reset(&mut self) {
        self.fixture = self.initial.clone();
        self.clock_offset = 0;
        self.nonces.clear();
        self.faults.clear();
        self.log.clear();
        self.links.clear();
        self.tls_handshakes = 0;
        self.sts.clear();
        self.sts_calls.clear();
        self.metadata.reset();
    }

    /// The emulator clock: the system clock moved by the offset.
    pub(crate) fn now(&self) -> Timestamp {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let unix = system
            .saturating_add(self.clock_offset)
            .clamp(Timestamp::MIN_UNIX, Timestamp::MAX_UNIX);
        Timestamp::from_unix(unix).unwrap_or_else(|_| Timestamp::now())
    }

    /// Who signs with `access_key_id`, and its secret: a fixture key, or a temporary key STS
    /// issued. An associated function over the fields it reads, so it can run while the nonce
    /// store is borrowed mutably.
    pub(crate) fn key<'a>(
        fixture: &'a Fixture,
        keys: &HashMap<String, Caller>,
        sts: &'a sts::Keys,
        access_key_id: &str,
    ) -> Option<(Caller, &'a str)> {
        if let Some(issued) = sts.get(access_key_id) {
            return Some((Caller::Session, &issued.secret));
        }
        let caller = *keys.get(access_key_id)?;
        let secret = match caller {
            Caller::Reseller(i) => &fixture.resellers[i].access_key_secret,
            Caller::Account(i) => &fixture.accounts[i].access_key_secret,
            Caller::Session => return None,
        };
        Some((caller, secret))
    }

    /// The index of the role with `arn`.
    pub(crate) fn role_index(&self, arn: &str) -> Option<usize> {
        self.roles.get(arn).copied()
    }

    fn customer_index(&self, pk: &str) -> Option<usize> {
        self.customers.get(pk).copied()
    }

    pub(crate) fn customer(&self, pk: &str) -> Option<&Customer> {
        self.customer_index(pk).map(|i| &self.fixture.customers[i])
    }

    pub(crate) fn customer_states(&self) -> Vec<CustomerState> {
        self.fixture
            .customers
            .iter()
            .map(CustomerState::from)
            .collect()
    }

    /// Marks a customer verified, keeping its certificate or giving it the placeholder.
    pub(crate) fn verify_customer(
        &mut self,
        pk: &str,
        enterprise_only: bool,
    ) -> Result<CustomerState, UnknownCustomer> {
        let i = self
            .customer_index(pk)
            .ok_or_else(|| UnknownCustomer(pk.to_owned()))?;
        let c = &mut self.fixture.customers[i];
        c.verified = true;
        if c.certificate.is_none() {
            c.certificate = Some(Certificate::placeholder(enterprise_only));
        }
        Ok(CustomerState::from(&*c))
    }

    pub(crate) fn record(&mut self, record: RequestRecord) {
        if self.log.len() >= REQUEST_LOG_LIMIT {
            self.log.pop_front();
        }
        self.log.push_back(record);
    }

    pub(crate) fn add_link(&mut self, token: String, link: Link) {
        if self.links.len() >= LINK_LIMIT {
            let now = self.now().unix();
            self.links.retain(|_, l| l.expires_at() > now);
            if self.links.len() >= LINK_LIMIT {
                let oldest = self
                    .links
                    .iter()
                    .min_by_key(|(_, l)| l.issued_at)
                    .map(|(t, _)| t.clone());
                if let Some(t) = oldest {
                    self.links.remove(&t);
                }
            }
        }
        self.links.insert(token, link);
    }
}

/// Where the emulator listens, fixed at start.
#[derive(Debug, Clone)]
pub(crate) struct Urls {
    /// `http://127.0.0.1:PORT`.
    pub(crate) http: String,
    /// `https://127.0.0.1:PORT`, when HTTPS is served.
    pub(crate) https: Option<String>,
    /// `http://127.0.0.1:PORT` of the metadata service, when it is served.
    pub(crate) metadata: Option<String>,
}

/// The state and what never changes, shared by the handle and every connection.
pub(crate) struct Shared {
    pub(crate) base_url: String,
    pub(crate) https_url: Option<String>,
    pub(crate) metadata_url: Option<String>,
    /// The CA's PEM, when HTTPS is served.
    pub(crate) ca_pem: Option<String>,
    state: Mutex<State>,
    /// Turns true when the server stops, so requests held on purpose (the hang fault) end.
    closing: watch::Sender<bool>,
}

impl Shared {
    pub(crate) fn new(
        urls: Urls,
        ca_pem: Option<String>,
        fixture: Fixture,
        require_imdsv2: bool,
    ) -> Self {
        Shared {
            base_url: urls.http,
            https_url: urls.https,
            metadata_url: urls.metadata,
            ca_pem,
            state: Mutex::new(State::new(fixture, require_imdsv2)),
            closing: watch::Sender::new(false),
        }
    }

    /// The base URL of the listener behind `door`.
    pub(crate) fn base(&self, door: Door) -> &str {
        match (door, &self.https_url, &self.metadata_url) {
            (Door::Https, Some(url), _) | (Door::Metadata, _, Some(url)) => url,
            _ => &self.base_url,
        }
    }

    /// Tells held requests that the server stops.
    pub(crate) fn closing(&self) {
        self.closing.send_replace(true);
    }

    /// Waits until the server stops (what a request held by the hang fault waits for).
    pub(crate) async fn closed(&self) {
        let mut rx = self.closing.subscribe();
        let _ = rx.wait_for(|closing| *closing).await;
    }

    /// Locks the state. A panic while locked cannot leave it half-updated in a way that
    /// matters to an emulator, so a poisoned lock is used as is.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}
