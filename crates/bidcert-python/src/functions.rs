//! The pure functions: encoding, signing, parsing, diagnosis.

use bidcert::{Method, Timestamp};
use pyo3::prelude::*;

use crate::convert;
use crate::errors::BindingError;
use crate::results::{PyCertWaysUrl, PyCertifiedInfo, PyDiagnosis, PyFastAuthEvent};

fn parse_method(s: &Bound<'_, PyAny>) -> PyResult<Method> {
    convert::borrowed_text(s, "method")?
        .parse()
        .map_err(|e| BindingError::from(e).into())
}

/// Percent-encodes `s` (UTF-8) as the RPC signature requires: only `A-Z a-z 0-9 - _ . ~`
/// stay, every other byte becomes `%XX` (upper-case hex; space is `%20`).
#[pyfunction]
fn percent_encode(s: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(bidcert::percent_encode(&convert::text(s, "s")?))
}

/// The canonicalized query string of `params` (a mapping or (name, value) pairs).
#[pyfunction]
fn canonicalized_query(params: &Bound<'_, PyAny>) -> PyResult<String> {
    let held = convert::params(params)?;
    let params = convert::borrow_params(&held)?;
    bidcert::canonicalized_query(&params).map_err(|e| BindingError::from(e).into())
}

/// The string to sign: `METHOD&%2F&` + percentEncode(canonicalized query).
#[pyfunction]
fn string_to_sign(method: &Bound<'_, PyAny>, params: &Bound<'_, PyAny>) -> PyResult<String> {
    let m = parse_method(method)?;
    let held = convert::params(params)?;
    let params = convert::borrow_params(&held)?;
    bidcert::string_to_sign(m, &params).map_err(|e| BindingError::from(e).into())
}

/// The signature: Base64(HMAC-SHA1(key = secret + `&`, string to sign)).
#[pyfunction]
fn signature(
    method: &Bound<'_, PyAny>,
    params: &Bound<'_, PyAny>,
    access_key_secret: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let m = parse_method(method)?;
    let held = convert::params(params)?;
    let params = convert::borrow_params(&held)?;
    let secret = convert::borrowed_text(access_key_secret, "access_key_secret")?;
    bidcert::signature(m, &params, secret).map_err(|e| BindingError::from(e).into())
}

/// Parses a `QueryBidUserCertifiedInfo` response (status and body as received).
#[pyfunction]
fn parse_certified_info(
    status: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
) -> PyResult<PyCertifiedInfo> {
    let status = convert::status(status)?;
    let body = convert::body(body)?;
    let inner = bidcert::parse_certified_info(status, &body).map_err(BindingError::from)?;
    Ok(PyCertifiedInfo { inner })
}

