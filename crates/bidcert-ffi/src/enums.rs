//! The C enums and the one macro every conversion comes from.
//!
//! Each enum is a plain `#[repr(u32)]` item with explicit, never renumbered values, so that
//! cbindgen reads it as written; `#[derive(FfiEnum!)]` (a `macro_rules!` derive, as
//! rustls-ffi's `ResultFromU32!`) adds the conversions: from `uint32_t` (an argument) and, for
//! an enum that mirrors a core enum, to and from the core's values. A C variant mirrors the
//! core value of the same name: `BIDCERT_ERROR_KIND_BID_MISMATCH` is `ErrorKind::BidMismatch`,
//! whose stable name is `bid_mismatch`. No integer is matched by hand anywhere else.
//!
//! The core's `ErrorKind` and `TransportKind` are `#[non_exhaustive]`, so no match across the
//! crate boundary can be exhaustive: a kind the core adds and C lacks is caught by the tests at
//! the end of this file (every core value must map to a C variant and back).

use std::ffi::{CStr, CString};

use bidcert_rs::credentials::CredentialsKind;
use bidcert_rs::{
    BidType, ErrorKind, Platform, Product, SignatureVersion, SubjectType, TransportKind,
};

use crate::error::bidcert_error;

/// What `FfiEnum!` gives a C enum.
pub(crate) trait FfiEnum: Copy + Eq + Sized + 'static {
    /// Every variant, in declaration order.
    const ALL: &'static [Self];
    /// The C type's name (`bidcert_error_kind`).
    const TYPE_NAME: &'static str;
    /// The variant numbered `value`, if any.
    fn from_u32(value: u32) -> Option<Self>;
    /// The variant's number.
    fn value(self) -> u32;
    /// The variant's C name (`BIDCERT_ERROR_KIND_BID_MISMATCH`).
    fn c_name(self) -> &'static str;
    /// The variant's short name, static and NUL-terminated: its C name less the type's
    /// prefix, lower case (`bid_mismatch`). The same as the core value's name it mirrors.
    fn name(self) -> &'static CStr;
}

/// The short name of C variant `variant` of type `type_name` (see [`FfiEnum::name`]).
pub(crate) fn short_name(type_name: &str, variant: &str) -> CString {
    let prefix = format!("{}_", type_name.to_ascii_uppercase());
    let short = variant.strip_prefix(&prefix).unwrap_or(variant);
    CString::new(short.to_ascii_lowercase()).expect("a Rust identifier holds no NUL")
}

/// Derives [`FfiEnum`] for a fieldless `#[repr(u32)]` enum whose variants all have an
/// explicit value.
macro_rules! FfiEnum {
    (
        $(#[$attr:meta])*
        $vis:vis enum $Name:ident {
            $( $(#[$vattr:meta])* $Variant:ident = $Value:literal ),+ $(,)?
        }
    ) => {
        impl $crate::enums::FfiEnum for $Name {
            const ALL: &'static [Self] = &[$($Name::$Variant),+];
            const TYPE_NAME: &'static str = stringify!($Name);
            fn from_u32(value: u32) -> Option<Self> {
                match value {
                    $($Value => Some($Name::$Variant),)+
                    _ => None,
                }
            }
            fn value(self) -> u32 {
                self as u32
            }
            fn c_name(self) -> &'static str {
                match self {
                    $($Name::$Variant => stringify!($Variant),)+
                }
            }
            fn name(self) -> &'static ::std::ffi::CStr {
                static NAMES: ::std::sync::OnceLock<Vec<::std::ffi::CString>> =
                    ::std::sync::OnceLock::new();
                let names = NAMES.get_or_init(|| {
                    <Self as $crate::enums::FfiEnum>::ALL
                        .iter()
                        .map(|v| $crate::enums::short_name(Self::TYPE_NAME, v.c_name()))
                        .collect()
                });
                let at = <Self as $crate::enums::FfiEnum>::ALL
                    .iter()
                    .position(|v| *v == self)
                    .unwrap_or_default();
                &names[at]
            }
        }
    };
}

/// A core enum a C enum mirrors: its values and their stable names.
pub(crate) trait CoreEnum: Copy + Eq + 'static {
    /// Every value.
    fn all() -> &'static [Self];
    /// The stable name (compared ignoring ASCII case).
    fn core_name(self) -> &'static str;
}

macro_rules! core_enum {
    ($($t:ty),+) => {
        $(impl CoreEnum for $t {
            fn all() -> &'static [Self] {
                <$t>::ALL
            }
            fn core_name(self) -> &'static str {
                self.as_str()
            }
        })+
    };
}

core_enum!(
    BidType,
    Platform,
    SubjectType,
    TransportKind,
    ErrorKind,
    CredentialsKind,
    Product,
    SignatureVersion
);

