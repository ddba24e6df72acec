//! The operations as the gateway runs them: verify the signature (and, for a temporary key,
//! its security token), then the business rules, answering with the status codes and body
//! shapes of the API documents. STS's own rules are in `sts`.

use bidcert_core::{
    verify, verify_v3, BidType, GenerateCertWaysUrl, Method, Platform, Product, QueryCertifiedInfo,
    ReceivedRequest, SignatureVersion, SubjectType, Timestamp, VerifyError,
};
use serde::Serialize;

use crate::fault::FaultKind;
use crate::fixture::Customer;
use crate::page::PAGE_PATH;
use crate::state::{Caller, Link, State};
use crate::sts;

/// An answer to an API request.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    /// The error code, when it is an error.
    pub(crate) code: Option<String>,
    pub(crate) request_id: String,
}

/// A refusal: status, code and message.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) message: String,
}

impl Refusal {
    pub(crate) fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Refusal {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    /// A 400 with `code`.
    pub(crate) fn invalid(code: &str, message: impl Into<String>) -> Self {
        Refusal::new(400, code, message)
    }

    fn invalid_parameter(message: impl Into<String>) -> Self {
        Refusal::invalid("InvalidParameter", message)
    }
}

impl From<VerifyError> for Refusal {
    fn from(e: VerifyError) -> Self {
        Refusal::new(e.http_status(), e.code(), e.message())
    }
}

/// The messages of the API documents, verbatim.
mod msg {
    pub(super) const EMPTY_PK: &str =
        "The input parameter 'PK' mandatory for processing this request is not supplied.";
    pub(super) const INVALID_PK: &str =
        "The specified parameter 'PK' does not exist in our records.";
    pub(super) const BID_MISMATCH: &str = "Pk is not belong to the Bid.";
    pub(super) const ALREADY_CERTIFIED: &str = "Account is already certified";
    /// Crm's table ends it with a period, Aas's does not.
    pub(super) const NOT_BID_CRM: &str = "The interface can not be called by a non-bid account.";
    pub(super) const NOT_BID_AAS: &str = "The interface can not be called by a non-bid account";
    pub(super) const API_NOT_FOUND: &str =
        "Specified api is not found, please check your url and method.";
}

/// An API request as the gateway reads it: v1.0 puts everything in parameters, V3 puts the
/// common ones in `x-acs-*` headers and `Authorization`.
#[derive(Debug)]
pub(crate) struct ApiRequest<'a> {
    /// The path as received.
    pub(crate) path: &'a str,
    /// The URL's query, decoded.
    pub(crate) query: Vec<(String, String)>,
    /// The query and, for a form body, its parameters, decoded.
    pub(crate) params: Vec<(String, String)>,
    /// Every header as received.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: &'a [u8],
}

impl ApiRequest<'_> {
    fn received(&self, method: Method) -> ReceivedRequest<'_> {
        ReceivedRequest {
            method,
            path: self.path,
            query: &self.query,
            headers: &self.headers,
            body: self.body,
        }
    }

    fn param(&self, name: &str) -> Option<&str> {
        param(&self.params, name)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether it claims V3 (an `ACS3-` `Authorization`).
    pub(crate) fn is_v3(&self) -> bool {
        // The method does not matter to the question.
        self.received(Method::Post).is_v3()
    }

    /// The signature it claims; `None` when it carries none.
    pub(crate) fn signature_version(&self) -> Option<SignatureVersion> {
        if self.is_v3() {
            Some(SignatureVersion::V3)
        } else {
            self.param("Signature").map(|_| SignatureVersion::V1)
        }
    }

    /// V3 names its common parameters in headers; an unsigned V3 call (`AssumeRoleWithOIDC`)
    /// too.
    fn common(&self, v1: &str, v3: &str) -> Option<&str> {
        if self.is_v3() {
            self.header(v3)
        } else {
            self.param(v1).or_else(|| self.header(v3))
        }
    }

    pub(crate) fn action(&self) -> Option<&str> {
        self.common("Action", "x-acs-action")
    }

    fn version(&self) -> Option<&str> {
        self.common("Version", "x-acs-version")
    }

    pub(crate) fn nonce(&self) -> Option<&str> {
        self.common("SignatureNonce", "x-acs-signature-nonce")
    }

    pub(crate) fn timestamp(&self) -> Option<&str> {
        self.common("Timestamp", "x-acs-date")
    }

    fn security_token(&self) -> Option<&str> {
        self.common("SecurityToken", "x-acs-security-token")
    }

    /// `AccessKeyId`, or V3's `Credential=` in `Authorization`.
    pub(crate) fn access_key_id(&self) -> Option<&str> {
        if !self.is_v3() {
            return self.param("AccessKeyId");
        }
        let auth = self.header("authorization")?;
        let (_, rest) = auth.split_once("Credential=")?;
        Some(rest.split(',').next().unwrap_or(rest).trim())
    }
}

