//! What crosses the driver's HTTP stack: the attempt to send, the response it read.

use std::time::{Duration, SystemTime};

use crate::ops::Method;
use crate::sign::SignedRequest;

use super::policy::{Policy, ACCEPT};

/// One attempt to send: the signed request and the limits its driver must apply.
///
/// Send [`method`](Attempt::method) to [`url`](Attempt::url) with every header of
/// [`headers`](Attempt::headers) and [`body`](Attempt::body); give up connecting after
/// [`connect_timeout`](Attempt::connect_timeout) and the whole exchange after
/// [`timeout`](Attempt::timeout); read at most [`max_body_bytes`](Attempt::max_body_bytes)
/// `+ 1` bytes of the body (the call refuses a longer one).
#[derive(Debug)]
pub struct Attempt<'c> {
    pub(crate) request: &'c SignedRequest,
    pub(crate) number: u32,
    pub(crate) timeout: Duration,
    pub(crate) policy: &'c Policy,
}

impl<'c> Attempt<'c> {
    /// 1 for the first attempt, 2 for the first retry, ...
    pub fn number(&self) -> u32 {
        self.number
    }
    /// The signed request.
    pub fn request(&self) -> &'c SignedRequest {
        self.request
    }
    /// The method to send with.
    pub fn method(&self) -> Method {
        self.request.method()
    }
    /// The URL, query and signature included.
    pub fn url(&self) -> &'c str {
        self.request.url()
    }
    /// Every header to send: `Accept`, `User-Agent`, and those the signature needs.
    pub fn headers(&self) -> impl Iterator<Item = (&'c str, &'c str)> + 'c {
        let user_agent: &'c str = self.policy.user_agent();
        self.request
            .headers()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("accept"))
            .chain([("Accept", ACCEPT), ("User-Agent", user_agent)])
    }
    /// The body to send.
    pub fn body(&self) -> &'c [u8] {
        self.request.body()
    }
    /// The time the whole attempt may take: the policy's attempt timeout, or less when the
    /// call's budget has less left.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
    /// The time connecting may take (never more than [`Attempt::timeout`]).
    pub fn connect_timeout(&self) -> Duration {
        self.policy.connect_timeout().min(self.timeout)
    }
    /// The largest body the call accepts.
    pub fn max_body_bytes(&self) -> usize {
        self.policy.max_body_bytes()
    }
}

/// A response as the driver read it: the status, the body, and the headers that matter.
///
/// Hand it every header with [`Response::with_header`]; those the call does not read are
/// ignored. The ones it reads are [`Response::HEADERS`].
///
/// ```
/// use bidcert_core::exchange::Response;
/// let r = Response::new(400, br#"{"Code":"Throttling.User"}"#)
///     .with_header("Retry-After", "2")
///     .with_header("Content-Type", "application/json");
/// assert_eq!(r.status(), 400);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Response<'a> {
    status: u16,
    body: &'a [u8],
    date: Option<&'a str>,
    request_id: Option<&'a str>,
    retry_after: Option<&'a str>,
    acs_retry_after: Option<&'a str>,
}

impl<'a> Response<'a> {
    /// The headers the call reads, lower-case: the server's clock, its request id, and its
    /// retry hints (`Retry-After` in seconds or as a date, `x-acs-retry-after` in
    /// milliseconds).
    pub const HEADERS: &'static [&'static str] = &[
        "date",
        "x-acs-request-id",
        "retry-after",
        "x-acs-retry-after",
    ];

    /// A response with `status` and `body` and no headers yet.
    pub fn new(status: u16, body: &'a [u8]) -> Self {
        Response {
            status,
            body,
            date: None,
            request_id: None,
            retry_after: None,
            acs_retry_after: None,
        }
    }

    /// Adds a header (the name in any case); headers the call does not read are ignored.
    pub fn with_header(mut self, name: &str, value: &'a str) -> Self {
        let slot = if name.eq_ignore_ascii_case("date") {
            &mut self.date
        } else if name.eq_ignore_ascii_case("x-acs-request-id") {
            &mut self.request_id
        } else if name.eq_ignore_ascii_case("retry-after") {
            &mut self.retry_after
        } else if name.eq_ignore_ascii_case("x-acs-retry-after") {
            &mut self.acs_retry_after
        } else {
            return self;
        };
        *slot = Some(value.trim());
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The body.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }
    /// The server's request id header, if any.
    pub fn request_id(&self) -> Option<&'a str> {
        self.request_id
    }

    /// The server's clock, from `Date`.
    pub(crate) fn date(&self) -> Option<SystemTime> {
        httpdate::parse_http_date(self.date?).ok()
    }

    /// How long the server asked us to wait: `x-acs-retry-after` (milliseconds) first, then
    /// `Retry-After` (seconds, or a date read against the server's own `Date`).
    pub(crate) fn retry_hint(&self) -> Option<Duration> {
        if let Some(ms) = self.acs_retry_after.and_then(|v| v.parse::<u64>().ok()) {
            return Some(Duration::from_millis(ms));
        }
        let value = self.retry_after?;
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        let at = httpdate::parse_http_date(value).ok()?;
        let now = self.date()?;
        Some(at.duration_since(now).unwrap_or(Duration::ZERO))
    }
}
