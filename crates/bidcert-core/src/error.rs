//! The error model: validation of inputs, API errors reported by the server, unparseable bodies.

use std::fmt;

use crate::diagnose::Diagnosis;

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
    /// The request could not be sent or its response not read.
    Transport(TransportError),
    /// No usable credentials, or a source held unusable ones.
    Credentials(CredentialsError),
}

impl Error {
    /// Whether repeating the request (signed afresh) can succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Validation(_) | Error::Credentials(_) => false,
            Error::Api(e) => e.is_retryable(),
            Error::Parse(e) => e.is_retryable(),
            Error::Transport(e) => e.is_retryable(),
        }
    }

    /// What went wrong, as one flat kind shared by every binding.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Validation(_) => ErrorKind::Validation,
            Error::Api(e) => e.kind().into(),
            Error::Parse(_) => ErrorKind::Parse,
            Error::Transport(e) => e.kind().into(),
            Error::Credentials(_) => ErrorKind::Credentials,
        }
    }

    /// The server's error, when there is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The server's request id, when the server answered with an error that carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.api_error().and_then(ApiError::request_id)
    }

    /// The HTTP status of the response, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.http_status()),
            Error::Parse(e) => Some(e.http_status()),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => e.fmt(f),
            Error::Api(e) => e.fmt(f),
            Error::Parse(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Credentials(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(e) => Some(e),
            Error::Api(e) => Some(e),
            Error::Parse(e) => Some(e),
            Error::Transport(e) => Some(e),
            Error::Credentials(e) => Some(e),
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

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Error::Transport(e)
    }
}

impl From<CredentialsError> for Error {
    fn from(e: CredentialsError) -> Self {
        Error::Credentials(e)
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

    /// A stable snake_case name (`bid_mismatch`): its [`ErrorKind`]'s.
    pub fn as_str(self) -> &'static str {
        ErrorKind::from(self).as_str()
    }

    /// Every kind.
    pub const ALL: &'static [ApiErrorKind] = &[
        ApiErrorKind::EmptyPk,
        ApiErrorKind::NotBid,
        ApiErrorKind::BidMismatch,
        ApiErrorKind::InvalidPk,
        ApiErrorKind::AlreadyCertified,
        ApiErrorKind::ApiNotFound,
        ApiErrorKind::AccessKeyNotFound,
        ApiErrorKind::SignatureNonceUsed,
        ApiErrorKind::SignatureMismatch,
        ApiErrorKind::Throttling,
        ApiErrorKind::Timestamp,
        ApiErrorKind::ServiceUnavailable,
        ApiErrorKind::InternalError,
        ApiErrorKind::MissingParameter,
        ApiErrorKind::Unknown,
    ];
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
    // Added by the call engine, not read from the body.
    pub(crate) diagnosis: Option<Diagnosis>,
    pub(crate) clock_offset: Option<i64>,
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
            diagnosis: None,
            clock_offset: None,
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
    /// For `SignatureDoesNotMatch` from a call: how the server's string to sign differs from
    /// the one that was signed.
    pub fn diagnosis(&self) -> Option<&Diagnosis> {
        self.0.diagnosis.as_ref()
    }
    /// For a timestamp error from a call: the server's clock minus ours, in seconds, as read
    /// from the response's `Date` header.
    pub fn clock_offset(&self) -> Option<i64> {
        self.0.clock_offset
    }
    /// Adds a mismatch diagnosis.
    pub fn with_diagnosis(mut self, diagnosis: Diagnosis) -> Self {
        self.0.diagnosis = Some(diagnosis);
        self
    }
    /// Adds the clock offset (server minus ours, seconds).
    pub fn with_clock_offset(mut self, seconds: i64) -> Self {
        self.0.clock_offset = Some(seconds);
        self
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
        f.write_str(")")?;
        if let Some(d) = &self.0.diagnosis {
            write!(f, "; diagnosis: {d}")?;
        }
        if let Some(offset) = self.0.clock_offset {
            write!(f, "; the server's clock is {offset:+} s from ours")?;
        }
        Ok(())
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

macro_rules! error_kinds {
    ($( $(#[$meta:meta])* $variant:ident = $name:literal, )+) => {
        /// Every kind of failure, API codes and local failures alike, in one flat list with
        /// stable snake_case names: the same names in every binding and in the test vectors.
        ///
        /// The C ABI numbers them (`bidcert_error_kind`), Go's kinds come from those numbers,
        /// and Python has one exception class per kind.
        ///
        /// ```
        /// use bidcert_core::ErrorKind;
        /// assert_eq!(ErrorKind::BidMismatch.as_str(), "bid_mismatch");
        /// assert_eq!("tls".parse::<ErrorKind>(), Ok(ErrorKind::Tls));
        /// assert!(ErrorKind::ALL.iter().any(|k| k.is_api()));
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $( $(#[$meta])* $variant, )+
        }

        impl ErrorKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [ErrorKind] = &[$( ErrorKind::$variant, )+];

            /// The stable snake_case name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( ErrorKind::$variant => $name, )+
                }
            }
        }

        impl std::str::FromStr for ErrorKind {
            type Err = ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $name => Ok(ErrorKind::$variant), )+
                    _ => Err(ValidationError::new("kind", format!("{s:?} is not an error kind"))),
                }
            }
        }
    };
}

