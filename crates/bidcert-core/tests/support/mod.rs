//! What the vector runners here and the client's fault matrix share: reading a policy as the
//! shared JSON files write it (milliseconds and counts, every key optional).

use std::time::Duration;

use bidcert_core::exchange::Policy;
use serde_json::Value;

/// `base` with each key `p` gives applied.
pub fn policy(mut policy: Policy, p: &Value) -> Policy {
    let ms = |key: &str| p[key].as_u64().map(Duration::from_millis);
    if let Some(n) = p["max_attempts"].as_u64() {
        policy = policy.with_max_attempts(n as u32);
    }
    if let Some(d) = ms("base_delay_ms") {
        policy = policy.with_base_delay(d);
    }
    if let Some(d) = ms("max_delay_ms") {
        policy = policy.with_max_delay(d);
    }
    if let Some(d) = ms("budget_ms") {
        policy = policy.with_budget(d);
    }
    if let Some(d) = ms("attempt_timeout_ms") {
        policy = policy.with_attempt_timeout(d);
    }
    if let Some(d) = ms("connect_timeout_ms") {
        policy = policy.with_connect_timeout(d);
    }
    if let Some(n) = p["max_body_bytes"].as_u64() {
        policy = policy.with_max_body_bytes(n as usize);
    }
    if let Some(v) = p["signature_version"].as_str() {
        policy = policy.with_signature_version(v.parse().expect("v1 or v3"));
    }
    policy
}