pub(crate) fn request_id() -> String {
    let mut buf = uuid::Uuid::encode_buffer();
    uuid::Uuid::new_v4()
        .hyphenated()
        .encode_upper(&mut buf)
        .to_owned()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The services the emulator answers for: the two of the core, and STS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    Crm,
    Aas,
    Sts,
}

impl Service {
    /// The service of `action`, when it is one the emulator knows.
    pub(crate) fn of(action: Option<&str>) -> Option<Service> {
        match action? {
            QueryCertifiedInfo::ACTION => Some(Service::Crm),
            GenerateCertWaysUrl::ACTION => Some(Service::Aas),
            a if sts::ACTIONS.contains(&a) => Some(Service::Sts),
            _ => None,
        }
    }

    fn version(self) -> &'static str {
        match self {
            Service::Crm => Product::Crm.version(),
            Service::Aas => Product::Aas.version(),
            Service::Sts => sts::VERSION,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Service::Crm => "Crm",
            Service::Aas => "Aas",
            Service::Sts => "Sts",
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorBody<'a> {
    request_id: &'a str,
    host_id: &'a str,
    code: &'a str,
    message: &'a str,
    recommend: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    success: Option<bool>,
}

/// An error answer in the gateway's shape; Aas errors also carry `"Success": false`.
fn error_answer(refusal: Refusal, service: Option<Service>, host: &str) -> Answer {
    let request_id = request_id();
    let code: String = form_urlencoded::byte_serialize(refusal.code.as_bytes()).collect();
    let recommend = match service {
        Some(s) => format!(
            "https://api.aliyun.com/troubleshoot?q={code}&product={}",
            s.name()
        ),
        None => format!("https://api.aliyun.com/troubleshoot?q={code}"),
    };
    let body = ErrorBody {
        request_id: &request_id,
        host_id: host,
        code: &refusal.code,
        message: &refusal.message,
        recommend,
        success: (service == Some(Service::Aas)).then_some(false),
    };
    Answer {
        status: refusal.status,
        body: serde_json::to_vec(&body).unwrap_or_default(),
        code: Some(refusal.code),
        request_id,
    }
}

/// The answer for an injected 500, 503 or throttling fault.
pub(crate) fn fault_answer(kind: &FaultKind, action: Option<&str>, host: &str) -> Option<Answer> {
    let refusal = match kind {
        FaultKind::Http500 => Refusal::new(
            500,
            "InternalError",
            "The request processing has failed due to some unknown error.",
        ),
        FaultKind::Http503 => Refusal::new(
            503,
            "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server.",
        ),
        FaultKind::Throttling(_) => Refusal::new(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
        ),
        _ => return None,
    };
    Some(error_answer(refusal, Service::of(action), host))
}

/// The answer to an API request with a method other than GET or POST.
pub(crate) fn method_not_allowed(method: &str, action: Option<&str>, host: &str) -> Answer {
    let refusal = Refusal::new(
        405,
        "UnsupportedHTTPMethod",
        format!("The HTTP method {method:?} is not supported; use GET or POST."),
    );
    error_answer(refusal, Service::of(action), host)
}

/// Answers an API request at emulator time `now`. `method` is `GET` or `POST`; `host` is the
/// `Host` the client called.
pub(crate) fn answer(
    state: &mut State,
    now: Timestamp,
    base_url: &str,
    host: &str,
    method: Method,
    request: &ApiRequest<'_>,
) -> Answer {
    let service = Service::of(request.action());
    match run(state, now, base_url, method, request) {
        Ok((request_id, body)) => Answer {
            status: 200,
            body,
            code: None,
            request_id,
        },
        Err(refusal) => error_answer(refusal, service, host),
    }
}

/// Each parameter given once (what `verify` checks first, for the one unsigned action).
fn unique(params: &[(String, String)]) -> Result<(), Refusal> {
    let mut names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    match names.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(VerifyError::DuplicateParameter(w[0].to_owned()).into()),
        None => Ok(()),
    }
}

/// `Action` and `Version` present, the action known, the version its service's.
fn service_of(action: Option<&str>, version: Option<&str>) -> Result<Service, Refusal> {
    let action = action
        .filter(|a| !a.is_empty())
        .ok_or(VerifyError::MissingParameter("Action"))?;
    let service = Service::of(Some(action))
        .ok_or_else(|| Refusal::new(404, "InvalidApi.NotFound", msg::API_NOT_FOUND))?;
    let version = version
        .filter(|v| !v.is_empty())
        .ok_or(VerifyError::MissingParameter("Version"))?;
    if version != service.version() {
        return Err(Refusal::new(
            400,
            "InvalidVersion",
            format!(
                "Specified parameter Version is not valid: {action} is in version {}, not {version:?}.",
                service.version()
            ),
        ));
    }
    Ok(service)
}

