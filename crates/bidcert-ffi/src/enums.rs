//! The C enums. Functions take them as `uint32_t` and validate the value, so an
//! out-of-range value is `BIDCERT_INVALID_ENUM`, never undefined behaviour.

use bidcert_rs::{BidType, Platform, Product, SubjectType};

use crate::error::bidcert_error;

/// The reseller's type, sent as `BidType`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum bidcert_bid_type {
    /// `NORMAL`: a standard (BID service) reseller.
    BIDCERT_BID_TYPE_NORMAL = 0,
    /// `LIGHTWEIGHT`: a lightweight reseller.
    BIDCERT_BID_TYPE_LIGHTWEIGHT = 1,
}

/// Where the verification link will be opened, sent as `Platform`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum bidcert_platform {
    /// `pc` (the default).
    BIDCERT_PLATFORM_PC = 0,
    /// `h5`: a mobile web page.
    BIDCERT_PLATFORM_H5 = 1,
    /// `app`.
    BIDCERT_PLATFORM_APP = 2,
}

/// Which verifications the link allows, sent as `SubjectType`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum bidcert_subject_type {
    /// `all` (the default).
    BIDCERT_SUBJECT_TYPE_ALL = 0,
    /// `personal`.
    BIDCERT_SUBJECT_TYPE_PERSONAL = 1,
    /// `enterprise`.
    BIDCERT_SUBJECT_TYPE_ENTERPRISE = 2,
}

/// An API product: which endpoint and API version a call goes to.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum bidcert_product {
    /// Crm `2015-04-08` (QueryBidUserCertifiedInfo).
    BIDCERT_PRODUCT_CRM = 0,
    /// Aas `2015-07-01` (GenerateAliyunBidCertWaysUrl).
    BIDCERT_PRODUCT_AAS = 1,
}

pub(crate) fn bid_type(value: u32) -> Result<BidType, bidcert_error> {
    match value {
        0 => Ok(BidType::Normal),
        1 => Ok(BidType::Lightweight),
        _ => Err(bidcert_error::invalid_enum(
            "bid_type",
            value,
            "BIDCERT_BID_TYPE_NORMAL (0), BIDCERT_BID_TYPE_LIGHTWEIGHT (1)",
        )),
    }
}

pub(crate) fn platform(value: u32) -> Result<Platform, bidcert_error> {
    match value {
        0 => Ok(Platform::Pc),
        1 => Ok(Platform::H5),
        2 => Ok(Platform::App),
        _ => Err(bidcert_error::invalid_enum(
            "platform",
            value,
            "BIDCERT_PLATFORM_PC (0), _H5 (1), _APP (2)",
        )),
    }
}

pub(crate) fn subject_type(value: u32) -> Result<SubjectType, bidcert_error> {
    match value {
        0 => Ok(SubjectType::All),
        1 => Ok(SubjectType::Personal),
        2 => Ok(SubjectType::Enterprise),
        _ => Err(bidcert_error::invalid_enum(
            "subject_type",
            value,
            "BIDCERT_SUBJECT_TYPE_ALL (0), _PERSONAL (1), _ENTERPRISE (2)",
        )),
    }
}

pub(crate) fn product(value: u32) -> Result<Product, bidcert_error> {
    match value {
        0 => Ok(Product::Crm),
        1 => Ok(Product::Aas),
        _ => Err(bidcert_error::invalid_enum(
            "product",
            value,
            "BIDCERT_PRODUCT_CRM (0), BIDCERT_PRODUCT_AAS (1)",
        )),
    }
}
