//! What a call's operation answers: each operation parses its own success body.

use serde_json::Value;

use crate::clock::{Nonce, Timestamp};
use crate::error::{Error, ValidationError};
use crate::ops::{GenerateCertWaysUrl, Method, Operation, QueryCertifiedInfo, RpcCall, Target};
use crate::response::{
    parse_cert_ways_url, parse_certified_info, parse_rpc_response, CertWaysUrl, CertifiedInfo,
};
use crate::sign::{Param, SignedRequest, Signer};
use crate::version::SignatureVersion;

/// An operation a [`Call`](super::Call) can carry out: it knows how to read its answer.
///
/// Implemented by the three operations, STS's two ([`crate::AssumeRole`],
/// [`crate::AssumeRoleWithOidc`]), references to them, and [`AnyOperation`].
pub trait Exchange: Operation {
    /// What a success gives.
    type Output;
    /// The request of one attempt at `timestamp` with `nonce`: signed by `signer` with the
    /// policy's `version` (the default), or unsigned for an action that is sent so
    /// (`AssumeRoleWithOIDC`).
    fn prepare(
        &self,
        signer: &Signer,
        version: SignatureVersion,
        timestamp: Timestamp,
        nonce: &Nonce,
    ) -> Result<SignedRequest, ValidationError> {
        match version {
            SignatureVersion::V1 => signer.sign(self, timestamp, nonce),
            SignatureVersion::V3 => signer.sign_v3(self, timestamp, nonce),
        }
    }
    /// Reads a response to `request` (an error body becomes an [`Error::Api`]).
    fn parse_response(
        &self,
        status: u16,
        body: &[u8],
        request: &SignedRequest,
    ) -> Result<Self::Output, Error>;
}

impl Exchange for QueryCertifiedInfo {
    type Output = CertifiedInfo;
    fn parse_response(
        &self,
        status: u16,
        body: &[u8],
        _: &SignedRequest,
    ) -> Result<CertifiedInfo, Error> {
        parse_certified_info(status, body)
    }
}

impl Exchange for GenerateCertWaysUrl {
    type Output = CertWaysUrl;
    /// The link was issued when the request was signed (its timestamp, clock offset
    /// included), so it expires 3 hours after that.
    fn parse_response(
        &self,
        status: u16,
        body: &[u8],
        request: &SignedRequest,
    ) -> Result<CertWaysUrl, Error> {
        parse_cert_ways_url(status, body, request.timestamp())
    }
}

impl Exchange for RpcCall {
    type Output = Value;
    fn parse_response(&self, status: u16, body: &[u8], _: &SignedRequest) -> Result<Value, Error> {
        parse_rpc_response(status, body)
    }
}

impl<O: Exchange + ?Sized> Exchange for &O {
    type Output = O::Output;
    fn prepare(
        &self,
        signer: &Signer,
        version: SignatureVersion,
        timestamp: Timestamp,
        nonce: &Nonce,
    ) -> Result<SignedRequest, ValidationError> {
        (**self).prepare(signer, version, timestamp, nonce)
    }
    fn parse_response(
        &self,
        status: u16,
        body: &[u8],
        request: &SignedRequest,
    ) -> Result<O::Output, Error> {
        (**self).parse_response(status, body, request)
    }
}

/// Any of the three operations, for drivers that hold calls of every kind behind one type
/// (the C ABI, Python).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnyOperation {
    /// `QueryBidUserCertifiedInfo`.
    QueryCertifiedInfo(QueryCertifiedInfo),
    /// `GenerateAliyunBidCertWaysUrl`.
    GenerateCertWaysUrl(GenerateCertWaysUrl),
    /// Any other RPC action.
    Rpc(RpcCall),
}

/// What an [`AnyOperation`] gives.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnyOutput {
    /// From `QueryBidUserCertifiedInfo`.
    CertifiedInfo(CertifiedInfo),
    /// From `GenerateAliyunBidCertWaysUrl`.
    CertWaysUrl(CertWaysUrl),
    /// From any other action: the response's JSON object.
    Json(Value),
}

macro_rules! each_operation {
    ($self:expr, $op:ident => $body:expr) => {
        match $self {
            AnyOperation::QueryCertifiedInfo($op) => $body,
            AnyOperation::GenerateCertWaysUrl($op) => $body,
            AnyOperation::Rpc($op) => $body,
        }
    };
}

impl crate::ops::sealed::Sealed for AnyOperation {
    fn action_version(&self) -> [Param<'_>; 2] {
        each_operation!(self, op => op.action_version())
    }
    fn business_params<'a>(&'a self, out: &mut Vec<Param<'a>>) {
        each_operation!(self, op => op.business_params(out))
    }
}

impl Operation for AnyOperation {
    fn target(&self) -> &Target {
        each_operation!(self, op => op.target())
    }
    fn action(&self) -> &str {
        each_operation!(self, op => op.action())
    }
    fn version(&self) -> &str {
        each_operation!(self, op => op.version())
    }
    fn method(&self) -> Method {
        each_operation!(self, op => op.method())
    }
}

impl Exchange for AnyOperation {
    type Output = AnyOutput;
    fn parse_response(
        &self,
        status: u16,
        body: &[u8],
        request: &SignedRequest,
    ) -> Result<AnyOutput, Error> {
        Ok(match self {
            AnyOperation::QueryCertifiedInfo(op) => {
                AnyOutput::CertifiedInfo(op.parse_response(status, body, request)?)
            }
            AnyOperation::GenerateCertWaysUrl(op) => {
                AnyOutput::CertWaysUrl(op.parse_response(status, body, request)?)
            }
            AnyOperation::Rpc(op) => AnyOutput::Json(op.parse_response(status, body, request)?),
        })
    }
}

impl From<QueryCertifiedInfo> for AnyOperation {
    fn from(op: QueryCertifiedInfo) -> Self {
        AnyOperation::QueryCertifiedInfo(op)
    }
}
impl From<GenerateCertWaysUrl> for AnyOperation {
    fn from(op: GenerateCertWaysUrl) -> Self {
        AnyOperation::GenerateCertWaysUrl(op)
    }
}
impl From<RpcCall> for AnyOperation {
    fn from(op: RpcCall) -> Self {
        AnyOperation::Rpc(op)
    }
}