/// A C enum that stands for a core enum, variant for variant by name; C-only variants (the
/// C boundary's error kinds) mirror nothing. Implemented by `mirror!`.
pub(crate) trait Mirror: FfiEnum {
    /// The core enum.
    type Core: CoreEnum;

    /// The core value of the same name, if any ([`core_of`], worked out once per type: an
    /// argument converted on every call should not compare names each time).
    fn to_core(self) -> Option<Self::Core>;

    /// The C variant of the same name, if any.
    fn from_core(core: Self::Core) -> Option<Self> {
        let name = core.core_name().as_bytes();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.name().to_bytes().eq_ignore_ascii_case(name))
    }
}

/// The core value named as C variant `c` is, if any.
pub(crate) fn core_of<C: Mirror>(c: C) -> Option<C::Core> {
    let name = c.name().to_bytes();
    C::Core::all()
        .iter()
        .copied()
        .find(|core| core.core_name().as_bytes().eq_ignore_ascii_case(name))
}

/// `impl Mirror for $c { type Core = $core; }`, with the variants' core values in a table.
macro_rules! mirror {
    ($c:ty => $core:ty) => {
        impl $crate::enums::Mirror for $c {
            type Core = $core;
            fn to_core(self) -> Option<$core> {
                static TABLE: ::std::sync::OnceLock<Vec<($c, Option<$core>)>> =
                    ::std::sync::OnceLock::new();
                TABLE
                    .get_or_init(|| {
                        <$c as $crate::enums::FfiEnum>::ALL
                            .iter()
                            .map(|v| (*v, $crate::enums::core_of(*v)))
                            .collect()
                    })
                    .iter()
                    .find(|(v, _)| *v == self)
                    .and_then(|(_, core)| *core)
            }
        }
    };
}

/// An enum argument passed as `uint32_t`: the core value, or `BIDCERT_INVALID_ENUM` naming
/// the argument and the values it accepts.
pub(crate) fn enum_arg<C: Mirror>(value: u32, arg: &str) -> Result<C::Core, bidcert_error> {
    C::from_u32(value)
        .and_then(C::to_core)
        .ok_or_else(|| bidcert_error::invalid_enum(arg, value, &accepted::<C>()))
}

