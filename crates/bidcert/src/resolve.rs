//! Name resolution: each host looked up at most once per cache interval, within a bounded time.
//!
//! ureq's own resolver looks the host up on every request, pooled connection or not, on a
//! thread of its own. A back office calls the same two hosts all day, so the answer is kept:
//! a hit is a map lookup, and only a miss (once per host per [`DNS_CACHE_TTL`]) runs the
//! system resolver on a thread, so that the lookup can be bounded by the attempt's timeout.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// At most this many addresses per host (ureq's own limit).
const MAX_ADDRS: usize = 16;

/// How long a looked-up address is kept.
pub const DNS_CACHE_TTL: Duration = Duration::from_secs(60);

/// A resolver that keeps each host's addresses for a while, plus fixed addresses given by the
/// caller (as `curl --resolve` does). Addresses are kept by host, whatever the port: one
/// lookup serves every port of a host, and every driver (blocking or async) of a client.
#[derive(Debug)]
pub(crate) struct CachingResolver {
    ttl: Duration,
    fixed: HashMap<String, Vec<IpAddr>>,
    // One slot per host: concurrent misses for a host wait for one lookup.
    slots: Mutex<HashMap<String, Arc<Mutex<Option<Entry>>>>>,
    lookups: std::sync::atomic::AtomicU64,
}

#[derive(Debug, Clone)]
struct Entry {
    ips: Vec<IpAddr>,
    until: Instant,
}

fn with_port(ips: &[IpAddr], port: u16) -> Vec<SocketAddr> {
    ips.iter().map(|ip| SocketAddr::new(*ip, port)).collect()
}

impl CachingResolver {
    pub(crate) fn new(ttl: Duration, fixed: HashMap<String, Vec<IpAddr>>) -> Self {
        CachingResolver {
            ttl,
            fixed,
            slots: Mutex::new(HashMap::new()),
            lookups: Default::default(),
        }
    }

    /// System lookups made so far (not cache hits, not literal or fixed addresses).
    pub(crate) fn lookups(&self) -> u64 {
        self.lookups.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn slot(&self, host: &str) -> Arc<Mutex<Option<Entry>>> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(host.to_ascii_lowercase()).or_default().clone()
    }

    /// The addresses of `host:port` known without a system lookup or a wait: a literal, a
    /// fixed address, or a cached answer still valid whose slot no lookup holds. `None`: ask
    /// [`CachingResolver::addrs`] where blocking is allowed.
    #[cfg_attr(not(feature = "async"), allow(dead_code))]
    pub(crate) fn known(&self, host: &str, port: u16) -> Option<Vec<SocketAddr>> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return Some(vec![SocketAddr::new(ip, port)]);
        }
        if let Some(ips) = self.fixed.get(&host.to_ascii_lowercase()) {
            return Some(with_port(ips, port));
        }
        let slot = self.slot(host);
        let entry = slot.try_lock().ok()?;
        entry
            .as_ref()
            .filter(|e| e.until > Instant::now())
            .map(|e| with_port(&e.ips, port))
    }

    /// The addresses of `host:port`: a literal, a fixed address, a cached answer, or one
    /// system lookup bounded by `timeout`.
    pub(crate) fn addrs(
        &self,
        host: &str,
        port: u16,
        timeout: Option<Duration>,
    ) -> std::io::Result<Vec<SocketAddr>> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, port)]);
        }
        if let Some(ips) = self.fixed.get(&host.to_ascii_lowercase()) {
            return Ok(with_port(ips, port));
        }
        let slot = self.slot(host);
        let mut entry = slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = entry.as_ref().filter(|e| e.until > Instant::now()) {
            return Ok(with_port(&e.ips, port));
        }
        self.lookups
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let addrs = lookup(format!("{host}:{port}"), timeout)?;
        *entry = Some(Entry {
            ips: addrs.iter().map(SocketAddr::ip).collect(),
            until: Instant::now() + self.ttl,
        });
        Ok(addrs)
    }
}

