//! The shared handle every consumer holds: it caches what a source fetched and refreshes it
//! ahead of its expiry, one caller at a time, while the others keep the valid credentials.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Instant, SystemTime};

use bidcert_core::exchange::Jitter;
use bidcert_core::{Credentials, Error, Freshness, RefreshPolicy};
use log::{debug, warn};

use super::provide::{refuse, CredentialsKind, ProvideCredentials, ResolvedCredentials};

/// A source of credentials with its cache: what a [`Client`](crate::Client) signs with.
///
/// Cheap to clone; clones share the cache. [`CredentialsProvider::credentials`] answers the
/// cached credentials while they are fresh. When 180 s or less of their life remain (or,
/// for credentials that arrived with less, halfway through what they had), one caller
/// fetches new ones while the others keep using the valid ones (single flight); a
/// failed refresh keeps them and is retried after a backoff (1 s, doubling to 60 s). Expired
/// credentials are never handed out: callers wait for the one refresh under way.
///
/// ```
/// use bidcert::credentials::{CredentialsProvider, CredentialsKind};
/// use bidcert::Credentials;
/// let p = CredentialsProvider::fixed(Credentials::new("LTAI5tExample", "secret")?);
/// let c = p.credentials()?;
/// assert_eq!(c.kind(), CredentialsKind::Static);
/// assert_eq!(c.credentials().access_key_id(), "LTAI5tExample");
/// # Ok::<(), bidcert::Error>(())
/// ```
#[derive(Clone)]
pub struct CredentialsProvider {
    inner: Arc<Cache>,
}

struct Cache {
    source: Box<dyn ProvideCredentials>,
    policy: RefreshPolicy,
    state: Mutex<State>,
    refreshed: Condvar,
}

#[derive(Default)]
struct State {
    current: Option<Arc<ResolvedCredentials>>,
    fetched_at: Option<SystemTime>,
    refreshing: bool,
    failures: u32,
    retry_at: Option<Instant>,
    last_error: Option<Error>,
    // The AccessKeyId a server refused as expired: not handed out again until refreshed.
    refused: Option<String>,
    // An AccessKeyId refused once and handed out again by its source: not refused twice, so
    // a source that keeps handing it out is not asked again and again.
    refused_twice: Option<String>,
}

/// The credentials a caller gives: long-term, or temporary with their token.
#[derive(Debug)]
struct Fixed(ResolvedCredentials);

impl ProvideCredentials for Fixed {
    fn fetch(&self) -> Result<ResolvedCredentials, Error> {
        Ok(self.0.clone())
    }
    fn describe(&self) -> String {
        "explicit credentials".to_owned()
    }
}

impl CredentialsProvider {
    /// `source` with the default [`RefreshPolicy`].
    pub fn new(source: impl ProvideCredentials + 'static) -> Self {
        Self::with_refresh_policy(source, RefreshPolicy::default())
    }

    /// `source`, refreshed as `policy` says.
    pub fn with_refresh_policy(
        source: impl ProvideCredentials + 'static,
        policy: RefreshPolicy,
    ) -> Self {
        CredentialsProvider {
            inner: Arc::new(Cache {
                source: Box::new(source),
                policy,
                state: Mutex::new(State::default()),
                refreshed: Condvar::new(),
            }),
        }
    }

    /// Credentials given as they are (kind `static`, or `sts` with a security token); they
    /// never refresh.
    pub fn fixed(credentials: Credentials) -> Self {
        let kind = match credentials.security_token() {
            Some(_) => CredentialsKind::Sts,
            None => CredentialsKind::Static,
        };
        let resolved = ResolvedCredentials::new(credentials, None, kind, "explicit", "given");
        CredentialsProvider::new(Fixed(resolved))
    }

    /// The refresh timing it follows.
    pub fn refresh_policy(&self) -> &RefreshPolicy {
        &self.inner.policy
    }

    /// What its source reads, for messages.
    pub fn describe(&self) -> String {
        self.inner.source.describe()
    }

    /// The credentials to sign with now: the cached ones while fresh, else fetched (by one
    /// caller at a time). Fails when the source fails and no valid credentials are cached.
    pub fn credentials(&self) -> Result<Arc<ResolvedCredentials>, Error> {
        let cache = &*self.inner;
        let mut state = cache.lock();
        loop {
            let freshness = state
                .current
                .as_ref()
                .map(|c| state.freshness(&cache.policy, c));
            match (freshness, state.current.clone()) {
                (Some(Freshness::Fresh), Some(current)) => return Ok(current),
                (Some(Freshness::RefreshAhead), Some(current)) => {
                    if state.refreshing || !state.retry_due() {
                        return Ok(current);
                    }
                    state = cache.refresh(state);
                    // Refreshed, or still the old ones if they are valid; else the error.
                }
                _ => {
                    if state.refreshing {
                        state = cache
                            .refreshed
                            .wait(state)
                            .unwrap_or_else(|poisoned| poisoned.into_inner());
                        continue;
                    }
                    if !state.retry_due() {
                        return Err(state.last_error.clone().unwrap_or_else(|| {
                            refuse(cache.source.describe(), "no valid credentials")
                        }));
                    }
                    state = cache.refresh(state);
                    let usable = state
                        .current
                        .as_ref()
                        .filter(|c| state.freshness(&cache.policy, c) != Freshness::Expired);
                    return match usable {
                        Some(c) => Ok(c.clone()),
                        None => Err(state.last_error.clone().unwrap_or_else(|| {
                            refuse(cache.source.describe(), "no valid credentials")
                        })),
                    };
                }
            }
        }
    }

