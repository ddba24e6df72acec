//! The client's one error type.

use std::fmt;
use std::time::Duration;

use bidcert_core::{ApiError, ApiErrorKind, Diagnosis, ParseError, ValidationError};

use crate::credentials::CredentialsError;

/// Everything a call can fail with. No variant ever holds the AccessKeySecret.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// An input was rejected before anything was sent.
    Validation(ValidationError),
    /// No credentials could be found, or a source held unusable ones.
    Credentials(CredentialsError),
    /// The request could not be sent or its response not read (connection refused or reset,
    /// DNS, TLS, a truncated body).
    Transport {
        /// What failed.
        message: String,
    },
    /// No complete response within the configured timeout.
    Timeout {
        /// The overall timeout that was exceeded.
        after: Duration,
    },
    /// The response body could not be understood.
    Response(ParseError),
    /// The server answered with an error code.
    Api(Box<ApiFailure>),
}

/// An API error with what the client could add to it.
#[derive(Debug, Clone)]
pub struct ApiFailure {
    /// The server's error, verbatim.
    pub error: ApiError,
    /// For `SignatureDoesNotMatch`: how the server's string to sign differs from ours.
    pub diagnosis: Option<Diagnosis>,
    /// For a timestamp error: server clock minus our clock, in seconds, from the `Date` header.
    pub clock_skew_seconds: Option<i64>,
}

impl Error {
    /// The server's error, when there is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(f) => Some(&f.error),
            _ => None,
        }
    }

    /// The kind of the server's error, when there is one.
    pub fn api_kind(&self) -> Option<ApiErrorKind> {
        self.api_error().map(ApiError::kind)
    }

    /// The server's request id, when there is one.
    pub fn request_id(&self) -> Option<&str> {
        self.api_error().and_then(ApiError::request_id)
    }

    /// The mismatch diagnosis of a `SignatureDoesNotMatch`.
    pub fn diagnosis(&self) -> Option<&Diagnosis> {
        match self {
            Error::Api(f) => f.diagnosis.as_ref(),
            _ => None,
        }
    }

    /// Whether repeating the call can succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Validation(_) | Error::Credentials(_) => false,
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Response(e) => e.is_retryable(),
            Error::Api(f) => f.error.is_retryable(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => e.fmt(f),
            Error::Credentials(e) => e.fmt(f),
            Error::Transport { message } => write!(f, "transport error: {message}"),
            Error::Timeout { after } => write!(f, "no response within {after:?}"),
            Error::Response(e) => e.fmt(f),
            Error::Api(failure) => {
                failure.error.fmt(f)?;
                if let Some(d) = &failure.diagnosis {
                    write!(f, "; diagnosis: {d}")?;
                }
                if let Some(skew) = failure.clock_skew_seconds {
                    write!(f, "; the server's clock is {skew:+} s from ours")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(e) => Some(e),
            Error::Credentials(e) => Some(e),
            Error::Response(e) => Some(e),
            Error::Api(f) => Some(&f.error),
            _ => None,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

impl From<CredentialsError> for Error {
    fn from(e: CredentialsError) -> Self {
        Error::Credentials(e)
    }
}

impl From<bidcert_core::Error> for Error {
    fn from(e: bidcert_core::Error) -> Self {
        match e {
            bidcert_core::Error::Validation(v) => Error::Validation(v),
            bidcert_core::Error::Parse(p) => Error::Response(p),
            bidcert_core::Error::Api(a) => Error::Api(Box::new(ApiFailure {
                error: a,
                diagnosis: None,
                clock_skew_seconds: None,
            })),
            other => Error::Transport {
                message: other.to_string(),
            },
        }
    }
}
