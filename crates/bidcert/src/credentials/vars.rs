//! Every environment variable the providers read, named once.

/// The AccessKey id.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// The AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// An STS security token, with the two above.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// The profile of both files (the CLI's config reads it only when its `current` is empty or
/// `default`, as the Alibaba Cloud CLI does).
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// The profile variables the Alibaba Cloud CLI reads, first set wins.
pub const PROFILE_VARIABLES: &[&str] = &[
    "ALIBABACLOUD_PROFILE",
    "ALIBABA_CLOUD_PROFILE",
    "ALICLOUD_PROFILE",
];
/// The Alibaba Cloud CLI's configuration file instead of `~/.aliyun/config.json`.
pub const ENV_CONFIG_FILE: &str = "ALIBABA_CLOUD_CONFIG_FILE";
/// `true`: the default chain skips the CLI's configuration file.
pub const ENV_CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
/// The shared credentials file instead of `~/.alibabacloud/credentials`.
pub const ENV_CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";

/// The role an OIDC token (or `AssumeRole`, when no role is given) assumes.
pub const ENV_ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
/// The OIDC identity provider.
pub const ENV_OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
/// The file holding the OIDC token (re-read at every refresh: it rotates).
pub const ENV_OIDC_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
/// The session name of an assumed role.
pub const ENV_ROLE_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
/// STS's region: `sts.<region>.aliyuncs.com`.
pub const ENV_STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
/// `true`: STS's VPC endpoint, `sts-vpc.<region>.aliyuncs.com`.
pub const ENV_VPC_ENDPOINT_ENABLED: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";
/// bidcert's override of the STS endpoint (`https://host[:port]`), before any region.
pub const ENV_BIDCERT_STS_ENDPOINT: &str = "BIDCERT_STS_ENDPOINT";

/// The ECS instance's RAM role name (otherwise discovered from the metadata service).
pub const ENV_ECS_METADATA: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `true`: the ECS metadata service is never asked.
pub const ENV_ECS_METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// `true`: only IMDSv2 (session tokens); no fallback to plain reads.
pub const ENV_IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// bidcert's override of the metadata service's address (default `http://100.100.100.200`).
pub const ENV_BIDCERT_ECS_METADATA_ENDPOINT: &str = "BIDCERT_ECS_METADATA_ENDPOINT";

/// A URI answering temporary credentials.
pub const ENV_CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";
