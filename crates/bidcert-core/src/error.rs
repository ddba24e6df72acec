//! The error model: validation of inputs, API errors reported by the server, unparseable bodies.

use std::fmt;

/// Any error the pure core can report.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An input was rejected before anything was signed or sent.
    Validation(ValidationError),
    /// The server answered with an error code.
    Api(ApiError),
    /// The server's body could not be understood.
    Parse(ParseError),
}

impl Error {
    /// Whether repeating the request (signed afresh) can succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Validation(_) => false,
            Error::Api(e) => e.is_retryable(),
            Error::Parse(e) => e.is_retryable(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => e.fmt(f),
            Error::Api(e) => e.fmt(f),
            Error::Parse(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(e) => Some(e),
            Error::Api(e) => Some(e),
            Error::Parse(e) => Some(e),
        }
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(e)
    }
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Error::Parse(e)
    }
}

/// An input rejected before signing: names the field and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    field: String,
    reason: String,
}

impl ValidationError {
    /// A rejection of `field` (its wire name where it has one) for `reason`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ValidationError {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The rejected field, by its wire name where it has one (`PK`, `BidType`, ...).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Why it was rejected, including the accepted values where there is a list.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.field, self.reason)
    }
}

impl std::error::Error for ValidationError {}

/// What an API error code means to a caller.
///
/// Every code documented for the two operations has its kind, plus the gateway's common ones;
/// any other code is [`ApiErrorKind::Unknown`] and kept verbatim in [`ApiError::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// `Empty PK`: the PK parameter was empty.
    EmptyPk,
    /// `Not Bid`: the caller is not a reseller account.
    NotBid,
    /// `Bid Mismatch`: the customer does not belong to this reseller.
    BidMismatch,
    /// `Invalid PK`: no account has this PK.
    InvalidPk,
    /// `Already Certified`: the account is verified already; no link is issued.
    AlreadyCertified,
    /// `InvalidApi.NotFound`: the API has not been granted to this reseller.
    ApiNotFound,
    /// `InvalidAccessKeyId.NotFound`: the AccessKeyId does not exist.
    AccessKeyNotFound,
    /// `SignatureNonceUsed`: the nonce was seen in the last 15 minutes.
    SignatureNonceUsed,
    /// `SignatureDoesNotMatch`: the server computed another signature.
    SignatureMismatch,
    /// `Throttling`, `Throttling.*`: flow control.
    Throttling,
    /// `InvalidTimeStamp.*`: the timestamp is malformed or too far from the server's clock.
    Timestamp,
    /// `ServiceUnavailable`: a temporary failure of the server.
    ServiceUnavailable,
    /// `InternalError`: the server failed.
    InternalError,
    /// `Missing*`: a required parameter was not sent.
    MissingParameter,
    /// Any other code, kept verbatim.
    Unknown,
}

impl ApiErrorKind {
    /// The kind of a server error code.
    pub fn from_code(code: &str) -> Self {
        match code {
            "Empty PK" => ApiErrorKind::EmptyPk,
            "Not Bid" => ApiErrorKind::NotBid,
            "Bid Mismatch" => ApiErrorKind::BidMismatch,
            "Invalid PK" => ApiErrorKind::InvalidPk,
            "Already Certified" => ApiErrorKind::AlreadyCertified,
            "InvalidApi.NotFound" => ApiErrorKind::ApiNotFound,
            "InvalidAccessKeyId.NotFound" => ApiErrorKind::AccessKeyNotFound,
            "SignatureNonceUsed" => ApiErrorKind::SignatureNonceUsed,
            "SignatureDoesNotMatch" => ApiErrorKind::SignatureMismatch,
            "ServiceUnavailable" => ApiErrorKind::ServiceUnavailable,
            "InternalError" => ApiErrorKind::InternalError,
            c if c == "Throttling" || c.starts_with("Throttling.") => ApiErrorKind::Throttling,
            c if c.starts_with("InvalidTimeStamp") => ApiErrorKind::Timestamp,
            c if c.starts_with("Missing") => ApiErrorKind::MissingParameter,
            _ => ApiErrorKind::Unknown,
        }
    }

    /// A stable snake_case name (`bid_mismatch`), the same in every binding and in the vectors.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiErrorKind::EmptyPk => "empty_pk",
            ApiErrorKind::NotBid => "not_bid",
            ApiErrorKind::BidMismatch => "bid_mismatch",
            ApiErrorKind::InvalidPk => "invalid_pk",
            ApiErrorKind::AlreadyCertified => "already_certified",
            ApiErrorKind::ApiNotFound => "api_not_found",
            ApiErrorKind::AccessKeyNotFound => "access_key_not_found",
            ApiErrorKind::SignatureNonceUsed => "signature_nonce_used",
            ApiErrorKind::SignatureMismatch => "signature_mismatch",
            ApiErrorKind::Throttling => "throttling",
            ApiErrorKind::Timestamp => "timestamp",
            ApiErrorKind::ServiceUnavailable => "service_unavailable",
            ApiErrorKind::InternalError => "internal_error",
            ApiErrorKind::MissingParameter => "missing_parameter",
            ApiErrorKind::Unknown => "unknown",
        }
    }
}

