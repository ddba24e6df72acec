//! The HTTP side: accepting connections, reading requests within limits, routing them, and
//! shaping answers (faults included).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use bidcert_core::{Method, Timestamp};
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{
    HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, DATE, HOST, RETRY_AFTER,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

use crate::admin;
use crate::api;
use crate::body::Body;
use crate::fault::{self, FaultKind, FaultTarget};
use crate::metadata::Plain;
use crate::page::{self, COMPLETE_PATH, PAGE_PATH};
use crate::state::{RequestRecord, Shared, State};
use crate::sts;

/// Limits that keep one client from hurting the others.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    /// Time a client has to send a request's headers (hyper closes the connection after).
    pub(crate) header_read_timeout: Duration,
    /// Time a client has to send a request's body (then 408).
    pub(crate) body_read_timeout: Duration,
    /// Largest request body (then 413).
    pub(crate) max_body_bytes: usize,
    /// hyper's read buffer, which bounds the request line and headers (then 431).
    pub(crate) max_header_bytes: usize,
}

/// How long a clean shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

const JSON: &str = "application/json;charset=utf-8";
const HTML: &str = "text/html;charset=utf-8";

const BAD_GATEWAY_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>bidcert-emulator (injected fault)</center>\r\n\
</body>\r\n</html>\r\n";

/// Ends a connection without an answer (the dropped-connection fault, or a client that left).
#[derive(Debug)]
pub(crate) struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped")
    }
}

impl std::error::Error for Dropped {}

/// Which listener a connection came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Door {
    /// Plain HTTP: both gateways, the link page and the admin API.
    Http,
    /// The same over TLS.
    Https,
    /// The ECS metadata service and the credentials URI.
    Metadata,
}

/// The bound listeners: HTTP always, HTTPS and the metadata port when asked for.
pub(crate) struct Listeners {
    pub(crate) http: TcpListener,
    pub(crate) https: Option<(TcpListener, TlsAcceptor)>,
    pub(crate) metadata: Option<TcpListener>,
}

/// The next connection on `listener`; never, when there is none.
async fn accept(listener: Option<&TcpListener>) -> std::io::Result<TcpStream> {
    match listener {
        Some(l) => l.accept().await.map(|(stream, _)| stream),
        None => std::future::pending().await,
    }
}

/// Accepts connections until `stop` fires, then lets requests in flight finish (briefly).
pub(crate) async fn serve(
    listeners: Listeners,
    shared: Arc<Shared>,
    limits: Limits,
    mut stop: oneshot::Receiver<()>,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes)
        // Every answer carries the emulator's own `Date` (its clock, offset included); hyper's
        // would be the system clock's.
        .auto_date_header(false)
        .keep_alive(true);
    let limits = Arc::new(limits);
    let graceful = GracefulShutdown::new();
    let https = listeners.https.as_ref();
    loop {
        let (accepted, door) = tokio::select! {
            _ = &mut stop => break,
            a = listeners.http.accept() => (a.map(|(stream, _)| stream), Door::Http),
            a = accept(https.map(|(l, _)| l)) => (a, Door::Https),
            a = accept(listeners.metadata.as_ref()) => (a, Door::Metadata),
        };
        let stream = match accepted {
            Ok(stream) => stream,
            // Out of descriptors or a connection reset before accept: wait, go on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        // Answers must not wait for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        let (shared, limits, http, watcher) = (
            shared.clone(),
            limits.clone(),
            http.clone(),
            graceful.watcher(),
        );
        let tls = match door {
            Door::Https => https.map(|(_, acceptor)| acceptor.clone()),
            Door::Http | Door::Metadata => None,
        };
        tokio::spawn(async move {
            let service = {
                let (shared, limits) = (shared.clone(), limits.clone());
                service_fn(move |req| route(req, shared.clone(), limits.clone(), door))
            };
            // A connection's errors (garbage, timeouts, drops, failed handshakes) concern that
            // client only.
            match tls {
                None => {
                    let _ = watcher
                        .watch(http.serve_connection(TokioIo::new(stream), service))
                        .await;
                }
                Some(acceptor) => {
                    let handshake = acceptor.accept(stream);
                    let Ok(Ok(stream)) =
                        tokio::time::timeout(limits.header_read_timeout, handshake).await
                    else {
                        return;
                    };
                    shared.lock().tls_handshakes += 1;
                    let _ = watcher
                        .watch(http.serve_connection(TokioIo::new(stream), service))
                        .await;
                }
            }
        });
    }
    drop(listeners);
    shared.closing();
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
}