/// Who signed a verified request.
enum Signer {
    Reseller(usize),
    Account(usize),
    /// A temporary key of this role (index into `fixture.roles`), its token checked.
    Session(usize),
}

fn run(
    state: &mut State,
    now: Timestamp,
    base_url: &str,
    method: Method,
    request: &ApiRequest<'_>,
) -> Result<(String, Vec<u8>), Refusal> {
    let params = &request.params[..];
    let v3 = request.is_v3();
    // AssumeRoleWithOIDC is sent unsigned, as the service expects: the OIDC token is the
    // credential. Signed, it is verified like any other action.
    let action = request.action();
    if action == Some(sts::ASSUME_ROLE_WITH_OIDC) && !v3 && request.param("AccessKeyId").is_none() {
        unique(params)?;
        service_of(action, request.version())?;
        return sts::assume_role_with_oidc(state, now, params);
    }
    // `verify` checks this itself; V3 parameters are the business ones only.
    if v3 {
        unique(params)?;
    }
    // The key lookup that finds the secret also tells who is calling.
    let mut caller = None;
    let verified = {
        let State {
            fixture,
            keys,
            sts,
            nonces,
            ..
        } = &mut *state;
        let secret_of = |id: &str| {
            let (who, secret) = State::key(fixture, keys, sts, id)?;
            caller = Some(who);
            Some(secret.to_owned())
        };
        if v3 {
            verify_v3(&request.received(method), secret_of, now, nonces)?
        } else {
            verify(method, params, secret_of, now, nonces)?
        }
    };
    // `verify` succeeded, so it looked the key up and `caller` is set.
    let signer = match caller {
        Some(Caller::Reseller(i)) => Signer::Reseller(i),
        Some(Caller::Account(i)) => Signer::Account(i),
        Some(Caller::Session) | None => {
            let token = request.security_token();
            Signer::Session(state.sts.check(verified.access_key_id, token, now.unix())?)
        }
    };
    let service = service_of(verified.action, verified.version)?;
    let action = verified.action.unwrap_or_default();
    let product = match service {
        Service::Crm => Product::Crm,
        Service::Aas => Product::Aas,
        Service::Sts => {
            let fixture = &state.fixture;
            let principal = match signer {
                Signer::Reseller(i) => fixture.resellers[i].uid.clone(),
                Signer::Account(i) => fixture.accounts[i].uid.clone(),
                Signer::Session(role) => fixture.roles[role].arn.clone(),
            };
            return match action {
                sts::ASSUME_ROLE => sts::assume_role(state, now, &principal, params),
                _ => sts::assume_role_with_oidc(state, now, params),
            };
        }
    };
    let not_bid = match product {
        Product::Crm => msg::NOT_BID_CRM,
        Product::Aas => msg::NOT_BID_AAS,
    };
    // A role's temporary keys act as its reseller.
    let reseller = match signer {
        Signer::Reseller(i) => &state.fixture.resellers[i],
        Signer::Session(role) => {
            let uid = &state.fixture.roles[role].reseller;
            match state.fixture.resellers.iter().find(|r| &r.uid == uid) {
                Some(r) => r,
                None => return Err(Refusal::new(403, "Not Bid", not_bid)),
            }
        }
        Signer::Account(_) => return Err(Refusal::new(403, "Not Bid", not_bid)),
    };
    if product == Product::Aas && !reseller.aas_granted {
        return Err(Refusal::new(
            404,
            "InvalidApi.NotFound",
            "InvalidApi.NotFound",
        ));
    }
    if bid_type(params)? != reseller.bid_type {
        return Err(Refusal::new(403, "Not Bid", not_bid));
    }
    let pk_name = match product {
        Product::Crm => "PK",
        Product::Aas => "AliyunPk",
    };
    let pk = param(params, pk_name)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Refusal::new(400, "Empty PK", msg::EMPTY_PK))?;
    let aas = match product {
        Product::Aas => Some(AasParams::parse(params)?),
        Product::Crm => None,
    };
    let customer = state
        .customer(pk)
        .ok_or_else(|| Refusal::new(404, "Invalid PK", msg::INVALID_PK))?;
    if customer.owner != reseller.uid {
        return Err(Refusal::new(403, "Bid Mismatch", msg::BID_MISMATCH));
    }
    let request_id = request_id();
    let Some(aas) = aas else {
        let body = query_body(customer, &request_id);
        return Ok((request_id, body));
    };
    if customer.verified {
        return Err(Refusal::new(
            400,
            "Already Certified",
            msg::ALREADY_CERTIFIED,
        ));
    }
    let token = new_token();
    let url = format!("{base_url}{PAGE_PATH}?token={token}");
    let link = Link {
        pk: pk.to_owned(),
        issued_at: now.unix(),
        enterprise_only: aas.subject_type == SubjectType::Enterprise,
    };
    state.add_link(token, link);
    let body = serde_json::to_vec(&AasBody {
        request_id: &request_id,
        data: &url,
        success: true,
    })
    .unwrap_or_default();
    Ok((request_id, body))
}

