//! The command line: every option and subcommand, as clap sees them.

use std::path::PathBuf;
use std::time::Duration;

use bidcert::{BidType, Method, Platform, SubjectType};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  bidcert demo                                  the whole flow against the built-in emulator
  bidcert query 1234567890123456                is this customer verified? (personal data masked)
  bidcert query 1234567890123456 --reveal --json
  bidcert cert-url 1234567890123456 --platform h5 --mobile
  bidcert audit customers.csv --column aliyun_pk --concurrency 8 --qps 20 --output audit.jsonl
  bidcert sign --method POST Action=QueryBidUserCertifiedInfo PK=1234567890123456
  bidcert diagnose --message \"$SERVER_MESSAGE\" --string-to-sign \"$OUR_STRING\"
  bidcert credentials --profile work            which credentials the chain finds, and where
  bidcert --emulator query 1000000000000002     any command against the in-process emulator
  bidcert completions bash > /etc/bash_completion.d/bidcert

Credentials come from the default chain, in the official order: the environment
(ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET, ALIBABA_CLOUD_SECURITY_TOKEN), an OIDC role
(ALIBABA_CLOUD_ROLE_ARN, _OIDC_PROVIDER_ARN, _OIDC_TOKEN_FILE), ~/.aliyun/config.json,
~/.alibabacloud/credentials (profile: --profile, else ALIBABA_CLOUD_PROFILE), the ECS
instance's RAM role, ALIBABA_CLOUD_CREDENTIALS_URI.
Exit status: 0 success, 1 the call or a row failed, 2 a usage or input error.";

/// Checks Alibaba Cloud reseller customers' identity verification (Crm
/// QueryBidUserCertifiedInfo) and issues verification links (Aas GenerateAliyunBidCertWaysUrl).
#[derive(Parser, Debug)]
#[command(name = "bidcert", version, after_help = EXAMPLES, propagate_version = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every subcommand takes.
#[derive(Args, Debug)]
pub(crate) struct Global {
    /// Credentials profile in ~/.aliyun/config.json and ~/.alibabacloud/credentials
    /// (before ALIBABA_CLOUD_PROFILE).
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Crm endpoint [default: https://crm-cn-hangzhou.aliyuncs.com].
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) crm_endpoint: Option<String>,
    /// Aas endpoint [default: https://aas.aliyuncs.com].
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) aas_endpoint: Option<String>,
    /// Time allowed for one attempt, in seconds [default: the client's, see README].
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) timeout: Option<Duration>,
    /// Retries of a failure a retry can fix (throttling, 5xx, network) [default: the
    /// client's].
    #[arg(long, global = true, value_name = "N",
          value_parser = clap::value_parser!(u32).range(0..=10))]
    pub(crate) retries: Option<u32>,
    /// Signature scheme: v1 (HMAC-SHA1, as the API documents) or v3 (ACS3-HMAC-SHA256)
    /// [default: v1].
    #[arg(long, global = true, value_name = "VERSION", value_parser = clap::value_parser!(bidcert::SignatureVersion))]
    pub(crate) signature_version: Option<bidcert::SignatureVersion>,
    /// A PEM file of CA certificates to trust beside the system's (a TLS-inspecting proxy).
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) ca_file: Option<std::path::PathBuf>,
    /// One JSON object per command on stdout (per row for audit), stable keys.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Start the built-in emulator in this process (demo fixture) and use it, signing as the
    /// demo NORMAL reseller.
    #[arg(long, global = true, conflicts_with_all = ["crm_endpoint", "aas_endpoint", "profile"])]
    pub(crate) emulator: bool,
    /// Log records on stderr (-v: each request, -vv: more); never secrets.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
}