fn http_date(now: Timestamp) -> HeaderValue {
    let at = UNIX_EPOCH + Duration::from_secs(u64::try_from(now.unix()).unwrap_or(0));
    HeaderValue::from_str(&httpdate::fmt_http_date(at))
        .unwrap_or_else(|_| HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"))
}

/// A response with the emulator's `Date`, a content type and, for API answers, the request id.
fn respond(
    status: u16,
    content_type: &'static str,
    body: Body,
    now: Timestamp,
    request_id: Option<&str>,
) -> Response<Body> {
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(DATE, http_date(now));
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(id).ok()) {
        h.insert("x-acs-request-id", id);
    }
    resp
}

fn json_response(status: u16, value: &serde_json::Value, now: Timestamp) -> Response<Body> {
    let body = serde_json::to_vec(value).unwrap_or_default();
    respond(status, JSON, Body::full(body), now, None)
}

/// `{"error": why}`: the emulator's own refusals (not the gateway's).
fn json_error(status: u16, why: impl Into<String>, now: Timestamp) -> Response<Body> {
    json_response(status, &serde_json::json!({ "error": why.into() }), now)
}

enum BodyError {
    TooLarge,
    TimedOut,
    /// The client went away or broke the framing: nothing to answer.
    Broken,
}

async fn read_body(
    body: Incoming,
    headers: &HeaderMap,
    limits: &Limits,
) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        return Err(BodyError::TooLarge);
    }
    let limited = Limited::new(body, limits.max_body_bytes);
    match tokio::time::timeout(limits.body_read_timeout, limited.collect()).await {
        Err(_) => Err(BodyError::TimedOut),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge),
        Ok(Err(_)) => Err(BodyError::Broken),
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn query_param(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// One request: read within limits, then to the API, the link page or the admin API.
async fn route(
    req: Request<Incoming>,
    shared: Arc<Shared>,
    limits: Arc<Limits>,
    door: Door,
) -> Result<Response<Body>, Dropped> {
    let (head, body) = req.into_parts();
    if door == Door::Metadata {
        // The metadata service reads no body; hyper discards it.
        drop(body);
        return metadata(&head, &shared).await;
    }
    let method = head.method.as_str();
    let path = head.uri.path();
    let query = head.uri.query().unwrap_or("");
    let base = shared.base(door);
    let host = head
        .headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_else(|| base.split_once("://").map_or(base, |(_, h)| h));
    let now = || shared.lock().now();
    let body = match read_body(body, &head.headers, &limits).await {
        Ok(body) => body,
        Err(BodyError::Broken) => return Err(Dropped),
        Err(BodyError::TooLarge) => {
            let why = format!("request body larger than {} bytes", limits.max_body_bytes);
            return Ok(json_error(413, why, now()));
        }
        Err(BodyError::TimedOut) => {
            return Ok(json_error(408, "request body not received in time", now()));
        }
    };

    if path == "/" {
        let call = Call::new(&head, host, base, door, &body);
        return rpc(&shared, call).await;
    }
    if let Some(rest) = path.strip_prefix(admin::PREFIX) {
        let (status, value) = admin::handle(&shared, method, rest, &body);
        return Ok(json_response(status, &value, now()));
    }
    let token = query_param(query, "token");
    match (method, path) {
        ("GET" | "HEAD", PAGE_PATH) => {
            let (status, html, at) = {
                let state = shared.lock();
                let (status, html) = page::page(&state, token.as_deref());
                (status, html, state.now())
            };
            let mut resp = respond(status, HTML, Body::full(html), at, None);
            resp.headers_mut()
                .insert("cache-control", HeaderValue::from_static("no-store"));
            Ok(resp)
        }
        ("POST", COMPLETE_PATH) => {
            let (status, value, at) = {
                let mut state = shared.lock();
                let (status, value) = page::complete(&mut state, token.as_deref());
                (status, value, state.now())
            };
            Ok(json_response(status, &value, at))
        }
        _ => {
            let why = format!(
                "no such path {path:?}: API requests go to /, the admin API is under {}",
                admin::PREFIX
            );
            Ok(json_error(404, why, now()))
        }
    }
}

/// An API request as read.
struct Call<'a> {
    method: &'a str,
    /// `method` as signed: `None` for anything but GET and POST.
    signed: Option<Method>,
    host: &'a str,
    /// The base URL of the listener it came in on (links point back at it).
    base: &'a str,
    door: Door,
    /// What the gateway reads of it: path, query, form, headers, body.
    request: api::ApiRequest<'a>,
}

