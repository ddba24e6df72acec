//! The HTTP side: accepting connections, reading requests within limits, routing them, and
//! shaping answers (faults included).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use bidcert_core::{Method, Timestamp};
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, DATE, HOST};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::admin;
use crate::api;
use crate::body::Body;
use crate::fault::{self, FaultKind};
use crate::page::{self, COMPLETE_PATH, PAGE_PATH};
use crate::state::{RequestRecord, Shared};

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

/// Accepts connections until `stop` fires, then lets requests in flight finish (briefly).
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    limits: Limits,
    mut stop: oneshot::Receiver<()>,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes)
        .keep_alive(true);
    let limits = Arc::new(limits);
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    // Out of descriptors or a connection reset before accept: wait, go on.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                // Answers must not wait for Nagle's algorithm.
                let _ = stream.set_nodelay(true);
                let (shared, limits) = (shared.clone(), limits.clone());
                let service = service_fn(move |req| route(req, shared.clone(), limits.clone()));
                let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    // A connection's errors (garbage, timeouts, drops) concern that client only.
                    let _ = conn.await;
                });
            }
        }
    }
    drop(listener);
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

enum BodyError {
    TooLarge,
    TimedOut,
    /// The client went away or broke the framing: nothing to answer.
    Broken,
}

async fn read_body(req: Request<Incoming>, limits: &Limits) -> Result<Bytes, BodyError> {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        return Err(BodyError::TooLarge);
    }
    let limited = Limited::new(req.into_body(), limits.max_body_bytes);
    match tokio::time::timeout(limits.body_read_timeout, limited.collect()).await {
        Err(_) => Err(BodyError::TimedOut),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge),
        Ok(Err(_)) => Err(BodyError::Broken),
    }
}

fn is_form(req: &Request<Incoming>) -> bool {
    req.headers()
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
) -> Result<Response<Body>, Dropped> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let host = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| shared.base_url.trim_start_matches("http://").to_owned());
    let form = is_form(&req);
    let now = || shared.lock().now();
    let body = match read_body(req, &limits).await {
        Ok(body) => body,
        Err(BodyError::Broken) => return Err(Dropped),
        Err(BodyError::TooLarge) => {
            let why = format!("request body larger than {} bytes", limits.max_body_bytes);
            return Ok(json_response(
                413,
                &serde_json::json!({ "error": why }),
                now(),
            ));
        }
        Err(BodyError::TimedOut) => {
            let why = "request body not received in time";
            return Ok(json_response(
                408,
                &serde_json::json!({ "error": why }),
                now(),
            ));
        }
    };

    if path == "/" {
        return rpc(&shared, &method, &host, &query, form.then_some(&body[..])).await;
    }
    if let Some(rest) = path.strip_prefix(admin::PREFIX) {
        let (status, value) = admin::handle(&shared, &method, rest, &body);
        return Ok(json_response(status, &value, now()));
    }
    let token = query_param(&query, "token");
    match (method.as_str(), path.as_str()) {
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
            Ok(json_response(
                404,
                &serde_json::json!({ "error": why }),
                now(),
            ))
        }
    }
}

/// An API request: pick its fault, verify and answer it, log it, then shape the answer.
async fn rpc(
    shared: &Shared,
    method: &str,
    host: &str,
    query: &str,
    form: Option<&[u8]>,
) -> Result<Response<Body>, Dropped> {
    let mut params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if let Some(form) = form {
        params.extend(form_urlencoded::parse(form).into_owned());
    }
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let action = get("Action");
    let signed_method = match method {
        "GET" => Some(Method::Get),
        "POST" => Some(Method::Post),
        _ => None,
    };

    let fault = if signed_method.is_some() {
        fault::take(&mut shared.lock().faults, action.as_deref())
    } else {
        None
    };
    if let Some(FaultKind::Latency(delay)) = &fault {
        tokio::time::sleep(*delay).await;
    }

    let mut state = shared.lock();
    let now = state.now();
    let answer = match signed_method {
        Some(m) => api::answer(&mut state, &shared.base_url, host, m, &params),
        None => api::method_not_allowed(method, action.as_deref(), host),
    };
    let (status, code, request_id, response) = match &fault {
        Some(kind @ (FaultKind::Http500 | FaultKind::Http503 | FaultKind::Throttling)) => {
            let a = api::fault_answer(kind, action.as_deref(), host).unwrap_or(answer);
            let resp = respond(a.status, JSON, Body::full(a.body), now, Some(&a.request_id));
            (Some(a.status), a.code, a.request_id, Some(resp))
        }
        Some(FaultKind::DropConnection) => (None, None, answer.request_id, None),
        Some(FaultKind::TruncatedBody) => {
            let full_len = answer.body.len();
            let mut part = answer.body;
            part.truncate(full_len / 2);
            let mut resp = respond(
                answer.status,
                JSON,
                Body::truncated(part),
                now,
                Some(&answer.request_id),
            );
            resp.headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from(full_len));
            (
                Some(answer.status),
                answer.code,
                answer.request_id,
                Some(resp),
            )
        }
        Some(FaultKind::NonJsonBody) => {
            let resp = respond(502, HTML, Body::full(BAD_GATEWAY_PAGE), now, None);
            (Some(502), None, answer.request_id, Some(resp))
        }
        None | Some(FaultKind::Latency(_)) => {
            let resp = respond(
                answer.status,
                JSON,
                Body::full(answer.body),
                now,
                Some(&answer.request_id),
            );
            (
                Some(answer.status),
                answer.code,
                answer.request_id,
                Some(resp),
            )
        }
    };
    state.record(RequestRecord {
        request_id,
        at: now.to_string(),
        method: method.to_owned(),
        action,
        access_key_id: get("AccessKeyId"),
        nonce: get("SignatureNonce"),
        status,
        code,
        fault,
    });
    drop(state);
    response.ok_or(Dropped)
}