/// Parses a `GenerateAliyunBidCertWaysUrl` response; `issued_at` is when the request was sent
/// (an aware datetime or `YYYY-MM-DDThh:mm:ssZ`; default: now).
#[pyfunction]
#[pyo3(signature = (status, body, issued_at = None))]
fn parse_cert_ways_url(
    status: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
    issued_at: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyCertWaysUrl> {
    let status = convert::status(status)?;
    let body = convert::body(body)?;
    let issued_at = match issued_at {
        Some(t) => convert::timestamp(t, "issued_at")?,
        None => Timestamp::now(),
    };
    let inner =
        bidcert::parse_cert_ways_url(status, &body, issued_at).map_err(BindingError::from)?;
    Ok(PyCertWaysUrl { inner })
}

/// Parses a FastAuthc `postMessage` payload (`data` as JSON text, or an already decoded
/// object); when `expected_origin` is given, a message from another `origin` is refused.
#[pyfunction]
#[pyo3(signature = (data, origin = None, expected_origin = None))]
fn parse_fast_auth_event(
    data: &Bound<'_, PyAny>,
    origin: Option<&str>,
    expected_origin: Option<&str>,
) -> PyResult<PyFastAuthEvent> {
    let text = match data.cast::<pyo3::types::PyString>() {
        Ok(s) => s.to_cow()?.into_owned(),
        // A browser bridge may hand over the decoded object: re-encode it.
        Err(_) => data
            .py()
            .import("json")?
            .call_method1("dumps", (data,))?
            .extract::<String>()?,
    };
    let inner = bidcert::parse_fast_auth_event(&text, origin, expected_origin)
        .map_err(BindingError::from)?;
    Ok(PyFastAuthEvent { inner })
}

/// Explains a `SignatureDoesNotMatch`: compares the server's string to sign (found in its
/// message) with ours.
#[pyfunction]
fn diagnose_signature_mismatch(server_message: &str, string_to_sign: &str) -> PyDiagnosis {
    bidcert::diagnose_signature_mismatch(server_message, string_to_sign).into()
}

/// The signature V3 (ACS3-HMAC-SHA256) canonical request. `query` and `headers` are mappings
/// or (name, value) pairs: `host`, `content-type` and `x-acs-*` headers are signed,
/// lower-cased, trimmed; names differing only in case are one header (values sorted, joined
/// with `,`). `hashed_payload` is the lower-case hex SHA-256 of the body.
#[pyfunction]
fn v3_canonical_request(
    method: &Bound<'_, PyAny>,
    canonical_uri: &Bound<'_, PyAny>,
    query: &Bound<'_, PyAny>,
    headers: &Bound<'_, PyAny>,
    hashed_payload: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let m = parse_method(method)?;
    let uri = convert::text(canonical_uri, "canonical_uri")?;
    let held_query = convert::params(query)?;
    let query = convert::borrow_params(&held_query)?;
    let held_headers = convert::params(headers)?;
    let headers = convert::borrow_params(&held_headers)?;
    let payload = convert::text(hashed_payload, "hashed_payload")?;
    bidcert::v3::canonical_request(m, &uri, &query, &headers, &payload)
        .map(bidcert::v3::CanonicalRequest::into_string)
        .map_err(|e| BindingError::from(e).into())
}

/// The V3 string to sign: `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request.
#[pyfunction]
fn v3_string_to_sign(canonical_request: &Bound<'_, PyAny>) -> PyResult<String> {
    let cr = convert::text(canonical_request, "canonical_request")?;
    Ok(bidcert::v3::string_to_sign(&cr))
}

/// The V3 `Authorization` header value of a canonical request (HMAC-SHA256 keyed with the
/// plain secret).
#[pyfunction]
fn v3_authorization(
    canonical_request: &Bound<'_, PyAny>,
    access_key_id: &Bound<'_, PyAny>,
    access_key_secret: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let cr = convert::text(canonical_request, "canonical_request")?;
    let id = convert::text(access_key_id, "access_key_id")?;
    let secret = convert::text(access_key_secret, "access_key_secret")?;
    let cr: bidcert::v3::CanonicalRequest = cr.parse().map_err(BindingError::from)?;
    Ok(bidcert::v3::authorization(&cr, &id, &secret))
}

/// Explains a V3 `SignatureDoesNotMatch`: compares the server's string to sign (and canonical
/// request, when its message quotes it) with our canonical request.
#[pyfunction]
fn v3_diagnose_signature_mismatch(server_message: &str, canonical_request: &str) -> PyDiagnosis {
    bidcert::v3::diagnose_signature_mismatch(server_message, canonical_request).into()
}

/// `s` masked for display: a quarter of the characters (at most 4) kept at each end.
#[pyfunction]
fn mask(s: &str) -> String {
    bidcert::mask(s)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(percent_encode, m)?)?;
    m.add_function(wrap_pyfunction!(canonicalized_query, m)?)?;
    m.add_function(wrap_pyfunction!(string_to_sign, m)?)?;
    m.add_function(wrap_pyfunction!(signature, m)?)?;
    m.add_function(wrap_pyfunction!(parse_certified_info, m)?)?;
    m.add_function(wrap_pyfunction!(parse_cert_ways_url, m)?)?;
    m.add_function(wrap_pyfunction!(parse_fast_auth_event, m)?)?;
    m.add_function(wrap_pyfunction!(diagnose_signature_mismatch, m)?)?;
    m.add_function(wrap_pyfunction!(v3_canonical_request, m)?)?;
    m.add_function(wrap_pyfunction!(v3_string_to_sign, m)?)?;
    m.add_function(wrap_pyfunction!(v3_authorization, m)?)?;
    m.add_function(wrap_pyfunction!(v3_diagnose_signature_mismatch, m)?)?;
    m.add_function(wrap_pyfunction!(mask, m)?)
}
