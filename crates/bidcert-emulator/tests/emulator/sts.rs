//! STS: `AssumeRole` (signed) and `AssumeRoleWithOIDC` (unsigned), the temporary keys they
//! issue, and how the Crm and Aas endpoints treat requests signed with them.

use bidcert_core::{Method, Nonce, Timestamp};
use bidcert_emulator::{demo, Fault, FaultKind, FaultScope, StsCredential};
use serde_json::Value;

use crate::common::*;

const STS_VERSION: &str = "2015-04-01";
const ASSUME_ROLE: &str = "AssumeRole";
const OIDC: &str = "AssumeRoleWithOIDC";
/// The account (not a reseller) the demo roles trust.
const ACCOUNT: (&str, &str) = (demo::ACCOUNT_ACCESS_KEY_ID, demo::ACCOUNT_ACCESS_KEY_SECRET);

/// A temporary key as STS answered it.
#[derive(Debug, Clone)]
struct Issued {
    id: String,
    secret: String,
    token: String,
    expiration: String,
}

impl Issued {
    fn key(&self) -> (&str, &str) {
        (&self.id, &self.secret)
    }
}

fn issued(v: &Value) -> Issued {
    let c = &v["Credentials"];
    let text = |k: &str| {
        c[k].as_str()
            .unwrap_or_else(|| panic!("{k}: {v}"))
            .to_owned()
    };
    Issued {
        id: text("AccessKeyId"),
        secret: text("AccessKeySecret"),
        token: text("SecurityToken"),
        expiration: text("Expiration"),
    }
}

/// `AssumeRole` signed by `key` with the given parameters.
fn assume(
    emu: &bidcert_emulator::EmulatorHandle,
    key: (&str, &str),
    business: &[(&str, &str)],
) -> Reply {
    let params = signed(emu, Method::Post, key, ASSUME_ROLE, STS_VERSION, business);
    send_params(emu, Method::Post, &params)
}

/// The account assumes `role` as `session` for the default duration; the answer must be 200.
fn assume_ok(emu: &bidcert_emulator::EmulatorHandle, role: &str, session: &str) -> (Value, Issued) {
    let r = assume(
        emu,
        ACCOUNT,
        &[("RoleArn", role), ("RoleSessionName", session)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let i = issued(&v);
    (v, i)
}

/// `AssumeRoleWithOIDC` unsigned, as the service expects: no AccessKeyId, no Signature.
fn oidc(emu: &bidcert_emulator::EmulatorHandle, business: &[(&str, &str)]) -> Reply {
    let ts = emu.now();
    let nonce = Nonce::random();
    let mut params = vec![
        ("Action", OIDC),
        ("Format", "JSON"),
        ("Version", STS_VERSION),
        ("Timestamp", ts.as_str()),
        ("SignatureNonce", nonce.as_str()),
    ];
    params.extend_from_slice(business);
    send_params(emu, Method::Post, &params)
}

fn oidc_params<'a>(role: &'a str, provider: &'a str, token: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("RoleArn", role),
        ("OIDCProviderArn", provider),
        ("OIDCToken", token),
        ("RoleSessionName", "pod-1"),
    ]
}

/// A Query for `pk` signed with a temporary key and `token` as its SecurityToken.
fn query_with(
    emu: &bidcert_emulator::EmulatorHandle,
    key: (&str, &str),
    token: Option<&str>,
    pk: &str,
    bid_type: &str,
) -> Reply {
    let mut business = vec![("PK", pk), ("BidType", bid_type)];
    if let Some(t) = token {
        business.push(("SecurityToken", t));
    }
    call(emu, key, QUERY, &business)
}

fn unix(s: &str) -> i64 {
    Timestamp::parse(s)
        .unwrap_or_else(|e| panic!("{s:?}: {e}"))
        .unix()
}