impl<'a> Call<'a> {
    fn new(
        head: &'a hyper::http::request::Parts,
        host: &'a str,
        base: &'a str,
        door: Door,
        body: &'a [u8],
    ) -> Self {
        let method = head.method.as_str();
        let query: Vec<(String, String)> =
            form_urlencoded::parse(head.uri.query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let mut params = query.clone();
        if is_form(&head.headers) {
            params.extend(form_urlencoded::parse(body).into_owned());
        }
        // Header values that are not UTF-8 are read lossily: they then fail the signature, as
        // they would at a gateway that reads text.
        let headers = head
            .headers
            .iter()
            .map(|(k, v)| {
                let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (k.as_str().to_owned(), v)
            })
            .collect();
        Call {
            method,
            signed: method.parse().ok(),
            host,
            base,
            door,
            request: api::ApiRequest {
                path: head.uri.path(),
                query,
                params,
                headers,
                body,
            },
        }
    }
}

/// What becomes of an answer once its fault shaped it.
enum Outcome {
    Send(Response<Body>),
    /// Close the connection without a word.
    Drop,
    /// Say nothing until the emulator stops.
    Hang,
}

impl Outcome {
    /// Sends, drops or holds the connection.
    async fn deliver(self, shared: &Shared) -> Result<Response<Body>, Dropped> {
        match self {
            Outcome::Send(resp) => Ok(resp),
            Outcome::Drop => Err(Dropped),
            Outcome::Hang => {
                shared.closed().await;
                Err(Dropped)
            }
        }
    }
}

/// Shapes an answer (`status`, `content_type`, `body`) by its fault.
fn shape(
    fault: Option<&FaultKind>,
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    now: Timestamp,
    request_id: Option<&str>,
) -> Outcome {
    let send = |body| Outcome::Send(respond(status, content_type, body, now, request_id));
    match fault {
        Some(FaultKind::DropConnection) => Outcome::Drop,
        Some(FaultKind::Hang) => Outcome::Hang,
        Some(FaultKind::NonJsonBody) => {
            Outcome::Send(respond(502, HTML, Body::full(BAD_GATEWAY_PAGE), now, None))
        }
        Some(FaultKind::TruncatedBody) => {
            let promised = body.len();
            let mut part = body;
            part.truncate(promised / 2);
            let mut resp = respond(status, content_type, Body::truncated(part), now, request_id);
            resp.headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from(promised));
            Outcome::Send(resp)
        }
        Some(FaultKind::MalformedBody) => {
            let mut part = body;
            part.truncate(part.len() / 2);
            send(Body::full(part))
        }
        Some(FaultKind::Throttling(after)) => {
            let mut resp = respond(status, content_type, Body::full(body), now, request_id);
            let h = resp.headers_mut();
            // HTTP's own hint is whole seconds; Alibaba's gateway sends milliseconds.
            let millis = u64::try_from(after.as_millis()).unwrap_or(u64::MAX);
            h.insert(RETRY_AFTER, HeaderValue::from(millis.div_ceil(1000)));
            h.insert("x-acs-retry-after", HeaderValue::from(millis));
            Outcome::Send(resp)
        }
        _ => send(Body::full(body)),
    }
}

