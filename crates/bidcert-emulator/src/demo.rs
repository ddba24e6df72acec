//! The built-in demo fixture's well-known values, for tests, examples and `make demo`.
//!
//! | who | AccessKey ID | uid / PK | what it shows |
//! |---|---|---|---|
//! | reseller, NORMAL, Aas granted | [`NORMAL_ACCESS_KEY_ID`] | [`NORMAL_UID`] | the happy paths |
//! | reseller, LIGHTWEIGHT, Aas granted | [`LIGHTWEIGHT_ACCESS_KEY_ID`] | [`LIGHTWEIGHT_UID`] | `BidType` LIGHTWEIGHT |
//! | reseller, NORMAL, Aas not granted | [`NO_AAS_ACCESS_KEY_ID`] | [`NO_AAS_UID`] | `InvalidApi.NotFound` |
//! | not a reseller | [`ACCOUNT_ACCESS_KEY_ID`] | [`ACCOUNT_UID`] | `Not Bid` |
//! | customer of NORMAL, unverified | | [`UNVERIFIED_PK`] | the link, then verified |
//! | customer of NORMAL, verified personal | | [`PERSONAL_PK`] | a full result, `Already Certified` |
//! | customer of NORMAL, verified enterprise | | [`ENTERPRISE_PK`] | `certType` 9 |
//! | customer of LIGHTWEIGHT, unverified | | [`LIGHTWEIGHT_CUSTOMER_PK`] | `Bid Mismatch` for the others |
//! | customer of the no-Aas reseller, unverified | | [`NO_AAS_CUSTOMER_PK`] | Query works without Aas |
//! | nobody | | [`UNKNOWN_PK`] | `Invalid PK` |
//!
//! Temporary credentials (STS and the metadata service):
//!
//! | role | ARN | acts as | who may assume it |
//! |---|---|---|---|
//! | reseller role | [`ROLE_ARN`] | the NORMAL reseller | the account ([`ACCOUNT_UID`]), the NORMAL reseller, tokens of [`OIDC_PROVIDER_ARN`] |
//! | external-id role | [`EXTERNAL_ROLE_ARN`] | the NORMAL reseller | the account, with [`EXTERNAL_ID`]; sessions up to 7200 s |
//! | chained role | [`CHAINED_ROLE_ARN`] | the LIGHTWEIGHT reseller | sessions of [`ROLE_ARN`] |
//! | ECS instance role | [`ECS_ROLE_ARN`] ([`ECS_ROLE_NAME`]) | the NORMAL reseller | the instance (metadata service) |
//!
//! [`OIDC_PROVIDER_ARN`] accepts [`OIDC_TOKEN`] and knows [`EXPIRED_OIDC_TOKEN`] as expired.
//!
//! The secrets are published test values, not credentials for anything.

use bidcert_core::BidType;

use crate::fixture::{
    Account, Certificate, Customer, Fixture, Instance, OidcProvider, Reseller, Role,
};

/// AccessKey ID of the NORMAL reseller with the Aas API granted.
pub const NORMAL_ACCESS_KEY_ID: &str = "LTAI5tBidcertDemoNormal";
/// Its secret.
pub const NORMAL_ACCESS_KEY_SECRET: &str = "BidcertDemoNormalSecretNotReal";
/// Its uid.
pub const NORMAL_UID: &str = "1900000000000001";

/// AccessKey ID of the LIGHTWEIGHT reseller with the Aas API granted.
pub const LIGHTWEIGHT_ACCESS_KEY_ID: &str = "LTAI5tBidcertDemoLight";
/// Its secret.
pub const LIGHTWEIGHT_ACCESS_KEY_SECRET: &str = "BidcertDemoLightSecretNotReal0";
/// Its uid.
pub const LIGHTWEIGHT_UID: &str = "1900000000000002";

/// AccessKey ID of a NORMAL reseller without the Aas API (`InvalidApi.NotFound`).
pub const NO_AAS_ACCESS_KEY_ID: &str = "LTAI5tBidcertDemoNoAas";
/// Its secret.
pub const NO_AAS_ACCESS_KEY_SECRET: &str = "BidcertDemoNoAasSecretNotReal0";
/// Its uid.
pub const NO_AAS_UID: &str = "1900000000000003";

/// AccessKey ID of an account that is not a reseller (`Not Bid`).
pub const ACCOUNT_ACCESS_KEY_ID: &str = "LTAI5tBidcertDemoAccount";
/// Its secret.
pub const ACCOUNT_ACCESS_KEY_SECRET: &str = "BidcertDemoAccountSecretNotRea";
/// Its uid.
pub const ACCOUNT_UID: &str = "1900000000000004";