#[test]
fn assume_role_issues_sts_keys_in_the_documented_shape() {
    let emu = start();
    let (v, key) = assume_ok(&emu, demo::ROLE_ARN, "alice");
    assert_request_id(v["RequestId"].as_str().unwrap());
    assert_eq!(
        v["AssumedRoleUser"]["Arn"],
        format!("{}/alice", demo::ROLE_ARN)
    );
    let role_id = v["AssumedRoleUser"]["AssumedRoleId"].as_str().unwrap();
    let (id, session) = role_id.split_once(':').unwrap();
    assert_eq!(session, "alice");
    assert_eq!(id.len(), 17);
    assert!(key.id.starts_with("STS."), "{}", key.id);
    assert!(key.secret.len() >= 30 && key.token.len() >= 100);
    // The default duration: an hour of emulator time.
    assert!(
        (unix(&key.expiration) - emu.now().unix() - 3600).abs() <= 2,
        "{}",
        key.expiration
    );
    assert!(key.expiration.ends_with('Z'));
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys.len(),
        3,
        "RequestId, AssumedRoleUser, Credentials: {v}"
    );
    assert_eq!(emu.sts_call_count(ASSUME_ROLE), 1);
    let listed = emu.sts_credentials();
    assert_eq!(
        listed,
        [StsCredential {
            access_key_id: key.id.clone(),
            role_arn: demo::ROLE_ARN.into(),
            session_name: "alice".into(),
            expiration: key.expiration.clone(),
            expired: false,
        }]
    );
}

#[test]
fn sts_keys_act_as_the_roles_reseller_on_crm_and_aas() {
    let emu = start();
    // The account's own key is not a reseller's.
    query(&emu, ACCOUNT, demo::PERSONAL_PK, "NORMAL").assert_error(403, "Not Bid");
    let (_, key) = assume_ok(&emu, demo::ROLE_ARN, "backoffice");
    let r = query_with(
        &emu,
        key.key(),
        Some(&key.token),
        demo::PERSONAL_PK,
        "NORMAL",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()["result"].as_str().unwrap().contains("Zhang San"));
    let mut business = aas_params(demo::UNVERIFIED_PK, "NORMAL");
    business.push(("SecurityToken", &key.token));
    let r = call(&emu, key.key(), AAS, &business);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["Success"], true);
    // The NORMAL reseller's rules hold for its role: another reseller's customer is not its.
    query_with(
        &emu,
        key.key(),
        Some(&key.token),
        demo::LIGHTWEIGHT_CUSTOMER_PK,
        "NORMAL",
    )
    .assert_error(403, "Bid Mismatch");
    let log = emu.requests();
    assert_eq!(log[2].access_key_id.as_deref(), Some(key.id.as_str()));
    assert_eq!(log[2].status, Some(200));
}

#[test]
fn expired_keys_are_refused_by_the_emulator_clock_offset_included() {
    let emu = start();
    let r = assume(
        &emu,
        ACCOUNT,
        &[
            ("RoleArn", demo::ROLE_ARN),
            ("RoleSessionName", "short"),
            ("DurationSeconds", "900"),
        ],
    );
    let key = issued(&r.json());
    assert!((unix(&key.expiration) - emu.now().unix() - 900).abs() <= 2);
    let ok = |emu: &bidcert_emulator::EmulatorHandle| {
        query_with(
            emu,
            key.key(),
            Some(&key.token),
            demo::PERSONAL_PK,
            "NORMAL",
        )
    };
    assert_eq!(ok(&emu).status, 200);
    emu.set_clock_offset(890);
    assert_eq!(ok(&emu).status, 200, "10 s left");
    emu.set_clock_offset(901);
    let v = ok(&emu).assert_error(400, "InvalidSecurityToken.Expired");
    assert_eq!(v["Message"], "Specified SecurityToken is expired.");
    assert!(emu.sts_credentials()[0].expired);
    // Back in time, valid again: expiry is a point on the emulator clock.
    emu.set_clock_offset(0);
    assert_eq!(ok(&emu).status, 200);
    // Forced expiry, through the handle and the admin API.
    assert_eq!(emu.expire_sts_credentials(), 1);
    ok(&emu).assert_error(400, "InvalidSecurityToken.Expired");
    let (_, fresh) = assume_ok(&emu, demo::ROLE_ARN, "again");
    let expire = reply(
        agent()
            .post(format!("{}/_emulator/sts/expire", emu.base_url()))
            .send_empty(),
    );
    assert_eq!(expire.json()["expired"], 1);
    query_with(
        &emu,
        fresh.key(),
        Some(&fresh.token),
        demo::PERSONAL_PK,
        "NORMAL",
    )
    .assert_error(400, "InvalidSecurityToken.Expired");
}

