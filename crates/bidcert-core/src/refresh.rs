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
/// ```
/// use std::time::{Duration, SystemTime};
/// use bidcert_core::{Freshness, RefreshPolicy, Timestamp};
/// let p = RefreshPolicy::default();
/// let expiry = Timestamp::parse("2026-11-23T09:00:00Z").unwrap();
/// let at = |s: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
/// let e = expiry.unix() as u64;
/// assert_eq!(p.freshness(Some(expiry), at(e - 181)), Freshness::Fresh);
/// assert_eq!(p.freshness(Some(expiry), at(e - 180)), Freshness::RefreshAhead);
/// assert_eq!(p.freshness(Some(expiry), at(e)), Freshness::Expired);
/// assert_eq!(p.freshness(None, at(e)), Freshness::Fresh); // long-term keys never expire
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

    /// What credentials expiring at `expiration` (none: long-term keys) are good for `now`.
    pub fn freshness(&self, expiration: Option<Timestamp>, now: SystemTime) -> Freshness {
        let Some(expiration) = expiration else {
            return Freshness::Fresh;
        };
        let expiry = SystemTime::UNIX_EPOCH
            + Duration::from_secs(u64::try_from(expiration.unix()).unwrap_or(0));
        match expiry.duration_since(now) {
            Err(_) => Freshness::Expired,
            Ok(left) if left.is_zero() => Freshness::Expired,
            Ok(left) if left <= self.ahead => Freshness::RefreshAhead,
            Ok(_) => Freshness::Fresh,
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
        let factor = 1u32
            .checked_shl(failures.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let capped = self.retry_base.saturating_mul(factor).min(self.retry_max);
        let half = capped / 2;
        half + half.mul_f64(jitter.value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_inclusive_and_expiry_is_exclusive() {
        let p = RefreshPolicy::default().with_ahead(Duration::from_secs(10));
        let exp = Timestamp::from_unix(1_000).unwrap();
        let at = |s| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        assert_eq!(p.freshness(Some(exp), at(989)), Freshness::Fresh);
        assert_eq!(p.freshness(Some(exp), at(990)), Freshness::RefreshAhead);
        assert_eq!(p.freshness(Some(exp), at(999)), Freshness::RefreshAhead);
        assert_eq!(p.freshness(Some(exp), at(1_000)), Freshness::Expired);
        assert_eq!(p.freshness(Some(exp), at(5_000)), Freshness::Expired);
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