    /// What [`CredentialsProvider::credentials`] would answer now without fetching or
    /// waiting: the cached credentials while fresh, or while another caller refreshes them
    /// ahead of expiry. `None` when the caller would fetch or wait: an async driver then
    /// calls `credentials` where blocking is allowed.
    pub fn cached(&self) -> Option<Arc<ResolvedCredentials>> {
        let cache = &*self.inner;
        let state = cache.lock();
        let current = state.current.clone()?;
        match state.freshness(&cache.policy, &current) {
            Freshness::Fresh => Some(current),
            Freshness::RefreshAhead if state.refreshing || !state.retry_due() => Some(current),
            _ => None,
        }
    }

    /// Tells the cache that a server refused the credentials of `access_key_id` as expired:
    /// unless they were refused before and handed out again, they are not used any more, and
    /// the next [`CredentialsProvider::credentials`] fetches new ones.
    pub fn invalidate(&self, access_key_id: &str) {
        let mut state = self.inner.lock();
        let is_current = state
            .current
            .as_ref()
            .is_some_and(|c| c.credentials().access_key_id() == access_key_id);
        if is_current && state.refused_twice.as_deref() != Some(access_key_id) {
            debug!(
                target: "bidcert::credentials",
                "AccessKeyId {access_key_id} was refused as expired; fetching new credentials"
            );
            state.refused = Some(access_key_id.to_owned());
            // Refused credentials are no better than none: fetch now, whatever the backoff.
            state.retry_at = None;
            drop(state);
            self.inner.source.invalidate(access_key_id);
        }
    }
}

impl State {
    /// What the cached `c` is good for now: refused ones are as good as expired.
    fn freshness(&self, policy: &RefreshPolicy, c: &ResolvedCredentials) -> Freshness {
        if self.refused.as_deref() == Some(c.credentials().access_key_id()) {
            return Freshness::Expired;
        }
        let fetched = self.fetched_at.unwrap_or(SystemTime::UNIX_EPOCH);
        policy.freshness(c.expiration(), fetched, SystemTime::now())
    }

    fn retry_due(&self) -> bool {
        self.retry_at.is_none_or(|at| Instant::now() >= at)
    }
}

impl Cache {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Fetches with the lock released (others keep reading the cached credentials or wait),
    /// then records the outcome and wakes the waiters.
    fn refresh<'a>(&'a self, mut state: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        state.refreshing = true;
        drop(state);
        let fetched = self.source.fetch().and_then(|c| {
            let now = SystemTime::now();
            match self.policy.freshness(c.expiration(), now, now) {
                Freshness::Expired => Err(refuse(
                    self.source.describe(),
                    format!(
                        "the credentials it handed out (AccessKeyId {}) expired at {}, by this \
                         machine's clock",
                        c.credentials().access_key_id(),
                        c.expiration().map(|e| e.to_string()).unwrap_or_default()
                    ),
                )),
                _ => Ok(c),
            }
        });
        let mut state = self.lock();
        state.refreshing = false;
        match fetched {
            Ok(c) => {
                debug!(
                    target: "bidcert::credentials",
                    "credentials from {} ({}): AccessKeyId {}, {}",
                    c.source(),
                    c.kind(),
                    c.credentials().access_key_id(),
                    match c.expiration() {
                        Some(e) => format!("expires {e}"),
                        None => "no expiry".to_owned(),
                    }
                );
                let id = c.credentials().access_key_id();
                if state.refused.as_deref() == Some(id) {
                    state.refused_twice = Some(id.to_owned());
                }
                state.refused = None;
                state.current = Some(Arc::new(c));
                state.fetched_at = Some(SystemTime::now());
                state.failures = 0;
                state.retry_at = None;
                state.last_error = None;
            }
            Err(e) => {
                state.failures = state.failures.saturating_add(1);
                let wait = self.policy.retry_delay(state.failures, Jitter::random());
                state.retry_at = Some(Instant::now() + wait);
                warn!(
                    target: "bidcert::credentials",
                    "fetching credentials failed ({}); {}next attempt in {} ms",
                    one_line(&e),
                    if state.current.is_some() { "keeping the current ones while valid; " } else { "" },
                    wait.as_millis()
                );
                state.last_error = Some(e);
            }
        }
        self.refreshed.notify_all();
        state
    }
}

fn one_line(e: &Error) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl fmt::Debug for CredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.lock();
        f.debug_struct("CredentialsProvider")
            .field("source", &self.inner.source)
            .field("current", &state.current)
            .field("failures", &state.failures)
            .finish_non_exhaustive()
    }
}