#[test]
fn a_missing_wrong_or_made_up_security_token_is_refused() {
    let emu = start();
    let (_, a) = assume_ok(&emu, demo::ROLE_ARN, "aa");
    let (_, b) = assume_ok(&emu, demo::ROLE_ARN, "bb");
    let v = query_with(&emu, a.key(), None, demo::PERSONAL_PK, "NORMAL")
        .assert_error(400, "MissingSecurityToken");
    assert_eq!(v["Message"], "SecurityToken is mandatory for this action.");
    query_with(&emu, a.key(), Some(&b.token), demo::PERSONAL_PK, "NORMAL")
        .assert_error(400, "InvalidSecurityToken.MismatchWithAccessKey");
    query_with(
        &emu,
        a.key(),
        Some("CAISnotonethatwasissued"),
        demo::PERSONAL_PK,
        "NORMAL",
    )
    .assert_error(400, "InvalidSecurityToken.Malformed");
    // A wrong secret is still a signature mismatch, token or not.
    query_with(
        &emu,
        (&a.id, "wrong"),
        Some(&a.token),
        demo::PERSONAL_PK,
        "NORMAL",
    )
    .assert_error(400, "SignatureDoesNotMatch");
    // An unknown STS. key is an unknown key.
    query_with(
        &emu,
        ("STS.neverissued", "x"),
        Some(&a.token),
        demo::PERSONAL_PK,
        "NORMAL",
    )
    .assert_error(404, "InvalidAccessKeyId.NotFound");
}

/// Business parameters, and the status and code they are refused with.
type Case<'a> = (Vec<(&'a str, &'a str)>, u16, &'a str);

#[test]
fn assume_role_refusals_have_the_documented_codes() {
    let emu = start();
    let role = ("RoleSessionName", "s1");
    let cases: Vec<Case> = vec![
        (vec![role], 400, "MissingRoleArn"),
        (
            vec![("RoleArn", demo::ROLE_ARN)],
            400,
            "MissingRoleSessionName",
        ),
        (
            vec![("RoleArn", "admin"), role],
            400,
            "InvalidParameter.RoleArn",
        ),
        (
            vec![("RoleArn", "acs:ram::1900000000000001:role/nobody"), role],
            404,
            "EntityNotExist.Role",
        ),
        (
            vec![("RoleArn", demo::ROLE_ARN), ("RoleSessionName", "a")],
            400,
            "InvalidParameter.RoleSessionName",
        ),
        (
            vec![
                ("RoleArn", demo::ROLE_ARN),
                ("RoleSessionName", "bad name!"),
            ],
            400,
            "InvalidParameter.RoleSessionName",
        ),
        (
            vec![
                ("RoleArn", demo::ROLE_ARN),
                role,
                ("DurationSeconds", "899"),
            ],
            400,
            "InvalidParameter.DurationSeconds",
        ),
        (
            vec![
                ("RoleArn", demo::ROLE_ARN),
                role,
                ("DurationSeconds", "3601"),
            ],
            400,
            "InvalidParameter.DurationSeconds",
        ),
        (
            vec![
                ("RoleArn", demo::ROLE_ARN),
                role,
                ("DurationSeconds", "soon"),
            ],
            400,
            "InvalidParameter.DurationSeconds",
        ),
        (
            vec![("RoleArn", demo::ROLE_ARN), role, ("Policy", "not json")],
            400,
            "InvalidParameter.PolicyGrammar",
        ),
        // The chained role trusts only sessions of the reseller role.
        (
            vec![("RoleArn", demo::CHAINED_ROLE_ARN), role],
            403,
            "NoPermission",
        ),
        // The external-id role wants its id.
        (
            vec![("RoleArn", demo::EXTERNAL_ROLE_ARN), role],
            403,
            "NoPermission",
        ),
        (
            vec![
                ("RoleArn", demo::EXTERNAL_ROLE_ARN),
                role,
                ("ExternalId", "not-it"),
            ],
            403,
            "NoPermission",
        ),
    ];
    for (business, status, code) in &cases {
        let v = assume(&emu, ACCOUNT, business).assert_error(*status, code);
        assert!(
            v["Recommend"].as_str().unwrap().ends_with("&product=Sts"),
            "{v}"
        );
        assert_eq!(v.get("Success"), None, "only Aas errors carry Success");
    }
    // A reseller the role does not trust.
    assume(&emu, LIGHT, &[("RoleArn", demo::ROLE_ARN), role]).assert_error(403, "NoPermission");
    // Wrong version, and unsigned.
    let params = signed(
        &emu,
        Method::Post,
        ACCOUNT,
        ASSUME_ROLE,
        "2015-04-08",
        &[role],
    );
    send_params(&emu, Method::Post, &params).assert_error(400, "InvalidVersion");
    let unsigned = without(
        signed(
            &emu,
            Method::Post,
            ACCOUNT,
            ASSUME_ROLE,
            STS_VERSION,
            &[("RoleArn", demo::ROLE_ARN), role],
        ),
        &["AccessKeyId", "Signature"],
    );
    send_params(&emu, Method::Post, &unsigned).assert_error(400, "MissingAccessKeyId");
    // Every one of them counted.
    assert_eq!(emu.sts_call_count(ASSUME_ROLE), cases.len() as u64 + 3);
    assert!(emu.sts_credentials().is_empty(), "nothing issued");
}