/// The value of a wire enum of the core spelled exactly as documented (the core's `FromStr`
/// ignores case; the gateway does not).
fn exact<T: Copy>(all: &[T], as_str: fn(T) -> &'static str, value: &str) -> Option<T> {
    all.iter().copied().find(|&v| as_str(v) == value)
}

/// `BidType` (the Query table writes `bidType`; both are accepted).
fn bid_type(params: &[(String, String)]) -> Result<BidType, Refusal> {
    match param(params, "BidType").or_else(|| param(params, "bidType")) {
        None | Some("") => Err(Refusal::invalid_parameter(
            "The input parameter 'BidType' mandatory for processing this request is not supplied; \
             it must be NORMAL or LIGHTWEIGHT.",
        )),
        Some(v) => exact(BidType::ALL, BidType::as_str, v).ok_or_else(|| {
            Refusal::invalid_parameter(format!(
                "The parameter 'BidType' is invalid: {v:?} is not NORMAL or LIGHTWEIGHT."
            ))
        }),
    }
}

/// The Aas operation's own parameters, checked against their documented values.
struct AasParams {
    subject_type: SubjectType,
}

impl AasParams {
    fn parse(params: &[(String, String)]) -> Result<Self, Refusal> {
        /// The value of `name`, one of `allowed` (as spelt on the wire by `as_str`).
        fn one_of<T: Copy>(
            params: &[(String, String)],
            name: &str,
            allowed: &[T],
            as_str: fn(T) -> &'static str,
        ) -> Result<T, Refusal> {
            let value = param(params, name).unwrap_or("");
            exact(allowed, as_str, value).ok_or_else(|| {
                let allowed = allowed.iter().map(|&v| as_str(v)).collect::<Vec<_>>();
                Refusal::invalid_parameter(if value.is_empty() {
                    format!(
                        "The input parameter '{name}' mandatory for processing this request is \
                         not supplied; it must be one of {}.",
                        allowed.join(", ")
                    )
                } else {
                    format!(
                        "The parameter '{name}' is invalid: {value:?} is not one of {}.",
                        allowed.join(", ")
                    )
                })
            })
        }
        let text = |s: &'static str| s;
        let flag = |b: bool| if b { "true" } else { "false" };
        one_of(params, "Platform", Platform::ALL, Platform::as_str)?;
        let subject_type = one_of(params, "SubjectType", SubjectType::ALL, SubjectType::as_str)?;
        one_of(params, "Source", &[GenerateCertWaysUrl::SOURCE], text)?;
        one_of(params, "IsOpenApp", &[true, false], flag)?;
        one_of(params, "IsMobile", &[true, false], flag)?;
        Ok(AasParams { subject_type })
    }
}

/// A link token: 64 random hex digits.
fn new_token() -> String {
    let mut token = String::with_capacity(64);
    for _ in 0..2 {
        let mut buf = uuid::Uuid::encode_buffer();
        token.push_str(uuid::Uuid::new_v4().simple().encode_lower(&mut buf));
    }
    token
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AasBody<'a> {
    request_id: &'a str,
    data: &'a str,
    success: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueryBody<'a> {
    request_id: &'a str,
    result: String,
}

/// `result`, in the order of the API document's example; only two fields while unverified.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueryResult<'a> {
    aliyun_pk: &'a str,
    is_certified: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cert_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cert_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_cert_type: Option<&'a str>,
}

fn query_body(customer: &Customer, request_id: &str) -> Vec<u8> {
    let cert = customer.reported_certificate();
    let cert = cert.as_deref();
    let result = QueryResult {
        aliyun_pk: &customer.pk,
        is_certified: if customer.verified { "1" } else { "0" },
        cert_number: cert.map(|c| c.cert_number.as_str()),
        phone: cert.map(|c| c.phone.as_str()),
        cert_type: cert.map(|c| c.cert_type.as_str()),
        name: cert.map(|c| c.name.as_str()),
        account_cert_type: cert.map(|c| c.account_cert_type.as_str()),
    };
    let body = QueryBody {
        request_id,
        result: serde_json::to_string(&result).unwrap_or_default(),
    };
    serde_json::to_vec(&body).unwrap_or_default()
}
