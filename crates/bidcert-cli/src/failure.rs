//! How a command fails: exit statuses, one-line messages, and the JSON error object.

use serde_json::{json, Value};

/// Success.
pub(crate) const EXIT_OK: i32 = 0;
/// The call, or an audit row, failed.
pub(crate) const EXIT_FAILED: i32 = 1;
/// The command line or an input file is wrong.
pub(crate) const EXIT_USAGE: i32 = 2;

/// Why a command stopped.
#[derive(Debug)]
pub(crate) enum CliError {
    /// The command line or an input is wrong: exit status 2.
    Usage(String),
    /// Something failed while running: exit status 1.
    Failed(String),
    /// A client call failed: exit status 1 (2 for an input the client refused).
    Call(bidcert::Error),
}

impl CliError {
    pub(crate) fn exit_status(&self) -> i32 {
        match self {
            CliError::Usage(_) => EXIT_USAGE,
            CliError::Call(bidcert::Error::Validation(_)) => EXIT_USAGE,
            CliError::Failed(_) | CliError::Call(_) => EXIT_FAILED,
        }
    }

    /// The one-line message for stderr (after `bidcert: `).
    pub(crate) fn message(&self) -> String {
        match self {
            CliError::Usage(m) | CliError::Failed(m) => one_line(m),
            CliError::Call(e) => describe(e),
        }
    }

    /// The `--json` object on stdout.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            CliError::Call(e) => json!({ "error": error_json(e) }),
            other => json!({ "error": {
                "code": if other.exit_status() == EXIT_USAGE { "bidcert.usage" } else { "bidcert.failed" },
                "kind": null,
                "message": other.message(),
                "http_status": null,
                "request_id": null,
                "retryable": false,
                "diagnosis": null,
            }}),
        }
    }
}

impl From<bidcert::Error> for CliError {
    fn from(e: bidcert::Error) -> Self {
        CliError::Call(e)
    }
}

impl From<bidcert::ValidationError> for CliError {
    fn from(e: bidcert::ValidationError) -> Self {
        CliError::Call(bidcert::Error::Validation(e))
    }
}

pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The error's code: the server's verbatim (`Bid Mismatch`), or `bidcert.<kind>` for one
/// found on our side, which no server code can collide with.
pub(crate) fn code(e: &bidcert::Error) -> String {
    match e.api_error() {
        Some(api) => api.code().to_owned(),
        None => format!("bidcert.{}", e.kind()),
    }
}

/// The message to go with [`code`]: the server's message verbatim, or ours.
pub(crate) fn message(e: &bidcert::Error) -> String {
    match e.api_error() {
        Some(api) => one_line(api.message()),
        None => one_line(&e.to_string()),
    }
}

/// What a server code means, for the codes a reseller meets.
fn hint(kind: bidcert::ApiErrorKind) -> Option<&'static str> {
    use bidcert::ApiErrorKind as K;
    Some(match kind {
        K::BidMismatch => "the customer does not belong to this reseller",
        K::InvalidPk => "no account has this PK",
        K::NotBid => "these credentials are not a reseller's",
        K::AlreadyCertified => "the customer is verified already; no link is needed",
        K::ApiNotFound => "this API has not been granted to the reseller",
        K::AccessKeyNotFound => "the AccessKeyId does not exist",
        K::Throttling => "too many requests; lower --qps or --concurrency",
        K::Timestamp => "the local clock is off; sync it (NTP)",
        _ => return None,
    })
}

/// One line naming the server code and RequestId, and what it means.
pub(crate) fn describe(e: &bidcert::Error) -> String {
    match e {
        bidcert::Error::Api(err) => {
            let mut s = format!("server error {} (HTTP {}", err.code(), err.http_status());
            if let Some(id) = err.request_id() {
                s.push_str(&format!(", RequestId {id}"));
            }
            s.push_str(&format!("): {}", one_line(err.message())));
            if let Some(h) = hint(err.kind()) {
                s.push_str(&format!(" [{h}]"));
            }
            if let Some(d) = err.diagnosis() {
                s.push_str(&format!("; diagnosis: {}", one_line(&d.to_string())));
            }
            if let Some(skew) = err.clock_offset() {
                s.push_str(&format!("; the server's clock is {skew:+} s from ours"));
            }
            s
        }
        // One line per source: what each lacked is the whole answer.
        bidcert::Error::Credentials(c) => {
            let mut s = String::from("no usable credentials; what each source said:");
            for (source, why) in c.tried() {
                s.push_str(&format!("\n  {}: {}", one_line(source), one_line(why)));
            }
            s.push_str(
                "\nset ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or name a \
                 profile with --profile (`bidcert credentials` shows what is found)",
            );
            s
        }
        other => one_line(&other.to_string()),
    }
}

/// The JSON error object (stable keys).
pub(crate) fn error_json(e: &bidcert::Error) -> Value {
    let api = e.api_error();
    json!({
        "code": code(e),
        "kind": e.kind().as_str(),
        "message": message(e),
        "http_status": api.map(|a| a.http_status()),
        "request_id": e.request_id(),
        "retryable": e.is_retryable(),
        "diagnosis": api.and_then(|a| a.diagnosis()).map(|d| d.to_string()),
    })
}