#[test]
fn durations_external_ids_and_policies_within_the_rules_are_granted() {
    let emu = start();
    let r = assume(
        &emu,
        ACCOUNT,
        &[
            ("RoleArn", demo::EXTERNAL_ROLE_ARN),
            ("RoleSessionName", "ext"),
            ("ExternalId", demo::EXTERNAL_ID),
            ("DurationSeconds", "7200"),
            (
                "Policy",
                r#"{"Statement":[{"Action":["crm:*"],"Effect":"Allow","Resource":["*"]}],"Version":"1"}"#,
            ),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let key = issued(&r.json());
    assert!((unix(&key.expiration) - emu.now().unix() - 7200).abs() <= 2);
    // The NORMAL reseller itself may assume the reseller role too.
    let r = assume(
        &emu,
        NORMAL,
        &[
            ("RoleArn", demo::ROLE_ARN),
            ("RoleSessionName", "self"),
            ("DurationSeconds", "900"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn a_session_may_assume_a_chained_role_that_acts_as_another_reseller() {
    let emu = start();
    let (_, first) = assume_ok(&emu, demo::ROLE_ARN, "first");
    let r = assume(
        &emu,
        first.key(),
        &[
            ("RoleArn", demo::CHAINED_ROLE_ARN),
            ("RoleSessionName", "second"),
            ("SecurityToken", &first.token),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let second = issued(&r.json());
    // It acts as the LIGHTWEIGHT reseller.
    let r = query_with(
        &emu,
        second.key(),
        Some(&second.token),
        demo::LIGHTWEIGHT_CUSTOMER_PK,
        "LIGHTWEIGHT",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // Without its token, the first session cannot chain.
    assume(
        &emu,
        first.key(),
        &[
            ("RoleArn", demo::CHAINED_ROLE_ARN),
            ("RoleSessionName", "third"),
        ],
    )
    .assert_error(400, "MissingSecurityToken");
}

#[test]
fn assume_role_with_oidc_is_sent_unsigned_and_issues_keys() {
    let emu = start();
    let r = oidc(
        &emu,
        &oidc_params(demo::ROLE_ARN, demo::OIDC_PROVIDER_ARN, demo::OIDC_TOKEN),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(
        v["AssumedRoleUser"]["Arn"],
        format!("{}/pod-1", demo::ROLE_ARN)
    );
    assert_eq!(v["OIDCTokenInfo"]["Issuer"], "https://oidc.bidcert.test");
    assert_eq!(v["OIDCTokenInfo"]["ClientIds"], "sts.bidcert.test");
    let key = issued(&v);
    assert!(key.id.starts_with("STS."));
    let r = query_with(
        &emu,
        key.key(),
        Some(&key.token),
        demo::PERSONAL_PK,
        "NORMAL",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(emu.sts_call_count(OIDC), 1);
    // The token never reaches the log.
    let log = reply(
        agent()
            .get(format!("{}/_emulator/requests", emu.base_url()))
            .call(),
    );
    assert!(!log.body.contains(demo::OIDC_TOKEN));
    assert_eq!(emu.requests()[0].access_key_id, None);
}

#[test]
fn assume_role_with_oidc_refusals_have_the_documented_codes() {
    let emu = start();
    let cases = [
        (
            oidc_params(
                demo::ROLE_ARN,
                "acs:ram::1900000000000001:oidc-provider/other",
                demo::OIDC_TOKEN,
            ),
            401,
            "AuthenticationFail.NoPermission",
        ),
        (
            oidc_params(
                demo::ROLE_ARN,
                demo::OIDC_PROVIDER_ARN,
                demo::EXPIRED_OIDC_TOKEN,
            ),
            401,
            "AuthenticationFail.OIDCToken.Expired",
        ),
        (
            oidc_params(
                demo::ROLE_ARN,
                demo::OIDC_PROVIDER_ARN,
                "someone-elses-token",
            ),
            401,
            "AuthenticationFail.OIDCToken.Invalid",
        ),
        (
            oidc_params(demo::ROLE_ARN, demo::OIDC_PROVIDER_ARN, ""),
            401,
            "AuthenticationFail.OIDCToken.Invalid",
        ),
        // A role that does not trust the provider.
        (
            oidc_params(
                demo::EXTERNAL_ROLE_ARN,
                demo::OIDC_PROVIDER_ARN,
                demo::OIDC_TOKEN,
            ),
            401,
            "AuthenticationFail.NoPermission",
        ),
        (
            oidc_params(
                "acs:ram::1900000000000001:role/nobody",
                demo::OIDC_PROVIDER_ARN,
                demo::OIDC_TOKEN,
            ),
            404,
            "EntityNotExist.Role",
        ),
    ];
    for (business, status, code) in &cases {
        oidc(&emu, business).assert_error(*status, code);
    }
    let v = oidc(&emu, &cases[1].0).assert_error(401, "AuthenticationFail.OIDCToken.Expired");
    assert_eq!(v["Message"], "This JsonWebToken is expired.");
    oidc(
        &emu,
        &[("RoleArn", demo::ROLE_ARN), ("OIDCToken", demo::OIDC_TOKEN)],
    )
    .assert_error(400, "MissingOIDCProviderArn");
    let mut wrong_version = oidc_params(demo::ROLE_ARN, demo::OIDC_PROVIDER_ARN, demo::OIDC_TOKEN);
    wrong_version.push(("Version", "2015-04-08"));
    oidc(&emu, &wrong_version).assert_error(400, "InvalidParameter");
    assert_eq!(emu.sts_call_count(OIDC), cases.len() as u64 + 3);
    assert!(emu.sts_credentials().is_empty());
}

#[test]
fn sts_calls_are_counted_per_action_and_faults_apply_to_them() {
    let emu = start();
    assume_ok(&emu, demo::ROLE_ARN, "one");
    oidc(
        &emu,
        &oidc_params(demo::ROLE_ARN, demo::OIDC_PROVIDER_ARN, demo::OIDC_TOKEN),
    );
    // A malformed STS answer: a 200 whose body is cut short but framed whole.
    emu.inject_fault(Fault::new(
        FaultKind::MalformedBody,
        FaultScope::NextForAction(ASSUME_ROLE.into(), 1),
    ));
    let r = assume(
        &emu,
        ACCOUNT,
        &[("RoleArn", demo::ROLE_ARN), ("RoleSessionName", "two")],
    );
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_str::<Value>(&r.body).is_err(),
        "{}",
        r.body
    );
    assert!(r.body.starts_with("{\"RequestId\":"));
    assert_eq!(emu.sts_call_count(ASSUME_ROLE), 2);
    assert_eq!(emu.sts_call_count(OIDC), 1);
    assert_eq!(
        emu.sts_calls().values().sum::<u64>(),
        3,
        "exactly three STS calls"
    );
    // Crm and Aas calls are not STS calls.
    usual_query(&emu);
    let v = reply(
        agent()
            .get(format!("{}/_emulator/sts", emu.base_url()))
            .call(),
    )
    .json();
    assert_eq!(
        v["calls"],
        serde_json::json!({"AssumeRole": 2, "AssumeRoleWithOIDC": 1})
    );
    let listed = v["credentials"].as_array().unwrap();
    assert_eq!(listed.len(), 3);
    // No secret or token in the admin view.
    let body = reply(
        agent()
            .get(format!("{}/_emulator/sts", emu.base_url()))
            .call(),
    )
    .body;
    assert!(!body.contains("CAIS"), "{body}");
    emu.reset();
    assert!(emu.sts_calls().is_empty() && emu.sts_credentials().is_empty());
}