/// An API request: pick its fault, answer and log it at once (as a gateway does the work when
/// the request arrives), then wait out a latency fault without the lock. A client that gives up
/// during the wait still finds its attempt in the log.
async fn rpc(shared: &Shared, call: Call<'_>) -> Result<Response<Body>, Dropped> {
    let (delay, outcome) = {
        let mut state = shared.lock();
        // Faults apply to GET and POST only.
        let fault = call
            .signed
            .and_then(|_| fault::take(&mut state.faults, FaultTarget::Api, call.request.action()));
        let delay = match fault {
            Some(FaultKind::Latency(delay)) => delay,
            _ => std::time::Duration::ZERO,
        };
        (delay, finish(&mut state, &call, fault))
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    outcome.deliver(shared).await
}

/// Verifies and answers an API request, shapes the answer by its fault, and logs it.
fn finish(state: &mut State, call: &Call<'_>, fault: Option<FaultKind>) -> Outcome {
    let request = &call.request;
    let action = request.action();
    if let Some(a) = action.filter(|a| sts::ACTIONS.contains(a)) {
        *state.sts_calls.entry(a.to_owned()).or_default() += 1;
    }
    let now = state.now();
    let answer = match call.signed {
        Some(m) => api::answer(state, now, call.base, call.host, m, request),
        None => api::method_not_allowed(call.method, action, call.host),
    };
    // An error fault answers in place of the real answer, which was still worked out.
    let answer = fault
        .as_ref()
        .and_then(|kind| api::fault_answer(kind, action, call.host))
        .unwrap_or(answer);
    let api::Answer {
        status,
        body,
        code,
        request_id,
    } = answer;
    let outcome = shape(fault.as_ref(), status, JSON, body, now, Some(&request_id));
    // What the log keeps: the status sent (none when nothing was), and the gateway's code
    // (none for the proxy's page).
    let status = match &outcome {
        Outcome::Send(resp) => Some(resp.status().as_u16()),
        Outcome::Drop | Outcome::Hang => None,
    };
    let code = code.filter(|_| fault != Some(FaultKind::NonJsonBody));
    state.record(RequestRecord {
        request_id,
        at: now.to_string(),
        method: call.method.to_owned(),
        action: action.map(str::to_owned),
        access_key_id: request.access_key_id().map(str::to_owned),
        nonce: request.nonce().map(str::to_owned),
        timestamp: request.timestamp().map(str::to_owned),
        signature_version: request.signature_version().map(|v| v.as_str().to_owned()),
        tls: call.door == Door::Https,
        status,
        code,
        fault,
    });
    outcome
}

/// A request to the metadata port: its fault (waiting out a latency one without the lock),
/// then the metadata service's answer, shaped by the fault. Error faults answer in plain
/// text, as the metadata service does.
async fn metadata(
    head: &hyper::http::request::Parts,
    shared: &Shared,
) -> Result<Response<Body>, Dropped> {
    let fault = fault::take(&mut shared.lock().faults, FaultTarget::Metadata, None);
    if let Some(FaultKind::Latency(delay)) = &fault {
        tokio::time::sleep(*delay).await;
    }
    let (plain, now) = {
        let mut state = shared.lock();
        let plain = crate::metadata::answer(
            &mut state,
            head.method.as_str(),
            head.uri.path(),
            &head.headers,
        );
        (plain, state.now())
    };
    let plain = match &fault {
        Some(FaultKind::Http500) => Plain::text(500, "Internal Server Error"),
        Some(FaultKind::Http503) => Plain::text(503, "Service Unavailable"),
        Some(FaultKind::Throttling(_)) => Plain::text(429, "Too Many Requests"),
        _ => plain,
    };
    shape(
        fault.as_ref(),
        plain.status,
        plain.content_type,
        plain.body,
        now,
        None,
    )
    .deliver(shared)
    .await
}
