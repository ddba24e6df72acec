//! The two files and the environment: the same file gives the same credentials, or the same
//! refusal, here as in the official readers. One row per behaviour; each row's comment names
//! the official behaviour it follows (aliyun-cli `config/configuration.go` and
//! `config/profile.go`, credentials-go `credentials/providers/{cli_profile,profile,env}.go`,
//! credentials-python `alibabacloud_credentials/provider/*.py`).

use bidcert::credentials::{
    CliConfigProvider, CredentialsFileProvider, Env, EnvironmentProvider, FileConfig,
    ProvideCredentials,
};
use bidcert_emulator::demo::*;

use crate::{at_emulator, emulator, reasons, Home};

#[derive(Clone, Copy)]
enum Reader {
    /// `~/.aliyun/config.json`.
    Cli,
    /// `~/.alibabacloud/credentials`.
    Shared,
    /// The environment alone.
    Environment,
}

enum Want {
    /// Credentials of this kind whose AccessKeyId starts with this.
    Creds(&'static str, &'static str),
    /// A refusal whose reasons contain this.
    Refused(&'static str),
}

struct Row {
    name: &'static str,
    reader: Reader,
    cli: Option<String>,
    shared: Option<String>,
    env: Vec<(&'static str, String)>,
    profile: Option<&'static str>,
    want: Want,
}

fn row(name: &'static str, reader: Reader, want: Want) -> Row {
    Row {
        name,
        reader,
        cli: None,
        shared: None,
        env: Vec::new(),
        profile: None,
        want,
    }
}

impl Row {
    fn cli(mut self, json: &str) -> Row {
        self.cli = Some(json.to_owned());
        self
    }
    fn shared(mut self, ini: &str) -> Row {
        self.shared = Some(ini.to_owned());
        self
    }
    fn env(mut self, name: &'static str, value: impl Into<String>) -> Row {
        self.env.push((name, value.into()));
        self
    }
    fn profile(mut self, p: &'static str) -> Row {
        self.profile = Some(p);
        self
    }
}

fn ak(name: &str, id: &str, secret: &str) -> String {
    format!(
        r#"{{"name": "{name}", "mode": "AK", "access_key_id": "{id}", "access_key_secret": "{secret}"}}"#
    )
}

fn config(current: Option<&str>, profiles: &[String]) -> String {
    let current = current
        .map(|c| format!(r#""current": "{c}", "#))
        .unwrap_or_default();
    format!(r#"{{{current}"profiles": [{}]}}"#, profiles.join(", "))
}

fn ini(sections: &[(&str, &[(&str, &str)])]) -> String {
    let mut s = String::new();
    for (name, keys) in sections {
        s.push_str(&format!("[{name}]\n"));
        for (k, v) in *keys {
            s.push_str(&format!("{k} = {v}\n"));
        }
        s.push('\n');
    }
    s
}

fn keys_ini(name: &str, id: &str) -> (String, Vec<(&'static str, String)>) {
    (
        name.to_owned(),
        vec![
            ("type", "access_key".into()),
            ("access_key_id", id.to_owned()),
            ("access_key_secret", "s".into()),
        ],
    )
}

fn rows(token_file: &str, uri: &str) -> Vec<Row> {
    use Reader::*;
    use Want::*;
    let role = |name: &str, mode: &str, extra: &str| {
        format!(
            r#"{{"name": "{name}", "mode": "{mode}", "access_key_id": "{ACCOUNT_ACCESS_KEY_ID}", "access_key_secret": "{ACCOUNT_ACCESS_KEY_SECRET}", "ram_role_arn": "{ROLE_ARN}", "ram_session_name": "table"{extra}}}"#
        )
    };
    let two = || {
        config(
            Some("work"),
            &[
                ak("default", "LTAI5tDefault", "s"),
                ak("work", "LTAI5tWork", "s"),
                ak("other", "LTAI5tOther", "s"),
            ],
        )
    };
    let shared = |sections: Vec<(String, Vec<(&'static str, String)>)>| {
        let mut s = String::new();
        for (name, keys) in sections {
            s.push_str(&format!("[{name}]\n"));
            for (k, v) in keys {
                s.push_str(&format!("{k} = {v}\n"));
            }
            s.push('\n');
        }
        s
    };
    vec![
        // ---- ~/.aliyun/config.json ------------------------------------------------------
        // aliyun-cli LoadProfileWithContext, credentials-go cli_profile: nothing else named,
        // the file's `current`.
        row("cli: current", Cli, Creds("static", "LTAI5tWork")).cli(&two()),
        // Both: --profile (WithProfileName) first.
        row("cli: --profile", Cli, Creds("static", "LTAI5tOther")).cli(&two()).profile("other"),
        // aliyun-cli getProfileName, credentials-go Build: ALIBABA_CLOUD_PROFILE before `current`.
        row("cli: ALIBABA_CLOUD_PROFILE before current", Cli, Creds("static", "LTAI5tDefault"))
            .cli(&two())
            .env("ALIBABA_CLOUD_PROFILE", "default"),
        // aliyun-cli getProfileName: the first set of ALIBABACLOUD_PROFILE, ALIBABA_CLOUD_PROFILE,
        // ALICLOUD_PROFILE.
        row("cli: ALIBABACLOUD_PROFILE first of the family", Cli, Creds("static", "LTAI5tOther"))
            .cli(&two())
            .env("ALIBABACLOUD_PROFILE", "other")
            .env("ALIBABA_CLOUD_PROFILE", "default"),
        row("cli: ALICLOUD_PROFILE is read too", Cli, Creds("static", "LTAI5tOther"))
            .cli(&two())
            .env("ALICLOUD_PROFILE", "other"),
        // Both: --profile over the variables.
        row("cli: --profile over the variables", Cli, Creds("static", "LTAI5tWork"))
            .cli(&two())
            .env("ALIBABA_CLOUD_PROFILE", "default")
            .profile("work"),
        // aliyun-cli "unknown profile", credentials-go "unable to get profile with ''".
        row("cli: no current and nothing named", Cli, Refused("names no current profile"))
            .cli(&config(None, &[ak("default", "LTAI5tDefault", "s")])),
        // Both: a named profile must exist.
        row("cli: unknown profile", Cli, Refused(r#"has no profile "nope""#)).cli(&two()).profile("nope"),
        // credentials-go newConfigurationFromPath: "no any configured profiles".
        row("cli: no profiles", Cli, Refused("has no profiles")).cli(r#"{"current": "default", "profiles": []}"#),
        // Both: a file that is not JSON is refused.
        row("cli: not JSON", Cli, Refused("is not JSON")).cli("{\"current\": "),
        // Both: StsToken reads sts_token.
        row("cli: StsToken", Cli, Creds("sts", "STS.cli"))
            .cli(&config(Some("t"), &[r#"{"name": "t", "mode": "StsToken", "access_key_id": "STS.cli", "access_key_secret": "s", "sts_token": "tok"}"#.into()])),
        // credentials-go static_sts: "the security token is empty".
        row("cli: StsToken without sts_token", Cli, Refused("has no sts_token"))
            .cli(&config(Some("t"), &[r#"{"name": "t", "mode": "StsToken", "access_key_id": "STS.cli", "access_key_secret": "s"}"#.into()])),
        // credentials-go static_ak: "the access key secret is empty".
        row("cli: AK without access_key_secret", Cli, Refused("has no access_key_secret"))
            .cli(&config(Some("a"), &[r#"{"name": "a", "mode": "AK", "access_key_id": "LTAI5tA"}"#.into()])),
        // Both: RamRoleArn assumes ram_role_arn with the profile's keys.
        row("cli: RamRoleArn", Cli, Creds("ram_role_arn", "STS."))
            .cli(&config(Some("r"), &[role("r", "RamRoleArn", "")])),
        // Both: RamRoleArn needs its role.
        row("cli: RamRoleArn without ram_role_arn", Cli, Refused("has no ram_role_arn"))
            .cli(&config(Some("r"), &[ak("r", ACCOUNT_ACCESS_KEY_ID, ACCOUNT_ACCESS_KEY_SECRET).replace("\"AK\"", "\"RamRoleArn\"")])),
        // Both: ChainableRamRoleArn assumes its role with its source_profile's credentials
        // (here a role session: roles chain).
        row("cli: ChainableRamRoleArn", Cli, Creds("ram_role_arn", "STS."))
            .cli(&config(
                Some("chained"),
                &[
                    role("r", "RamRoleArn", ""),
                    format!(r#"{{"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "r", "ram_role_arn": "{CHAINED_ROLE_ARN}", "ram_session_name": "chained"}}"#),
                ],
            )),
        // credentials-go: "get source profile failed".
        row("cli: ChainableRamRoleArn with an unknown source", Cli, Refused(r#"has no profile "gone""#))
            .cli(&config(
                Some("c"),
                &[format!(r#"{{"name": "c", "mode": "ChainableRamRoleArn", "source_profile": "gone", "ram_role_arn": "{CHAINED_ROLE_ARN}"}}"#)],
            )),
        // Both: EcsRamRole reads ram_role_name.
        row("cli: EcsRamRole", Cli, Creds("ecs_ram_role", "STS."))
            .cli(&config(Some("e"), &[format!(r#"{{"name": "e", "mode": "EcsRamRole", "ram_role_name": "{ECS_ROLE_NAME}"}}"#)])),
        // Both: OIDC reads oidc_provider_arn, oidc_token_file, ram_role_arn.
        row("cli: OIDC", Cli, Creds("oidc_role_arn", "STS."))
            .cli(&config(
                Some("o"),
                &[format!(r#"{{"name": "o", "mode": "OIDC", "ram_role_arn": "{ROLE_ARN}", "oidc_provider_arn": "{OIDC_PROVIDER_ARN}", "oidc_token_file": "{token_file}", "ram_session_name": "oidc"}}"#)],
            )),
        // aliyun-cli CredentialsURI reads credentials_uri.
        row("cli: CredentialsURI", Cli, Creds("credentials_uri", "STS."))
            .cli(&config(Some("u"), &[format!(r#"{{"name": "u", "mode": "CredentialsURI", "credentials_uri": "{uri}"}}"#)])),
        // aliyun-cli CredentialsURI falls back to ALIBABA_CLOUD_CREDENTIALS_URI.
        row("cli: CredentialsURI from the variable", Cli, Creds("credentials_uri", "STS."))
            .cli(&config(Some("u"), &[r#"{"name": "u", "mode": "CredentialsURI"}"#.into()]))
            .env("ALIBABA_CLOUD_CREDENTIALS_URI", uri),
        // credentials-go "unsupported profile mode ''"; the CLI guesses a mode only in
        // `aliyun configure`.
        row("cli: no mode", Cli, Refused("has no mode"))
            .cli(&config(Some("m"), &[r#"{"name": "m", "access_key_id": "LTAI5tM", "access_key_secret": "s"}"#.into()])),
        // Both match modes exactly ("ak" is unsupported there too).
        row("cli: mode names are exact", Cli, Refused(r#"has mode "ak""#))
            .cli(&config(Some("m"), &[ak("m", "LTAI5tM", "s").replace("\"AK\"", "\"ak\"")])),
        // Pasted keys fail early, naming the file, the profile and the key.
        row("cli: a pasted space", Cli, Refused(r#"profile "p": access_key_secret must not start or end with whitespace"#))
            .cli(&config(Some("p"), &[ak("p", "LTAI5tP", "secret ")])),
        row("cli: a stray newline", Cli, Refused(r#"profile "p": access_key_id must not contain control characters"#))
            .cli(&config(Some("p"), &[ak("p", "LTAI5tP\\n", "secret")])),
        // credentials-go Build: "the CLI profile is disabled".
        row("cli: ALIBABA_CLOUD_CLI_PROFILE_DISABLED", Cli, Refused("disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED"))
            .cli(&two())
            .env("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "TRUE"),
        // ---- ~/.alibabacloud/credentials ------------------------------------------------
        // Both: [default] unless named.
        row("file: default", Shared, Creds("static", "LTAI5tShared"))
            .shared(&shared(vec![keys_ini("default", "LTAI5tShared"), keys_ini("other", "LTAI5tOther")])),
        // Both: ALIBABA_CLOUD_PROFILE names the section.
        row("file: ALIBABA_CLOUD_PROFILE", Shared, Creds("static", "LTAI5tOther"))
            .shared(&shared(vec![keys_ini("default", "LTAI5tShared"), keys_ini("other", "LTAI5tOther")]))
            .env("ALIBABA_CLOUD_PROFILE", "other"),
        // credentials-go WithProfileName: the one given first.
        row("file: the profile given", Shared, Creds("static", "LTAI5tShared"))
            .shared(&shared(vec![keys_ini("default", "LTAI5tShared"), keys_ini("other", "LTAI5tOther")]))
            .env("ALIBABA_CLOUD_PROFILE", "other")
            .profile("default"),
        // credentials-go "Can not load section".
        row("file: missing section", Shared, Refused("has no [nope] section"))
            .shared(&shared(vec![keys_ini("default", "LTAI5tShared")]))
            .profile("nope"),
        // credentials-go "Can not find credential type"; credentials-python "unsupported
        // credential type None".
        row("file: no type", Shared, Refused("[default] has no type"))
            .shared(&ini(&[("default", &[("access_key_id", "LTAI5tX"), ("access_key_secret", "s")])])),
        // credentials-go "Failed to get value" ([noak]).
        row("file: access_key without access_key_id", Shared, Refused("[default] has no access_key_id"))
            .shared(&ini(&[("default", &[("type", "access_key"), ("access_key_secret", "s")])])),
        // credentials-go "Value can't be empty" ([emptyak]).
        row("file: access_key with an empty access_key_id", Shared, Refused("[default] has no access_key_id"))
            .shared(&ini(&[("default", &[("type", "access_key"), ("access_key_id", ""), ("access_key_secret", "s")])])),
        // credentials-go [ecs]: role_name.
        row("file: ecs_ram_role", Shared, Creds("ecs_ram_role", "STS."))
            .shared(&ini(&[("default", &[("type", "ecs_ram_role"), ("role_name", ECS_ROLE_NAME)])])),
        // credentials-go [emptyecs]: an empty role_name discovers the role.
        row("file: ecs_ram_role, role discovered", Shared, Creds("ecs_ram_role", "STS."))
            .shared(&ini(&[("default", &[("type", "ecs_ram_role"), ("role_name", "")])])),
        // credentials-go [noecs] "Failed to get value" (credentials-python would discover).
        row("file: ecs_ram_role without role_name", Shared, Refused("has no role_name"))
            .shared(&ini(&[("default", &[("type", "ecs_ram_role")])])),
        // Both: ram_role_arn with keys, role_arn, role_session_name.
        row("file: ram_role_arn", Shared, Creds("ram_role_arn", "STS."))
            .shared(&ini(&[("default", &[
                ("type", "ram_role_arn"), ("access_key_id", ACCOUNT_ACCESS_KEY_ID),
                ("access_key_secret", ACCOUNT_ACCESS_KEY_SECRET), ("role_arn", ROLE_ARN),
                ("role_session_name", "file"),
            ])])),
        // credentials-go: all four values required.
        row("file: ram_role_arn without role_session_name", Shared, Refused("has no role_session_name"))
            .shared(&ini(&[("default", &[
                ("type", "ram_role_arn"), ("access_key_id", ACCOUNT_ACCESS_KEY_ID),
                ("access_key_secret", ACCOUNT_ACCESS_KEY_SECRET), ("role_arn", ROLE_ARN),
            ])])),
        // credentials-python oidc_role_arn: role_arn, oidc_provider_arn, oidc_token_file_path.
        row("file: oidc_role_arn", Shared, Creds("oidc_role_arn", "STS."))
            .shared(&ini(&[("default", &[
                ("type", "oidc_role_arn"), ("role_arn", ROLE_ARN),
                ("oidc_provider_arn", OIDC_PROVIDER_ARN), ("oidc_token_file_path", token_file),
                ("role_session_name", "file-oidc"),
            ])])),
        // The older credentials-go's `sts` type (security_token), kept.
        row("file: sts", Shared, Creds("sts", "STS.file"))
            .shared(&ini(&[("default", &[("type", "sts"), ("access_key_id", "STS.file"), ("access_key_secret", "s"), ("security_token", "t")])])),
        // The older Python SDK core's `sts_token`, accepted as an alias.
        row("file: sts_token", Shared, Creds("sts", "STS.file"))
            .shared(&ini(&[("default", &[("type", "sts_token"), ("access_key_id", "STS.file"), ("access_key_secret", "s"), ("security_token", "t")])])),
        // credentials-go "Failed to get credential" for other types.
        row("file: unknown type", Shared, Refused(r#"has type "rsa_key_pair""#))
            .shared(&ini(&[("default", &[("type", "rsa_key_pair"), ("public_key_id", "x")])])),
        // The older credentials-python readers skip `enable = false` sections.
        row("file: enable = false", Shared, Refused("is disabled"))
            .shared(&ini(&[("default", &[("enable", "false"), ("type", "access_key"), ("access_key_id", "LTAI5tX"), ("access_key_secret", "s")])])),
        // Both INI readers trim around values; a quoted space is a pasted key, refused
        // naming the file, the section and the key.
        row("file: a pasted space", Shared, Refused("[default] access_key_id must not start or end with whitespace"))
            .shared(&ini(&[("default", &[("type", "access_key"), ("access_key_id", "\" LTAI5tX\""), ("access_key_secret", "s")])])),
        // ---- the environment ------------------------------------------------------------
        // credentials-go env: both variables, and the token when set.
        row("env: keys", Environment, Creds("static", "LTAI5tEnv"))
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tEnv")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s"),
        row("env: keys and token", Environment, Creds("sts", "STS.env"))
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "STS.env")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s")
            .env("ALIBABA_CLOUD_SECURITY_TOKEN", "t"),
        // credentials-go env: "Access key secret must be specified via environment variable".
        row("env: no secret", Environment, Refused("ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set"))
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tEnv"),
        // Pasted keys fail early, naming the variable.
        row("env: a pasted space", Environment, Refused("ALIBABA_CLOUD_ACCESS_KEY_ID must not start or end with whitespace"))
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", " LTAI5tEnv")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s"),
        row("env: a stray newline in the token", Environment, Refused("ALIBABA_CLOUD_SECURITY_TOKEN must not contain control characters"))
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "STS.env")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s")
            .env("ALIBABA_CLOUD_SECURITY_TOKEN", "t\n"),
    ]
}

fn run(row: &Row, env: Env) -> Result<bidcert::credentials::ResolvedCredentials, bidcert::Error> {
    let files = FileConfig {
        path: None,
        profile: row.profile.map(str::to_owned),
    };
    match row.reader {
        Reader::Cli => CliConfigProvider::new(&files, &env)?.fetch(),
        Reader::Shared => CredentialsFileProvider::new(&files, &env)?.fetch(),
        Reader::Environment => EnvironmentProvider::new(&env).fetch(),
    }
}

#[test]
fn each_file_and_variable_gives_what_the_official_readers_give() {
    let emu = emulator();
    let mut failures = Vec::new();
    let rows_home = Home::new();
    let token_file = rows_home.write("token", OIDC_TOKEN);
    let uri = emu.credentials_uri().expect("served");
    for row in rows(&token_file.display().to_string(), &uri) {
        let home = Home::new();
        if let Some(json) = &row.cli {
            home.write(".aliyun/config.json", json);
        }
        if let Some(text) = &row.shared {
            home.write(".alibabacloud/credentials", text);
        }
        let env = row
            .env
            .iter()
            .fold(at_emulator(&home, &emu), |env, (k, v)| {
                env.with(*k, v.clone())
            });
        let got = run(&row, env);
        let verdict = match (&row.want, &got) {
            (Want::Creds(kind, id), Ok(c))
                if c.kind().as_str() == *kind
                    && c.credentials().access_key_id().starts_with(id) =>
            {
                None
            }
            (Want::Refused(why), Err(e @ bidcert::Error::Credentials(_)))
                if reasons(e).contains(why) =>
            {
                None
            }
            (_, Ok(c)) => Some(format!(
                "got {} {}",
                c.kind(),
                c.credentials().access_key_id()
            )),
            (_, Err(e)) => Some(format!("got the error {e}")),
        };
        if let Some(v) = verdict {
            failures.push(format!("{}: {v}", row.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_file_variables_move_the_files() {
    let home = Home::new();
    let cli = home.write(
        "elsewhere/config.json",
        &config(Some("a"), &[ak("a", "LTAI5tMoved", "s")]),
    );
    let shared = home.write(
        "elsewhere/creds",
        &ini(&[(
            "default",
            &[
                ("type", "access_key"),
                ("access_key_id", "LTAI5tMovedToo"),
                ("access_key_secret", "s"),
            ],
        )]),
    );
    // credentials-go: ALIBABA_CLOUD_CONFIG_FILE and ALIBABA_CLOUD_CREDENTIALS_FILE.
    let env = crate::bare(&home)
        .with("ALIBABA_CLOUD_CONFIG_FILE", cli.display().to_string())
        .with(
            "ALIBABA_CLOUD_CREDENTIALS_FILE",
            shared.display().to_string(),
        );
    let c = CliConfigProvider::new(&FileConfig::default(), &env)
        .unwrap()
        .fetch()
        .unwrap();
    assert_eq!(c.credentials().access_key_id(), "LTAI5tMoved");
    assert!(
        c.detail().contains("elsewhere/config.json"),
        "{}",
        c.detail()
    );
    let c = CredentialsFileProvider::new(&FileConfig::default(), &env)
        .unwrap()
        .fetch()
        .unwrap();
    assert_eq!(c.credentials().access_key_id(), "LTAI5tMovedToo");
    assert_eq!(c.source(), "credentials_file");
}
