"""bidcert: Alibaba Cloud's RPC request signature and the reseller identity-verification
calls (``QueryBidUserCertifiedInfo``, ``GenerateAliyunBidCertWaysUrl``), in Rust.

Quick start::

    import bidcert

    with bidcert.Client(bidcert.Credentials.from_env()) as client:
        info = client.query_certified_info("1234567890123456", bidcert.BidType.NORMAL)
        if not info.is_certified:
            link = client.generate_cert_ways_url("1234567890123456", "NORMAL", platform="h5")
            print(link.url, link.expires_at)

Every error is a :class:`bidcert.BidcertError`; API errors have one class per kind
(:class:`bidcert.NotBidError`, :class:`bidcert.ThrottlingError`, ...). Log records go to the
``bidcert`` logger of :mod:`logging` (call :func:`refresh_logging` after changing its level).
For tests, :mod:`bidcert.testing` runs an emulator of both endpoints in-process.
"""

from bidcert._enums import BidType, CertType, Platform, SubjectType
from bidcert._native import (
    CertifiedInfo,
    CertWaysUrl,
    Client,
    Credentials,
    Diagnosis,
    Difference,
    FastAuthEvent,
    GenerateCertWaysUrl,
    QueryCertifiedInfo,
    RpcCall,
    SignedRequest,
    Signer,
    __version__,
    canonicalized_query,
    diagnose_signature_mismatch,
    mask,
    parse_cert_ways_url,
    parse_certified_info,
    parse_fast_auth_event,
    percent_encode,
    refresh_logging,
    signature,
    string_to_sign,
    v3_authorization,
    v3_canonical_request,
    v3_diagnose_signature_mismatch,
    v3_string_to_sign,
)
from bidcert.exceptions import (
    AccessKeyNotFoundError,
    AlreadyCertifiedError,
    ApiError,
    ApiNotFoundError,
    BidcertError,
    BidMismatchError,
    CredentialsError,
    EmptyPkError,
    EventError,
    InternalServerError,
    InvalidPkError,
    MalformedEventError,
    MissingParameterError,
    NotBidError,
    OriginMismatchError,
    ResponseError,
    ServiceUnavailableError,
    SignatureMismatchError,
    SignatureNonceUsedError,
    ThrottlingError,
    TimeoutError,
    TimestampError,
    TransportError,
    ValidationError,
)

__all__ = [
    "__version__",
    # credentials, signing, sending
    "Credentials",
    "Signer",
    "SignedRequest",
    "Client",
    # operations
    "QueryCertifiedInfo",
    "GenerateCertWaysUrl",
    "RpcCall",
    # enums
    "BidType",
    "Platform",
    "SubjectType",
    "CertType",
    # results
    "CertifiedInfo",
    "CertWaysUrl",
    "FastAuthEvent",
    "Diagnosis",
    "Difference",
    # pure functions
    "percent_encode",
    "canonicalized_query",
    "string_to_sign",
    "signature",
    "parse_certified_info",
    "parse_cert_ways_url",
    "parse_fast_auth_event",
    "diagnose_signature_mismatch",
    "v3_canonical_request",
    "v3_string_to_sign",
    "v3_authorization",
    "v3_diagnose_signature_mismatch",
    "mask",
    "refresh_logging",
    # exceptions
    "BidcertError",
    "ValidationError",
    "CredentialsError",
    "TransportError",
    "TimeoutError",
    "ResponseError",
    "ApiError",
    "EmptyPkError",
    "NotBidError",
    "BidMismatchError",
    "InvalidPkError",
    "AlreadyCertifiedError",
    "ApiNotFoundError",
    "AccessKeyNotFoundError",
    "SignatureNonceUsedError",
    "SignatureMismatchError",
    "ThrottlingError",
    "TimestampError",
    "ServiceUnavailableError",
    "InternalServerError",
    "MissingParameterError",
    "EventError",
    "OriginMismatchError",
    "MalformedEventError",
]