/// An unverified customer of the NORMAL reseller; reports [`unverified_certificate`] once verified.
pub const UNVERIFIED_PK: &str = "1000000000000001";
/// A verified personal customer of the NORMAL reseller.
pub const PERSONAL_PK: &str = "1000000000000002";
/// A verified enterprise customer of the NORMAL reseller.
pub const ENTERPRISE_PK: &str = "1000000000000003";
/// An unverified customer of the LIGHTWEIGHT reseller, without certificate data (the
/// [`Certificate::placeholder`] is reported once verified).
pub const LIGHTWEIGHT_CUSTOMER_PK: &str = "1000000000000004";
/// An unverified customer of the reseller without the Aas API.
pub const NO_AAS_CUSTOMER_PK: &str = "1000000000000005";
/// A PK that is in no fixture (`Invalid PK`).
pub const UNKNOWN_PK: &str = "1000000000000099";

/// A role the account and the NORMAL reseller may assume, and OIDC tokens of
/// [`OIDC_PROVIDER_ARN`]; its keys act as the NORMAL reseller.
pub const ROLE_ARN: &str = "acs:ram::1900000000000001:role/bidcert-demo-reseller";
/// A role the account may assume only with [`EXTERNAL_ID`]; acts as the NORMAL reseller.
pub const EXTERNAL_ROLE_ARN: &str = "acs:ram::1900000000000001:role/bidcert-demo-external";
/// The `ExternalId` [`EXTERNAL_ROLE_ARN`] requires.
pub const EXTERNAL_ID: &str = "bidcert-demo-external-id";
/// A role only sessions of [`ROLE_ARN`] may assume (a chained role); acts as the LIGHTWEIGHT
/// reseller.
pub const CHAINED_ROLE_ARN: &str = "acs:ram::1900000000000002:role/bidcert-demo-chained";
/// The role of the ECS instance the metadata service describes; acts as the NORMAL reseller.
pub const ECS_ROLE_ARN: &str = "acs:ram::1900000000000001:role/bidcert-demo-ecs";
/// Its name, as the metadata service lists it.
pub const ECS_ROLE_NAME: &str = "bidcert-demo-ecs";
/// An OIDC provider whose tokens may assume [`ROLE_ARN`].
pub const OIDC_PROVIDER_ARN: &str = "acs:ram::1900000000000001:oidc-provider/bidcert-demo-oidc";
/// A token [`OIDC_PROVIDER_ARN`] accepts.
pub const OIDC_TOKEN: &str = "bidcert-demo-oidc-token-not-a-real-jwt";
/// A token [`OIDC_PROVIDER_ARN`] knows as expired.
pub const EXPIRED_OIDC_TOKEN: &str = "bidcert-demo-expired-oidc-token-not-a-real-jwt";

/// Every well-known value by its constant's name, for bindings that look them up by name.
pub const VALUES: &[(&str, &str)] = &[
    ("NORMAL_ACCESS_KEY_ID", NORMAL_ACCESS_KEY_ID),
    ("NORMAL_ACCESS_KEY_SECRET", NORMAL_ACCESS_KEY_SECRET),
    ("NORMAL_UID", NORMAL_UID),
    ("LIGHTWEIGHT_ACCESS_KEY_ID", LIGHTWEIGHT_ACCESS_KEY_ID),
    (
        "LIGHTWEIGHT_ACCESS_KEY_SECRET",
        LIGHTWEIGHT_ACCESS_KEY_SECRET,
    ),
    ("LIGHTWEIGHT_UID", LIGHTWEIGHT_UID),
    ("NO_AAS_ACCESS_KEY_ID", NO_AAS_ACCESS_KEY_ID),
    ("NO_AAS_ACCESS_KEY_SECRET", NO_AAS_ACCESS_KEY_SECRET),
    ("NO_AAS_UID", NO_AAS_UID),
    ("ACCOUNT_ACCESS_KEY_ID", ACCOUNT_ACCESS_KEY_ID),
    ("ACCOUNT_ACCESS_KEY_SECRET", ACCOUNT_ACCESS_KEY_SECRET),
    ("ACCOUNT_UID", ACCOUNT_UID),
    ("UNVERIFIED_PK", UNVERIFIED_PK),
    ("PERSONAL_PK", PERSONAL_PK),
    ("ENTERPRISE_PK", ENTERPRISE_PK),
    ("LIGHTWEIGHT_CUSTOMER_PK", LIGHTWEIGHT_CUSTOMER_PK),
    ("NO_AAS_CUSTOMER_PK", NO_AAS_CUSTOMER_PK),
    ("UNKNOWN_PK", UNKNOWN_PK),
    ("ROLE_ARN", ROLE_ARN),
    ("EXTERNAL_ROLE_ARN", EXTERNAL_ROLE_ARN),
    ("EXTERNAL_ID", EXTERNAL_ID),
    ("CHAINED_ROLE_ARN", CHAINED_ROLE_ARN),
    ("ECS_ROLE_ARN", ECS_ROLE_ARN),
    ("ECS_ROLE_NAME", ECS_ROLE_NAME),
    ("OIDC_PROVIDER_ARN", OIDC_PROVIDER_ARN),
    ("OIDC_TOKEN", OIDC_TOKEN),
    ("EXPIRED_OIDC_TOKEN", EXPIRED_OIDC_TOKEN),
];