error_kinds! {
    /// `Empty PK` from the server.
    EmptyPk = "empty_pk",
    /// `Not Bid`: the caller is not a reseller account.
    NotBid = "not_bid",
    /// `Bid Mismatch`: the customer does not belong to this reseller.
    BidMismatch = "bid_mismatch",
    /// `Invalid PK`: no account has this PK.
    InvalidPk = "invalid_pk",
    /// `Already Certified`: the account is verified already.
    AlreadyCertified = "already_certified",
    /// `InvalidApi.NotFound`: the API has not been granted to this reseller.
    ApiNotFound = "api_not_found",
    /// `InvalidAccessKeyId.NotFound`.
    AccessKeyNotFound = "access_key_not_found",
    /// `SignatureNonceUsed`.
    SignatureNonceUsed = "signature_nonce_used",
    /// `SignatureDoesNotMatch`.
    SignatureMismatch = "signature_mismatch",
    /// `Throttling`, `Throttling.*`.
    Throttling = "throttling",
    /// `InvalidTimeStamp.*`.
    Timestamp = "timestamp",
    /// `ServiceUnavailable`.
    ServiceUnavailable = "service_unavailable",
    /// `InternalError`.
    InternalError = "internal_error",
    /// `Missing*`.
    MissingParameter = "missing_parameter",
    /// Any other server code, kept verbatim in the error.
    Unknown = "unknown",
    /// An input was rejected before anything was sent.
    Validation = "validation",
    /// No usable credentials.
    Credentials = "credentials",
    /// The connection could not be made (refused, unreachable, DNS, proxy).
    Connect = "connect",
    /// No complete response within the attempt's timeout or the call's budget.
    Timeout = "timeout",
    /// The connection failed after it was made: reset, closed early, a truncated body, or an
    /// answer that is not HTTP.
    Reset = "reset",
    /// The TLS handshake failed (an untrusted certificate, a wrong host name).
    Tls = "tls",
    /// The response body could not be understood.
    Parse = "parse",
    /// The caller cancelled the call (a Go context, an asyncio task).
    Canceled = "canceled",
    /// A FastAuthc message came from another origin than the link's.
    OriginMismatch = "origin_mismatch",
    /// A FastAuthc message is not a `{success, type, data}` object.
    Malformed = "malformed",
}