impl fmt::Display for ApiErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error answered by the server, with its fields kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError(Box<ApiErrorFields>);

// Boxed so that every `Result<_, Error>` stays small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiErrorFields {
    pub(crate) http_status: u16,
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) request_id: Option<String>,
    pub(crate) host_id: Option<String>,
    pub(crate) recommend: Option<String>,
    pub(crate) kind: ApiErrorKind,
}

impl ApiError {
    /// An error as a server would report it; the kind follows from the code.
    pub fn new(http_status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        let code = code.into();
        ApiError(Box::new(ApiErrorFields {
            http_status,
            kind: ApiErrorKind::from_code(&code),
            code,
            message: message.into(),
            request_id: None,
            host_id: None,
            recommend: None,
        }))
    }

    pub(crate) fn from_fields(fields: ApiErrorFields) -> Self {
        ApiError(Box::new(fields))
    }

    /// Sets the request id.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.0.request_id = Some(request_id.into());
        self
    }

    /// What the code means.
    pub fn kind(&self) -> ApiErrorKind {
        self.0.kind
    }
    /// The HTTP status of the response.
    pub fn http_status(&self) -> u16 {
        self.0.http_status
    }
    /// The server's code, verbatim (`Bid Mismatch`, `SignatureDoesNotMatch`, ...).
    pub fn code(&self) -> &str {
        &self.0.code
    }
    /// The server's message, verbatim.
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// The server's request id, to quote to Alibaba Cloud support.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// The host that answered, when the server said.
    pub fn host_id(&self) -> Option<&str> {
        self.0.host_id.as_deref()
    }
    /// The server's troubleshooting link, when it gave one.
    pub fn recommend(&self) -> Option<&str> {
        self.0.recommend.as_deref()
    }

    /// Whether repeating the request, signed afresh, can succeed.
    ///
    /// True for throttling, a temporarily unavailable or failing server, a reused nonce (every
    /// attempt gets a new one) and unknown codes with a 5xx status; false for the business
    /// errors, which answer the same every time.
    pub fn is_retryable(&self) -> bool {
        match self.0.kind {
            ApiErrorKind::Throttling
            | ApiErrorKind::ServiceUnavailable
            | ApiErrorKind::InternalError
            | ApiErrorKind::SignatureNonceUsed => true,
            ApiErrorKind::Unknown => self.0.http_status >= 500,
            _ => false,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (HTTP {}",
            self.0.code, self.0.message, self.0.http_status
        )?;
        if let Some(id) = &self.0.request_id {
            write!(f, ", RequestId {id}")?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for ApiError {}

/// A body that could not be understood. Keeps the status and a bounded excerpt of the body.
///
/// The excerpt is not part of `Display` or `Debug` (a body can hold customer data); ask for it
/// with [`ParseError::excerpt`].
#[derive(Clone, PartialEq, Eq)]
pub struct ParseError {
    http_status: u16,
    reason: String,
    excerpt: String,
    body_len: usize,
}

/// How many bytes of a body a [`ParseError`] keeps.
pub const EXCERPT_LIMIT: usize = 256;

impl ParseError {
    pub(crate) fn new(http_status: u16, reason: impl Into<String>, body: &[u8]) -> Self {
        let cut = &body[..body.len().min(EXCERPT_LIMIT)];
        ParseError {
            http_status,
            reason: reason.into(),
            excerpt: String::from_utf8_lossy(cut).into_owned(),
            body_len: body.len(),
        }
    }

    /// The HTTP status of the response.
    pub fn http_status(&self) -> u16 {
        self.http_status
    }
    /// What was wrong with the body.
    pub fn reason(&self) -> &str {
        &self.reason
    }
    /// The first bytes of the body (at most [`EXCERPT_LIMIT`]), lossily decoded.
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }
    /// Whether a retry can help: only when the status says the server or a proxy failed.
    pub fn is_retryable(&self) -> bool {
        self.http_status >= 500 || self.http_status == 429
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unreadable response (HTTP {}, {} bytes): {}",
            self.http_status, self.body_len, self.reason
        )
    }
}

impl fmt::Debug for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseError")
            .field("http_status", &self.http_status)
            .field("reason", &self.reason)
            .field("body_len", &self.body_len)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for ParseError {}
