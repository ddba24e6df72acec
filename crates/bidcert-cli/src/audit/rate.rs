//! A request-rate limit shared by every worker: requests start at evenly spaced instants.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most one start per `interval`, whichever worker asks.
#[derive(Debug)]
pub(crate) struct RateLimit {
    interval: Duration,
    next: Mutex<Instant>,
}

impl RateLimit {
    /// At most `per_second` starts a second (`per_second` > 0).
    pub(crate) fn per_second(per_second: f64) -> Self {
        RateLimit {
            interval: Duration::from_secs_f64(1.0 / per_second),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for this caller's slot.
    pub(crate) fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        let now = Instant::now();
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_are_spaced_by_the_interval() {
        let limit = RateLimit::per_second(100.0);
        let t0 = Instant::now();
        for _ in 0..11 {
            limit.wait();
        }
        // 11 starts: the first at once, then 10 intervals of 10 ms.
        assert!(
            t0.elapsed() >= Duration::from_millis(95),
            "{:?}",
            t0.elapsed()
        );
    }
}