impl ErrorKind {
    /// Whether this kind is a server error code.
    pub fn is_api(self) -> bool {
        ApiErrorKind::ALL
            .iter()
            .any(|k| ErrorKind::from(*k) == self)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<ApiErrorKind> for ErrorKind {
    fn from(k: ApiErrorKind) -> Self {
        match k {
            ApiErrorKind::EmptyPk => ErrorKind::EmptyPk,
            ApiErrorKind::NotBid => ErrorKind::NotBid,
            ApiErrorKind::BidMismatch => ErrorKind::BidMismatch,
            ApiErrorKind::InvalidPk => ErrorKind::InvalidPk,
            ApiErrorKind::AlreadyCertified => ErrorKind::AlreadyCertified,
            ApiErrorKind::ApiNotFound => ErrorKind::ApiNotFound,
            ApiErrorKind::AccessKeyNotFound => ErrorKind::AccessKeyNotFound,
            ApiErrorKind::SignatureNonceUsed => ErrorKind::SignatureNonceUsed,
            ApiErrorKind::SignatureMismatch => ErrorKind::SignatureMismatch,
            ApiErrorKind::Throttling => ErrorKind::Throttling,
            ApiErrorKind::Timestamp => ErrorKind::Timestamp,
            ApiErrorKind::ServiceUnavailable => ErrorKind::ServiceUnavailable,
            ApiErrorKind::InternalError => ErrorKind::InternalError,
            ApiErrorKind::MissingParameter => ErrorKind::MissingParameter,
            ApiErrorKind::Unknown => ErrorKind::Unknown,
        }
    }
}

impl From<TransportKind> for ErrorKind {
    fn from(k: TransportKind) -> Self {
        match k {
            TransportKind::Connect => ErrorKind::Connect,
            TransportKind::Timeout => ErrorKind::Timeout,
            TransportKind::Reset => ErrorKind::Reset,
            TransportKind::Tls => ErrorKind::Tls,
        }
    }
}

/// How a request failed to cross the network; a driver classifies its HTTP stack's failure
/// into one of these, and the call engine decides from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be made (refused, unreachable, DNS, proxy).
    Connect,
    /// No complete response in time.
    Timeout,
    /// The connection failed after it was made (reset, closed early, truncated, not HTTP).
    Reset,
    /// The TLS handshake failed.
    Tls,
}

impl TransportKind {
    /// Every kind.
    pub const ALL: &'static [TransportKind] = &[
        TransportKind::Connect,
        TransportKind::Timeout,
        TransportKind::Reset,
        TransportKind::Tls,
    ];

    /// Whether a new attempt can succeed: yes, except for TLS, whose certificate or host
    /// name will be just as wrong the next time.
    pub fn is_retryable(self) -> bool {
        !matches!(self, TransportKind::Tls)
    }

    /// The stable snake_case name, the same as its [`ErrorKind`]'s.
    pub fn as_str(self) -> &'static str {
        ErrorKind::from(self).as_str()
    }
}

impl std::str::FromStr for TransportKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TransportKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "transport",
                    format!("{s:?} is not one of connect, timeout, reset, tls"),
                )
            })
    }
}

/// A request that could not be sent or whose response could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    kind: TransportKind,
    message: String,
}

impl TransportError {
    /// A failure of `kind`, described by `message` (the HTTP stack's words; never a secret).
    pub fn new(kind: TransportKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
        }
    }
    /// How it failed.
    pub fn kind(&self) -> TransportKind {
        self.kind
    }
    /// What failed, in the HTTP stack's words.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// Whether a new attempt can succeed ([`TransportKind::is_retryable`]).
    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportKind::Connect => "cannot connect",
            TransportKind::Timeout => "timed out",
            TransportKind::Reset => "connection failed",
            TransportKind::Tls => "TLS handshake failed",
        };
        write!(f, "{what}: {}", self.message)
    }
}

impl std::error::Error for TransportError {}

/// No source had usable credentials: says what each one lacked, or which source held
/// unusable ones (a key with a stray space, say). Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    tried: Vec<(String, String)>,
}

impl CredentialsError {
    /// The sources tried, each with what it lacked.
    pub fn new(tried: Vec<(String, String)>) -> Self {
        CredentialsError { tried }
    }
    /// One source and why it failed.
    pub fn single(source: impl Into<String>, reason: impl Into<String>) -> Self {
        CredentialsError {
            tried: vec![(source.into(), reason.into())],
        }
    }
    /// Each source tried, with what it lacked.
    pub fn tried(&self) -> &[(String, String)] {
        &self.tried
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no usable credentials")?;
        for (source, why) in &self.tried {
            write!(f, "; {source}: {why}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CredentialsError {}