/// The well-known value named `name` (`"NORMAL_ACCESS_KEY_ID"`, `"UNVERIFIED_PK"`, ...).
pub fn value(name: &str) -> Option<&'static str> {
    VALUES.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// What [`UNVERIFIED_PK`] reports once verified.
pub fn unverified_certificate() -> Certificate {
    Certificate {
        account_cert_type: "personal".into(),
        name: "Li Si".into(),
        phone: "13800000001".into(),
        cert_type: "0".into(),
        cert_number: "110101199001010011".into(),
    }
}

/// What [`PERSONAL_PK`] reports.
pub fn personal_certificate() -> Certificate {
    Certificate {
        account_cert_type: "personal".into(),
        name: "Zhang San".into(),
        phone: "13800000002".into(),
        cert_type: "0".into(),
        cert_number: "110101199001010022".into(),
    }
}

/// What [`ENTERPRISE_PK`] reports.
pub fn enterprise_certificate() -> Certificate {
    Certificate {
        account_cert_type: "enterprise".into(),
        name: "Bidcert Demo Trading Co., Ltd.".into(),
        phone: "13800000003".into(),
        cert_type: "9".into(),
        cert_number: "91330100MA2B000003".into(),
    }
}

pub(crate) fn fixture() -> Fixture {
    let reseller = |id: &str, secret: &str, uid: &str, bid_type, aas_granted| Reseller {
        access_key_id: id.into(),
        access_key_secret: secret.into(),
        uid: uid.into(),
        bid_type,
        aas_granted,
    };
    let customer = |pk: &str, owner: &str, verified, certificate| Customer {
        pk: pk.into(),
        owner: owner.into(),
        verified,
        certificate,
    };
    Fixture {
        resellers: vec![
            reseller(
                NORMAL_ACCESS_KEY_ID,
                NORMAL_ACCESS_KEY_SECRET,
                NORMAL_UID,
                BidType::Normal,
                true,
            ),
            reseller(
                LIGHTWEIGHT_ACCESS_KEY_ID,
                LIGHTWEIGHT_ACCESS_KEY_SECRET,
                LIGHTWEIGHT_UID,
                BidType::Lightweight,
                true,
            ),
            reseller(
                NO_AAS_ACCESS_KEY_ID,
                NO_AAS_ACCESS_KEY_SECRET,
                NO_AAS_UID,
                BidType::Normal,
                false,
            ),
        ],
        accounts: vec![Account {
            access_key_id: ACCOUNT_ACCESS_KEY_ID.into(),
            access_key_secret: ACCOUNT_ACCESS_KEY_SECRET.into(),
            uid: ACCOUNT_UID.into(),
        }],
        customers: vec![
            customer(
                UNVERIFIED_PK,
                NORMAL_UID,
                false,
                Some(unverified_certificate()),
            ),
            customer(PERSONAL_PK, NORMAL_UID, true, Some(personal_certificate())),
            customer(
                ENTERPRISE_PK,
                NORMAL_UID,
                true,
                Some(enterprise_certificate()),
            ),
            customer(LIGHTWEIGHT_CUSTOMER_PK, LIGHTWEIGHT_UID, false, None),
            customer(NO_AAS_CUSTOMER_PK, NO_AAS_UID, false, None),
        ],
        roles: vec![
            Role {
                arn: ROLE_ARN.into(),
                reseller: NORMAL_UID.into(),
                principals: vec![ACCOUNT_UID.into(), NORMAL_UID.into()],
                oidc_providers: vec![OIDC_PROVIDER_ARN.into()],
                external_id: None,
                max_session_duration: 3600,
            },
            Role {
                arn: EXTERNAL_ROLE_ARN.into(),
                reseller: NORMAL_UID.into(),
                principals: vec![ACCOUNT_UID.into()],
                oidc_providers: vec![],
                external_id: Some(EXTERNAL_ID.into()),
                max_session_duration: 7200,
            },
            Role {
                arn: CHAINED_ROLE_ARN.into(),
                reseller: LIGHTWEIGHT_UID.into(),
                principals: vec![ROLE_ARN.into()],
                oidc_providers: vec![],
                external_id: None,
                max_session_duration: 3600,
            },
            Role {
                arn: ECS_ROLE_ARN.into(),
                reseller: NORMAL_UID.into(),
                principals: vec![],
                oidc_providers: vec![],
                external_id: None,
                max_session_duration: 3600,
            },
        ],
        oidc_providers: vec![OidcProvider {
            arn: OIDC_PROVIDER_ARN.into(),
            tokens: vec![OIDC_TOKEN.into()],
            expired_tokens: vec![EXPIRED_OIDC_TOKEN.into()],
            issuer: "https://oidc.bidcert.test".into(),
            client_ids: vec!["sts.bidcert.test".into()],
        }],
        instance: Some(Instance {
            role: ECS_ROLE_ARN.into(),
            duration_seconds: 21600,
        }),
    }
}
