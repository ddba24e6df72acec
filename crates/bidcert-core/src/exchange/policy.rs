//! What a call may do: attempts, backoff, time, body size, and how it introduces itself.

use std::time::Duration;

use crate::error::ValidationError;
use crate::version::SignatureVersion;

/// The `User-Agent` every binding sends, `bidcert/<version>`.
pub const USER_AGENT: &str = concat!("bidcert/", env!("CARGO_PKG_VERSION"));

/// The `Accept` header every binding sends.
pub const ACCEPT: &str = "application/json";

/// How a call retries and how long it may take, declared once for every binding.
///
/// Defaults: 3 attempts; backoff from 200 ms doubling to at most 2 s, with jitter (half to
/// all of it); 30 s in all; 10 s per attempt, 5 s of it to connect; bodies up to 1 MiB;
/// `User-Agent: bidcert/<version>`; signature v1.0.
///
/// ```
/// use std::time::Duration;
/// use bidcert_core::exchange::Policy;
/// let p = Policy::default().with_max_attempts(5).with_budget(Duration::from_secs(60));
/// assert_eq!(p.max_attempts(), 5);
/// assert!(p.validate().is_ok());
/// assert!(Policy::default().with_max_attempts(0).validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    budget: Duration,
    attempt_timeout: Duration,
    connect_timeout: Duration,
    max_body_bytes: usize,
    user_agent: String,
    signature_version: SignatureVersion,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(2),
            budget: Duration::from_secs(30),
            attempt_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_body_bytes: 1 << 20,
            user_agent: USER_AGENT.to_owned(),
            signature_version: SignatureVersion::V1,
        }
    }
}

impl Policy {
    /// The defaults with a single attempt.
    pub fn no_retries() -> Self {
        Policy::default().with_max_attempts(1)
    }

    /// Attempts in all, the first included (1: no retry).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }
    /// The delay before the first retry; it doubles for each further one.
    pub fn with_base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }
    /// The longest backoff between two attempts (a server's retry hint may ask for longer).
    pub fn with_max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }
    /// The time a whole call may take, retries and their delays included.
    pub fn with_budget(mut self, d: Duration) -> Self {
        self.budget = d;
        self
    }
    /// The time one attempt may take, from connecting to the end of the body.
    pub fn with_attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = d;
        self
    }
    /// The time one attempt may take to connect.
    pub fn with_connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    /// The largest response body accepted.
    pub fn with_max_body_bytes(mut self, n: usize) -> Self {
        self.max_body_bytes = n;
        self
    }
    /// Appends `suffix` to the `User-Agent` (`bidcert/<version> <suffix>`).
    pub fn with_user_agent_suffix(mut self, suffix: &str) -> Self {
        self.user_agent = format!("{USER_AGENT} {suffix}");
        self
    }

    /// Signs every attempt with this scheme (default v1.0, as the API documents describe;
    /// V3 is what Alibaba's current SDK core sends).
    pub fn with_signature_version(mut self, v: SignatureVersion) -> Self {
        self.signature_version = v;
        self
    }

    /// The signature scheme.
    pub fn signature_version(&self) -> SignatureVersion {
        self.signature_version
    }
    /// Attempts in all.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
    /// The delay before the first retry.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }
    /// The longest backoff.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }
    /// The time a whole call may take.
    pub fn budget(&self) -> Duration {
        self.budget
    }
    /// The time one attempt may take.
    pub fn attempt_timeout(&self) -> Duration {
        self.attempt_timeout
    }
    /// The time one attempt may take to connect.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }
    /// The largest response body accepted.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }
    /// The `User-Agent` header's value.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// Refuses a policy no call could follow: no attempt, a zero timeout or budget, a
    /// zero body limit, a user agent that is not one header line.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let positive = [
            ("timeout", self.attempt_timeout),
            ("connect_timeout", self.connect_timeout),
            ("budget", self.budget),
        ];
        if self.max_attempts == 0 {
            return Err(ValidationError::new("max_attempts", "must be at least 1"));
        }
        for (field, d) in positive {
            if d.is_zero() {
                return Err(ValidationError::new(field, "must be more than zero"));
            }
        }
        if self.max_body_bytes == 0 {
            return Err(ValidationError::new(
                "max_body_bytes",
                "must be more than zero",
            ));
        }
        if self.max_delay < self.base_delay {
            return Err(ValidationError::new(
                "max_delay",
                "must not be less than the base delay",
            ));
        }
        if self.user_agent.chars().any(char::is_control) {
            return Err(ValidationError::new(
                "user_agent_suffix",
                "must not contain control characters",
            ));
        }
        Ok(())
    }

    /// The backoff before retry number `retry` (1-based): half to all (by `jitter`) of the
    /// capped exponential delay, so clients that failed together do not retry together.
    ///
    /// ```
    /// use std::time::Duration;
    /// use bidcert_core::exchange::{Jitter, Policy};
    /// let p = Policy::default();
    /// assert_eq!(p.backoff(1, Jitter::new(0.0)), Duration::from_millis(100));
    /// assert_eq!(p.backoff(2, Jitter::new(1.0)), Duration::from_millis(400));
    /// assert_eq!(p.backoff(40, Jitter::new(1.0)), p.max_delay());
    /// ```
    pub fn backoff(&self, retry: u32, jitter: Jitter) -> Duration {
        jitter.doubling(self.base_delay, self.max_delay, retry)
    }
}