/// "`NAME` (n), ..." for every variant that mirrors a core value.
fn accepted<C: Mirror>() -> String {
    C::ALL
        .iter()
        .filter(|v| v.to_core().is_some())
        .map(|v| format!("{} ({})", v.c_name(), v.value()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The reseller's type, sent as `BidType`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FfiEnum!)]
pub enum bidcert_bid_type {
    /// `NORMAL`: a standard (BID service) reseller.
    BIDCERT_BID_TYPE_NORMAL = 0,
    /// `LIGHTWEIGHT`: a lightweight reseller.
    BIDCERT_BID_TYPE_LIGHTWEIGHT = 1,
}

mirror!(bidcert_bid_type => BidType);

/// Where the verification link will be opened, sent as `Platform`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FfiEnum!)]
pub enum bidcert_platform {
    /// `pc` (the default).
    BIDCERT_PLATFORM_PC = 0,
    /// `h5`: a mobile web page.
    BIDCERT_PLATFORM_H5 = 1,
    /// `app`.
    BIDCERT_PLATFORM_APP = 2,
}

mirror!(bidcert_platform => Platform);

/// Which verifications the link allows, sent as `SubjectType`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FfiEnum!)]
pub enum bidcert_subject_type {
    /// `all` (the default).
    BIDCERT_SUBJECT_TYPE_ALL = 0,
    /// `personal`.
    BIDCERT_SUBJECT_TYPE_PERSONAL = 1,
    /// `enterprise`.
    BIDCERT_SUBJECT_TYPE_ENTERPRISE = 2,
}

mirror!(bidcert_subject_type => SubjectType);

/// An API product: which endpoint and API version a call goes to.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FfiEnum!)]
pub enum bidcert_product {
    /// Crm `2015-04-08` (QueryBidUserCertifiedInfo).
    BIDCERT_PRODUCT_CRM = 0,
    /// Aas `2015-07-01` (GenerateAliyunBidCertWaysUrl).
    BIDCERT_PRODUCT_AAS = 1,
}

mirror!(bidcert_product => Product);

/// How an attempt failed to cross the network, as the driver's HTTP stack saw it
/// (`bidcert_call_feed_transport_error`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FfiEnum!)]
pub enum bidcert_transport_kind {
    /// The connection could not be made (refused, unreachable, DNS, proxy).
    BIDCERT_TRANSPORT_KIND_CONNECT = 0,
    /// No complete response within the attempt's timeout.
    BIDCERT_TRANSPORT_KIND_TIMEOUT = 1,
    /// The connection failed after it was made: reset, closed early, a truncated body, or an
    /// answer that is not HTTP.
    BIDCERT_TRANSPORT_KIND_RESET = 2,
    /// The TLS handshake failed (an untrusted certificate, a wrong host name).
    BIDCERT_TRANSPORT_KIND_TLS = 3,
}

mirror!(bidcert_transport_kind => TransportKind);

/// Which signature a client's requests carry (`bidcert_client_config.signature_version`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FfiEnum!)]
pub enum bidcert_signature_version {
    /// RPC v1.0 (HMAC-SHA1, every parameter and `Signature` in the query), as the API
    /// documents describe: the default.
    BIDCERT_SIGNATURE_VERSION_V1 = 0,
    /// V3 (ACS3-HMAC-SHA256, an `Authorization` header and `x-acs-*` headers), as Alibaba's
    /// current SDKs sign.
    BIDCERT_SIGNATURE_VERSION_V3 = 1,
}

mirror!(bidcert_signature_version => SignatureVersion);

/// What the call engine decided after an attempt (`bidcert_decision.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FfiEnum!)]
pub enum bidcert_decision_kind {
    /// The call succeeded: read its result (`bidcert_call_certified_info`, ...).
    BIDCERT_DECISION_KIND_DONE = 1,
    /// Wait `retry_after_ms`, then ask `bidcert_call_next_request` for the next attempt.
    /// `bidcert_call_error` gives the cause.
    BIDCERT_DECISION_KIND_RETRY = 2,
    /// The call failed; no further attempt can help. `bidcert_call_error` says why.
    BIDCERT_DECISION_KIND_FAIL = 3,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::bidcert_error_kind;

    /// Every value of the core enum has a C variant, and back.
    fn round_trips<C: Mirror + std::fmt::Debug>()
    where
        C::Core: std::fmt::Debug,
    {
        for core in C::Core::all() {
            let c = C::from_core(*core)
                .unwrap_or_else(|| panic!("{core:?} has no variant in {}", C::TYPE_NAME));
            assert_eq!(c.to_core(), Some(*core), "{c:?}");
            assert_eq!(C::from_u32(c.value()), Some(c));
        }
    }

    #[test]
    fn every_core_error_kind_has_a_c_kind_and_back() {
        // A kind the core adds fails here until `bidcert_error_kind` has it.
        round_trips::<bidcert_error_kind>();
        let c_only: Vec<_> = bidcert_error_kind::ALL
            .iter()
            .filter(|k| k.to_core().is_none())
            .map(|k| k.name().to_str().unwrap())
            .collect();
        assert_eq!(
            c_only,
            ["null_argument", "invalid_utf8", "invalid_enum", "internal"]
        );
    }

    #[test]
    fn every_core_enum_has_its_c_enum() {
        round_trips::<bidcert_bid_type>();
        round_trips::<bidcert_platform>();
        round_trips::<bidcert_subject_type>();
        round_trips::<bidcert_product>();
        round_trips::<bidcert_transport_kind>();
        round_trips::<bidcert_signature_version>();
        round_trips::<crate::credentials::bidcert_credentials_kind>();
        for k in CredentialsKind::ALL {
            let c = crate::credentials::bidcert_credentials_kind::from(*k);
            assert_eq!(c.name().to_str().unwrap(), k.as_str());
        }
        // Zero, a zeroed config's value, is the core's default.
        assert_eq!(
            enum_arg::<bidcert_signature_version>(0, "signature_version").unwrap(),
            SignatureVersion::default()
        );
    }

    #[test]
    fn names_are_the_core_names() {
        for k in ErrorKind::ALL {
            let c = bidcert_error_kind::from_core(*k).unwrap();
            assert_eq!(c.name().to_str().unwrap(), k.as_str());
        }
        assert_eq!(
            bidcert_decision_kind::BIDCERT_DECISION_KIND_RETRY.name(),
            c"retry"
        );
    }

    #[test]
    fn values_are_distinct_and_out_of_range_values_are_refused() {
        fn distinct<C: FfiEnum>() {
            let mut values: Vec<u32> = C::ALL.iter().map(|v| v.value()).collect();
            values.sort_unstable();
            values.dedup();
            assert_eq!(values.len(), C::ALL.len(), "{}", C::TYPE_NAME);
            // Bindings enumerate the kinds by value below 2^16 (`bidcert_error_kind_name`).
            assert!(values.iter().all(|v| *v < 1 << 16), "{}", C::TYPE_NAME);
        }
        distinct::<bidcert_error_kind>();
        distinct::<bidcert_bid_type>();
        distinct::<bidcert_decision_kind>();
        distinct::<crate::status::bidcert_status>();
        let e = enum_arg::<bidcert_platform>(3, "platform").unwrap_err();
        assert_eq!(e.kind, bidcert_error_kind::BIDCERT_ERROR_KIND_INVALID_ENUM);
        assert!(
            e.message.contains("BIDCERT_PLATFORM_APP (2)"),
            "{}",
            e.message
        );
        // A C-only kind is not a value any argument accepts.
        assert!(bidcert_error_kind::BIDCERT_ERROR_KIND_INTERNAL
            .to_core()
            .is_none());
    }
}