fn parse_seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 3600.0) {
        return Err(format!("{s} is not between 0 (excluded) and 3600 seconds"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Whether a customer has passed identity verification (QueryBidUserCertifiedInfo).
    #[command(after_help = "Examples:\n  bidcert query 1234567890123456\n  \
                            bidcert query 1234567890123456 --bid-type LIGHTWEIGHT --json\n  \
                            bidcert query 1234567890123456 --reveal")]
    Query(QueryArgs),
    /// A one-time verification link for a customer, valid 3 hours (GenerateAliyunBidCertWaysUrl).
    #[command(after_help = "Examples:\n  bidcert cert-url 1234567890123456\n  \
                            bidcert cert-url 1234567890123456 --platform h5 --mobile --open-app\n  \
                            bidcert cert-url 1234567890123456 --subject-type enterprise --json")]
    CertUrl(CertUrlArgs),
    /// Verification state of many customers: one row per PK, resumable.
    #[command(
        after_help = "Input: one PK per line, or CSV with a header row (column --column).\n\
                            Rows (jsonl or csv): pk, is_certified, account_cert_type, cert_type,\n\
                            error_code, error_message, request_id; no personal data. Rows come in\n\
                            completion order. With --output, PKs already in the file are skipped\n\
                            and new rows appended, so an interrupted audit resumes where it stopped.\n\n\
                            Examples:\n  bidcert audit pks.txt --output audit.jsonl\n  \
                            bidcert audit customers.csv --column aliyun_pk --concurrency 8 --qps 20 \\\n      \
                            --output audit.csv --format csv\n  \
                            cut -d, -f1 export.csv | bidcert audit - > audit.jsonl"
    )]
    Audit(AuditArgs),
    /// The string to sign and the signature of a parameter set (the secret from the environment).
    #[command(
        after_help = "Signs exactly the parameters given (common ones included, if any).\n\
                            The secret is read from --secret-env, never from the command line.\n\n\
                            Example:\n  bidcert sign --method POST Action=QueryBidUserCertifiedInfo \\\n      \
                            PK=1234567890123456 BidType=NORMAL Format=JSON Version=2015-04-08"
    )]
    Sign(SignArgs),
    /// Explains a SignatureDoesNotMatch: compares the server's string to sign with ours.
    #[command(after_help = "Example:\n  bidcert diagnose \\\n      \
                            --message 'Specified signature is not matched with our calculation. server string to sign is:POST&%2F&...' \\\n      \
                            --string-to-sign 'POST&%2F&...'")]
    Diagnose(DiagnoseArgs),
    /// Which credentials the chain finds: the source that won, their kind, AccessKeyId and
    /// expiry (never the secret or a token); or what each source lacked.
    #[command(after_help = CREDENTIALS_AFTER_HELP)]
    Credentials,
    /// Runs the emulator of both endpoints in the foreground until Ctrl-C (as the
    /// bidcert-emulator command does).
    #[command(after_help = EMULATOR_AFTER_HELP)]
    Emulator(EmulatorArgs),
    /// The whole flow against the built-in emulator, each step explained.
    Demo,
    /// Shell completion script on stdout.
    #[command(after_help = "Example:\n  bidcert completions zsh > ~/.zfunc/_bidcert")]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

const CREDENTIALS_AFTER_HELP: &str = "\
Kinds: static, sts, ecs_ram_role, ram_role_arn, oidc_role_arn, credentials_uri.
With --json: {\"source\", \"kind\", \"access_key_id\", \"expiration\"} (expiration null for
long-term keys). Exit status 1, listing each source's reason, when none works.

Examples:
  bidcert credentials
  bidcert credentials --profile work --json
  ALIBABA_CLOUD_ECS_METADATA_DISABLED=true bidcert credentials   skip the instance metadata";

/// A parser of one of a core enum's wire values, in any ASCII case: the values offered by
/// `--help`, the completions and the error message are the core's own list.
fn wire<T>(all: &'static [T], name: fn(T) -> &'static str) -> impl TypedValueParser<Value = T>
where
    T: Copy + Send + Sync + 'static,
{
    PossibleValuesParser::new(all.iter().map(|&v| name(v))).map(move |s| {
        all.iter()
            .copied()
            .find(|&v| name(v).eq_ignore_ascii_case(&s))
            .expect("the parser accepts only these values")
    })
}

#[derive(Args, Debug)]
pub(crate) struct QueryArgs {
    /// The customer's account id (PK).
    pub(crate) pk: String,
    /// The reseller's type.
    #[arg(long, ignore_case = true, default_value_t = BidType::Normal,
          value_parser = wire(BidType::ALL, BidType::as_str))]
    pub(crate) bid_type: BidType,
    /// Show name, phone and certificate number unmasked.
    #[arg(long)]
    pub(crate) reveal: bool,
}

#[derive(Args, Debug)]
pub(crate) struct CertUrlArgs {
    /// The customer's account id (PK).
    pub(crate) pk: String,
    /// The reseller's type.
    #[arg(long, ignore_case = true, default_value_t = BidType::Normal,
          value_parser = wire(BidType::ALL, BidType::as_str))]
    pub(crate) bid_type: BidType,
    /// Where the link will be opened.
    #[arg(long, ignore_case = true, default_value_t = Platform::Pc,
          value_parser = wire(Platform::ALL, Platform::as_str))]
    pub(crate) platform: Platform,
    /// Which verifications the link allows.
    #[arg(long, ignore_case = true, default_value_t = SubjectType::All,
          value_parser = wire(SubjectType::ALL, SubjectType::as_str))]
    pub(crate) subject_type: SubjectType,
    /// Wake the Alipay app for quick verification (IsOpenApp=true).
    #[arg(long)]
    pub(crate) open_app: bool,
    /// Mobile layout (IsMobile=true).
    #[arg(long)]
    pub(crate) mobile: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum FormatArg {
    #[default]
    Jsonl,
    Csv,
}