/// Where in its range a backoff falls: 0 for the shortest, 1 for the longest.
///
/// An input, like the clock and the nonce, so that a call's decisions can be replayed;
/// [`Jitter::random`] is the convenience for drivers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Jitter(f64);

impl Jitter {
    /// `x` clamped to `0.0..=1.0` (NaN counts as the middle).
    pub fn new(x: f64) -> Self {
        Jitter(if x.is_nan() { 0.5 } else { x.clamp(0.0, 1.0) })
    }

    /// A random point of the range, from a fast thread-local generator (no system call: a
    /// jitter needs spread, not secrecy). The clock's nanoseconds are mixed in, so that the
    /// workers a pre-forking server made, which inherit one generator's state, do not back
    /// off in step.
    pub fn random() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos() as u64);
        let bits = fastrand::u64(..) ^ nanos.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Jitter((bits >> 11) as f64 / (1u64 << 53) as f64)
    }

    /// The value, in `0.0..=1.0`.
    pub fn value(self) -> f64 {
        self.0
    }

    /// Half to all (by this jitter) of `base` doubled `n - 1` times (`n` counts from 1),
    /// capped at `max`: the one backoff of a call's retries and of failed credentials
    /// refreshes.
    pub(crate) fn doubling(self, base: Duration, max: Duration, n: u32) -> Duration {
        let factor = 1u32.checked_shl(n.saturating_sub(1)).unwrap_or(u32::MAX);
        let capped = base.saturating_mul(factor).min(max);
        let half = capped / 2;
        half + half.mul_f64(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped_within_its_jitter_range() {
        let p = Policy::default();
        for _ in 0..100 {
            let j = Jitter::random();
            assert!((0.0..=1.0).contains(&j.value()));
            let d1 = p.backoff(1, j);
            assert!(d1 >= Duration::from_millis(100) && d1 <= Duration::from_millis(200));
            let d2 = p.backoff(2, j);
            assert!(d2 >= Duration::from_millis(200) && d2 <= Duration::from_millis(400));
            assert!(p.backoff(u32::MAX, j) <= p.max_delay());
        }
    }

    #[test]
    fn jitter_is_clamped() {
        assert_eq!(Jitter::new(-1.0).value(), 0.0);
        assert_eq!(Jitter::new(7.0).value(), 1.0);
        assert_eq!(Jitter::new(f64::NAN).value(), 0.5);
    }

    #[test]
    fn user_agent_names_the_project_and_the_suffix() {
        assert_eq!(Policy::default().user_agent(), USER_AGENT);
        assert!(USER_AGENT.starts_with("bidcert/"));
        let p = Policy::default().with_user_agent_suffix("reseller-backoffice/2");
        assert_eq!(
            p.user_agent(),
            format!("{USER_AGENT} reseller-backoffice/2")
        );
        assert!(Policy::default()
            .with_user_agent_suffix("a\nb")
            .validate()
            .is_err());
    }
}