/// One system lookup; with a timeout it runs on a thread of its own so that it can be given up.
fn lookup(host_port: String, timeout: Option<Duration>) -> std::io::Result<Vec<SocketAddr>> {
    let Some(timeout) = timeout else {
        return host_port.to_socket_addrs().map(Iterator::collect);
    };
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("bidcert-dns".into())
        .spawn(move || {
            let _ = tx.send(host_port.to_socket_addrs().map(Iterator::collect));
        })?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(_) => Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("name resolution took longer than {timeout:?}"),
        )),
    }
}

/// ureq's face of the resolver, shared by an agent and by the client's counters.
#[derive(Debug, Clone)]
pub(crate) struct ForUreq(pub(crate) Arc<CachingResolver>);

impl Resolver for ForUreq {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().ok_or(ureq::Error::HostNotFound)?;
        let port = uri
            .port_u16()
            .or(match uri.scheme_str() {
                Some("https") => Some(443),
                Some("http") => Some(80),
                _ => None,
            })
            .ok_or_else(|| ureq::Error::BadUri(format!("{uri} has no port")))?;
        let bound = (!timeout.after.is_not_happening()).then(|| *timeout.after);
        let addrs = self.0.addrs(host, port, bound).map_err(|e| {
            if e.kind() == std::io::ErrorKind::TimedOut {
                ureq::Error::Timeout(timeout.reason)
            } else {
                ureq::Error::HostNotFound
            }
        })?;
        let mut out = self.empty();
        for addr in config
            .ip_family()
            .keep_wanted(addrs.into_iter())
            .take(MAX_ADDRS)
        {
            out.push(addr);
        }
        if out.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_fixed_names_need_no_lookup() {
        let fixed = HashMap::from([("api.test".to_owned(), vec!["127.0.0.1".parse().unwrap()])]);
        let r = CachingResolver::new(DNS_CACHE_TTL, fixed);
        assert_eq!(
            r.addrs("127.0.0.1", 80, None).unwrap(),
            ["127.0.0.1:80".parse().unwrap()]
        );
        assert_eq!(
            r.addrs("[::1]", 443, None).unwrap(),
            ["[::1]:443".parse().unwrap()]
        );
        assert_eq!(
            r.addrs("API.test", 8443, None).unwrap(),
            ["127.0.0.1:8443".parse().unwrap()]
        );
        assert_eq!(r.lookups(), 0);
    }

    #[test]
    fn a_name_is_looked_up_once_per_interval() {
        let r = CachingResolver::new(Duration::from_millis(200), HashMap::new());
        for _ in 0..50 {
            assert!(!r
                .addrs("localhost", 80, Some(Duration::from_secs(5)))
                .unwrap()
                .is_empty());
        }
        assert_eq!(r.lookups(), 1);
        std::thread::sleep(Duration::from_millis(250));
        r.addrs("localhost", 80, None).unwrap();
        assert_eq!(r.lookups(), 2, "looked up again once the interval is over");
    }

    #[test]
    fn one_lookup_serves_every_port_and_is_then_known_without_one() {
        let r = CachingResolver::new(DNS_CACHE_TTL, HashMap::new());
        assert_eq!(r.known("localhost", 80), None, "nothing cached yet");
        r.addrs("localhost", 80, None).unwrap();
        let https = r.known("localhost", 443).expect("cached for any port");
        assert!(https.iter().all(|a| a.port() == 443));
        r.addrs("LOCALHOST", 8443, None).unwrap();
        assert_eq!(r.lookups(), 1);
    }

    #[test]
    fn concurrent_misses_share_one_lookup() {
        let r = Arc::new(CachingResolver::new(DNS_CACHE_TTL, HashMap::new()));
        std::thread::scope(|s| {
            for _ in 0..8 {
                let r = r.clone();
                s.spawn(move || {
                    r.addrs("localhost", 443, Some(Duration::from_secs(5)))
                        .unwrap()
                });
            }
        });
        assert_eq!(r.lookups(), 1);
    }
}