#[derive(Args, Debug)]
pub(crate) struct AuditArgs {
    /// PKs, one per line or CSV with a header; `-` or nothing: stdin.
    #[arg(value_name = "FILE|-")]
    pub(crate) input: Option<PathBuf>,
    /// The CSV column holding the PKs (the input is then read as CSV) [default: pk].
    #[arg(long, value_name = "NAME")]
    pub(crate) column: Option<String>,
    /// Requests in flight at once (worker threads).
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub(crate) concurrency: u32,
    /// At most this many requests per second, all workers together [default: no limit].
    #[arg(long, value_name = "N", value_parser = parse_qps)]
    pub(crate) qps: Option<f64>,
    /// Append rows here, skipping PKs already in it [default: stdout].
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Row format.
    #[arg(long, value_enum, ignore_case = true, default_value_t)]
    pub(crate) format: FormatArg,
    /// The reseller's type.
    #[arg(long, ignore_case = true, default_value_t = BidType::Normal,
          value_parser = wire(BidType::ALL, BidType::as_str))]
    pub(crate) bid_type: BidType,
}

fn parse_qps(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(q) if q > 0.0 && q <= 100_000.0 => Ok(q),
        _ => Err(format!(
            "{s:?} is not a rate between 0 (excluded) and 100000"
        )),
    }
}

#[derive(Args, Debug)]
pub(crate) struct SignArgs {
    /// The HTTP method the request is sent with.
    #[arg(long, ignore_case = true, default_value_t,
          value_parser = wire(&[Method::Get, Method::Post], Method::as_str))]
    pub(crate) method: Method,
    /// The parameters, NAME=VALUE (values as sent, not percent-encoded).
    #[arg(value_name = "NAME=VALUE", value_parser = parse_param, required = true)]
    pub(crate) params: Vec<(String, String)>,
    /// The environment variable holding the AccessKey secret.
    #[arg(long, value_name = "VAR", default_value = bidcert::ENV_ACCESS_KEY_SECRET)]
    pub(crate) secret_env: String,
}

fn parse_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("{s:?} is not NAME=VALUE")),
    }
}

#[derive(Args, Debug)]
pub(crate) struct DiagnoseArgs {
    /// The server's SignatureDoesNotMatch message (with `server string to sign is:...`).
    #[arg(long, value_name = "TEXT")]
    pub(crate) message: String,
    /// The string to sign we signed.
    #[arg(long, value_name = "TEXT")]
    pub(crate) string_to_sign: String,
}

/// The emulator's options: the same for `bidcert emulator` and the `bidcert-emulator` binary.
#[derive(Args, Debug)]
pub(crate) struct EmulatorArgs {
    /// Port of the URL printed first: HTTP, or HTTPS with --tls (0: an ephemeral port).
    #[arg(long, default_value_t = 0)]
    pub(crate) port: u16,
    /// Loopback address to listen on.
    #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
    pub(crate) bind: std::net::IpAddr,
    /// Fixture JSON file [default: the built-in demo fixture].
    #[arg(long, value_name = "FILE")]
    pub(crate) fixture: Option<PathBuf>,
    /// Print the built-in demo fixture (credentials included) as JSON and exit.
    #[arg(long, conflicts_with_all = ["fixture", "tls"])]
    pub(crate) dump_fixture: bool,
    /// Also serve HTTPS (CA and certificate made at start), on a port of its own; the first
    /// line then gives the https URL as "url" and the plain one as "http_url".
    #[arg(long)]
    pub(crate) tls: bool,
    /// Write the PEM of the CA behind --tls to FILE, before the first line is printed.
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub(crate) ca_out: Option<PathBuf>,
    /// Also serve the ECS instance metadata service and a credentials URI on a port of their
    /// own; the first line then also gives "metadata_url".
    #[arg(long, conflicts_with = "dump_fixture")]
    pub(crate) metadata: bool,
    /// Port of the metadata service (0: an ephemeral port).
    #[arg(long, value_name = "N", default_value_t = 0, requires = "metadata")]
    pub(crate) metadata_port: u16,
    /// The metadata service answers only requests with a session token (IMDSv2 only).
    #[arg(long, requires = "metadata")]
    pub(crate) require_imdsv2: bool,
}

/// A local emulator of Alibaba Cloud's reseller identity-verification endpoints
/// (QueryBidUserCertifiedInfo and GenerateAliyunBidCertWaysUrl) on loopback, until Ctrl-C or
/// SIGTERM.
#[derive(Parser, Debug)]
#[command(name = "bidcert-emulator", version, after_help = EMULATOR_AFTER_HELP)]
pub(crate) struct EmulatorCli {
    #[command(flatten)]
    pub(crate) args: EmulatorArgs,
}

/// What both emulator commands print after their options.
pub(crate) const EMULATOR_AFTER_HELP: &str = "\
The first line on stdout is {\"url\": \"http://127.0.0.1:PORT\"}; with --tls,
{\"url\": \"https://127.0.0.1:PORT\", \"http_url\": \"http://127.0.0.1:PORT\"}; with --metadata
it also has \"metadata_url\" (the credentials URI is METADATA_URL/credentials-uri).

Examples:
  bidcert-emulator --port 8080 &
  bidcert --crm-endpoint http://127.0.0.1:8080 --aas-endpoint http://127.0.0.1:8080 query 1000000000000002
  bidcert-emulator --tls --ca-out emulator-ca.pem
  bidcert-emulator --metadata --require-imdsv2
  bidcert-emulator --dump-fixture > demo.json";
