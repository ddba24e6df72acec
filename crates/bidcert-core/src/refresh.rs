//! When cached temporary credentials are refreshed: ahead of their expiry, and again after a
//! failed refresh. Pure: the time and the jitter are inputs; a provider's cache asks.

use std::time::{Duration, SystemTime};

use crate::clock::Timestamp;
use crate::exchange::Jitter;

/// What cached credentials are good for at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Use them.
    Fresh,
    /// Still valid, but close to their expiry: one caller refreshes them while the others keep
    /// using them.
    RefreshAhead,
    /// Past their expiry: never used; every caller waits for new ones.
    Expired,
}

/// How credentials with an expiry are kept fresh, declared once for every binding.
///
/// Defaults: refreshed when 180 s or less remain (as the official credentials libraries do);
/// after a failed refresh, the next attempt waits 1 s, doubling to at most 60 s, with jitter.
///
/// Credentials that arrive with 180 s or less left (a short session, or an issuer whose clock
/// is behind ours) are refreshed halfway through what they had left, not at once: otherwise
/// every caller would fetch them again.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use bidcert_core::{Freshness, RefreshPolicy, Timestamp};
/// let p = RefreshPolicy::default();
/// let expiry = Timestamp::parse("2026-11-23T09:00:00Z").unwrap();
/// let at = |s: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
/// let e = expiry.unix() as u64;
/// let fetched = at(e - 3600);
/// assert_eq!(p.freshness(Some(expiry), fetched, at(e - 181)), Freshness::Fresh);
/// assert_eq!(p.freshness(Some(expiry), fetched, at(e - 180)), Freshness::RefreshAhead);
/// assert_eq!(p.freshness(Some(expiry), fetched, at(e)), Freshness::Expired);
/// // Fetched with 100 s left: refreshed 50 s later.
/// assert_eq!(p.freshness(Some(expiry), at(e - 100), at(e - 51)), Freshness::Fresh);
/// assert_eq!(p.freshness(Some(expiry), at(e - 100), at(e - 50)), Freshness::RefreshAhead);
/// assert_eq!(p.freshness(None, fetched, at(e)), Freshness::Fresh); // long-term keys never expire
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshPolicy {
    ahead: Duration,
    retry_base: Duration,
    retry_max: Duration,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        RefreshPolicy {
            ahead: Duration::from_secs(180),
            retry_base: Duration::from_secs(1),
            retry_max: Duration::from_secs(60),
        }
    }
}

impl RefreshPolicy {
    /// Refresh when this much or less of the credentials' life remains.
    pub fn with_ahead(mut self, d: Duration) -> Self {
        self.ahead = d;
        self
    }
    /// The wait after the first failed refresh; it doubles for each further failure.
    pub fn with_retry_base(mut self, d: Duration) -> Self {
        self.retry_base = d;
        self
    }
    /// The longest wait between two failed refreshes.
    pub fn with_retry_max(mut self, d: Duration) -> Self {
        self.retry_max = d;
        self
    }
    /// How long before the expiry a refresh starts.
    pub fn ahead(&self) -> Duration {
        self.ahead
    }
    /// The wait after the first failed refresh.
    pub fn retry_base(&self) -> Duration {
        self.retry_base
    }
    /// The longest wait between failed refreshes.
    pub fn retry_max(&self) -> Duration {
        self.retry_max
    }

    /// When credentials fetched at `fetched` and expiring at `expiration` (none: long-term
    /// keys, never) are to be refreshed: [`RefreshPolicy::ahead`] of their expiry, or halfway
    /// through what they had left when they arrived with less than that.
    pub fn refresh_at(
        &self,
        expiration: Option<Timestamp>,
        fetched: SystemTime,
    ) -> Option<SystemTime> {
        let expiry = expiry(expiration?);
        let ahead = expiry.checked_sub(self.ahead).filter(|at| *at > fetched);
        Some(ahead.unwrap_or_else(|| {
            let left = expiry.duration_since(fetched).unwrap_or_default();
            fetched + left / 2
        }))
    }

    /// What credentials fetched at `fetched` and expiring at `expiration` (none: long-term
    /// keys) are good for `now`.
    pub fn freshness(
        &self,
        expiration: Option<Timestamp>,
        fetched: SystemTime,
        now: SystemTime,
    ) -> Freshness {
        let (Some(expiration), Some(refresh_at)) =
            (expiration, self.refresh_at(expiration, fetched))
        else {
            return Freshness::Fresh;
        };
        if now >= expiry(expiration) {
            Freshness::Expired
        } else if now >= refresh_at {
            Freshness::RefreshAhead
        } else {
            Freshness::Fresh
        }
    }

    /// The wait before the next refresh after `failures` failed ones in a row (1 for the
    /// first): half to all (by `jitter`) of the capped doubling delay, so that the processes
    /// of a fleet that failed together do not retry together.
    ///
    /// ```
    /// use std::time::Duration;
    /// use bidcert_core::{exchange::Jitter, RefreshPolicy};
    /// let p = RefreshPolicy::default();
    /// assert_eq!(p.retry_delay(1, Jitter::new(1.0)), Duration::from_secs(1));
    /// assert_eq!(p.retry_delay(3, Jitter::new(0.0)), Duration::from_secs(2));
    /// assert_eq!(p.retry_delay(30, Jitter::new(1.0)), Duration::from_secs(60));
    /// ```
    pub fn retry_delay(&self, failures: u32, jitter: Jitter) -> Duration {
        jitter.doubling(self.retry_base, self.retry_max, failures)
    }
}

fn expiry(t: Timestamp) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(t.unix()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_inclusive_and_expiry_is_exclusive() {
        let p = RefreshPolicy::default().with_ahead(Duration::from_secs(10));
        let exp = Timestamp::from_unix(1_000).unwrap();
        let at = |s| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        let f = at(0);
        assert_eq!(p.freshness(Some(exp), f, at(989)), Freshness::Fresh);
        assert_eq!(p.freshness(Some(exp), f, at(990)), Freshness::RefreshAhead);
        assert_eq!(p.freshness(Some(exp), f, at(999)), Freshness::RefreshAhead);
        assert_eq!(p.freshness(Some(exp), f, at(1_000)), Freshness::Expired);
        assert_eq!(p.freshness(Some(exp), f, at(5_000)), Freshness::Expired);
    }

    #[test]
    fn credentials_that_arrive_inside_the_window_wait_half_their_life() {
        let p = RefreshPolicy::default();
        let exp = Timestamp::from_unix(10_000).unwrap();
        let at = |s| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        assert_eq!(p.refresh_at(Some(exp), at(9_900)), Some(at(9_950)));
        assert_eq!(p.refresh_at(Some(exp), at(9_000)), Some(at(9_820)));
        // Already expired when fetched: due at once (and expired).
        assert_eq!(p.refresh_at(Some(exp), at(10_100)), Some(at(10_100)));
        assert_eq!(
            p.freshness(Some(exp), at(10_100), at(10_100)),
            Freshness::Expired
        );
        assert_eq!(p.refresh_at(None, at(0)), None);
    }

    #[test]
    fn retry_delays_double_within_their_jitter_and_stay_capped() {
        let p = RefreshPolicy::default();
        for _ in 0..100 {
            let j = Jitter::random();
            let d1 = p.retry_delay(1, j);
            assert!(d1 >= Duration::from_millis(500) && d1 <= Duration::from_secs(1));
            let d2 = p.retry_delay(2, j);
            assert!(d2 >= Duration::from_secs(1) && d2 <= Duration::from_secs(2));
            assert!(p.retry_delay(u32::MAX, j) <= p.retry_max());
        }
    }
}
