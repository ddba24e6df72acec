"""bidcert: Alibaba Cloud's RPC request signature and the reseller identity-verification
calls (``QueryBidUserCertifiedInfo``, ``GenerateAliyunBidCertWaysUrl``), in Rust.

Quick start::

    import bidcert

    with bidcert.Client() as client:  # credentials from the default chain
        info = client.query_certified_info("1234567890123456", bidcert.BidType.NORMAL)
        if not info.is_certified:
            link = client.generate_cert_ways_url("1234567890123456", "NORMAL", platform="h5")
            print(link.url, link.expires_at)

:class:`AsyncClient` has the same constructor and methods, as coroutines (``async with``).
Ctrl-C interrupts a blocking call. :class:`Credentials` has a factory for every provider
(``environment()``, ``oidc_role()``, ``cli_profile()``, ``credentials_file()``,
``ecs_ram_role()``, ``credentials_uri()``, ``ram_role_arn(source)``, ``default_chain()``).

Every error is a :class:`bidcert.BidcertError`, one class per kind of the core's list
:data:`ERROR_KINDS` (:class:`bidcert.NotBidError`, :class:`bidcert.ThrottlingError`,
:class:`bidcert.ConnectError`, ...), each with ``kind`` and ``retryable``. Retries, timeouts
and the time budget follow :class:`Policy`, whose defaults are the core's. To send with an
HTTP stack of your own, drive the same call engine: :mod:`bidcert.exchange`. Log records go
to the ``bidcert`` logger of :mod:`logging` (call :func:`refresh_logging` after changing its
level). For tests, :mod:`bidcert.testing` runs an emulator of both endpoints in-process.
"""

from bidcert._enums import BidType, CertType, Platform, SubjectType
from bidcert._async import AsyncClient
from bidcert._native import (
    ERROR_KINDS,
    Call,
    CertifiedInfo,
    CertWaysUrl,
    Client,
    Credentials,
    Diagnosis,
    Difference,
    FastAuthEvent,
    GenerateCertWaysUrl,
    Policy,
    QueryCertifiedInfo,
    ResolvedCredentials,
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
from bidcert import _native as _native_module
from bidcert import exceptions as _exceptions
from bidcert.exceptions import *  # noqa: F403 (one class per error kind; see exceptions.__all__)

__all__ = [
    "__version__",
    # credentials, signing, sending
    "Credentials",
    "ResolvedCredentials",
    "Signer",
    "SignedRequest",
    "Client",
    "AsyncClient",
    "Policy",
    "Call",
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
    # the error kinds; their classes follow
    "ERROR_KINDS",
]
__all__ += _exceptions.__all__

# A child of fork() makes its own runtimes and connection pools (the inherited ones belong
# to threads and sockets of the parent).
import os as _os

if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(after_in_child=_native_module._after_fork)
