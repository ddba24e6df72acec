"""Every exception bidcert raises, under :class:`BidcertError`.

The classes are defined here, in Python, and raised by the native module; which class is
raised follows the error's kind (never its message text). API errors keep the server's
fields verbatim and say whether a retry can help.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, Optional, Sequence, Tuple

if TYPE_CHECKING:  # pragma: no cover
    from bidcert._native import Diagnosis

__all__ = [
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


class BidcertError(Exception):
    """The root of every bidcert error."""

    #: Whether repeating the call (signed afresh) can succeed.
    retryable: bool = False


class ValidationError(BidcertError, ValueError):
    """An input was rejected before anything was signed or sent.

    ``field`` is the rejected field by its wire name where it has one (``PK``, ``BidType``);
    ``reason`` says what it accepts.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason

    def __str__(self) -> str:
        return f"invalid {self.field}: {self.reason}"


class CredentialsError(BidcertError):
    """No usable credentials were found; ``tried`` lists each source and what it lacked."""

    def __init__(self, message: str, *, tried: Sequence[Tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.tried = [(str(source), str(why)) for source, why in tried]


class TransportError(BidcertError):
    """The request could not be sent or its response not read (refused, reset, DNS, TLS,
    a truncated body). A retry can help."""

    retryable = True


class TimeoutError(BidcertError, builtins.TimeoutError):
    """No complete response within the configured timeout (``after``, in seconds).

    Also a :class:`builtins.TimeoutError`, so ``except TimeoutError`` catches it either way.
    """

    retryable = True

    def __init__(self, message: str, *, after: Optional[float] = None) -> None:
        super().__init__(message)
        self.after = after

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "timed out"


class ResponseError(BidcertError):
    """The server's body could not be understood (empty, not JSON, truncated, HTML from a
    proxy, a missing field).

    ``excerpt`` holds the first bytes of the body for debugging; it is not part of ``str()``
    because a body can hold customer data.
    """

    def __init__(
        self,
        http_status: int,
        reason: str,
        *,
        excerpt: str = "",
        retryable: bool = False,
    ) -> None:
        super().__init__(http_status, reason)
        self.http_status = http_status
        self.reason = reason
        self.excerpt = excerpt
        self.retryable = retryable

    def __str__(self) -> str:
        return f"unreadable response (HTTP {self.http_status}): {self.reason}"


class ApiError(BidcertError):
    """The server answered with an error code. A subclass names each documented kind;
    ``ApiError`` itself is raised for any other code, kept verbatim in ``code``.

    Attributes: ``code`` and ``message`` (verbatim), ``request_id`` (quote it to Alibaba
    Cloud support), ``http_status``, ``host_id``, ``recommend``, ``retryable`` and ``kind``
    (a stable snake_case name, the same in every binding).
    """

    kind: str = "unknown"

    def __init__(
        self,
        code: str,
        message: str,
        *,
        http_status: int,
        request_id: Optional[str] = None,
        host_id: Optional[str] = None,
        recommend: Optional[str] = None,
        retryable: bool = False,
        kind: Optional[str] = None,
    ) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.http_status = http_status
        self.request_id = request_id
        self.host_id = host_id
        self.recommend = recommend
        self.retryable = retryable
        if kind is not None:
            self.kind = kind

    def __str__(self) -> str:
        s = f"{self.code}: {self.message} (HTTP {self.http_status}"
        if self.request_id is not None:
            s += f", RequestId {self.request_id}"
        return s + ")"


class EmptyPkError(ApiError):
    """``Empty PK``: the PK parameter was empty."""

    kind = "empty_pk"


class NotBidError(ApiError):
    """``Not Bid``: the caller is not a reseller account."""

    kind = "not_bid"


class BidMismatchError(ApiError):
    """``Bid Mismatch``: the customer does not belong to this reseller (or the BidType is
    not the reseller's)."""

    kind = "bid_mismatch"


class InvalidPkError(ApiError):
    """``Invalid PK``: no account has this PK."""

    kind = "invalid_pk"


class AlreadyCertifiedError(ApiError):
    """``Already Certified``: the account is verified already; no link is issued."""

    kind = "already_certified"


class ApiNotFoundError(ApiError):
    """``InvalidApi.NotFound``: the API has not been granted to this reseller."""

    kind = "api_not_found"


class AccessKeyNotFoundError(ApiError):
    """``InvalidAccessKeyId.NotFound``: the AccessKey id does not exist."""

    kind = "access_key_not_found"


class SignatureNonceUsedError(ApiError):
    """``SignatureNonceUsed``: the nonce was seen in the last 15 minutes (a retry signs with
    a fresh one)."""

    kind = "signature_nonce_used"


class SignatureMismatchError(ApiError):
    """``SignatureDoesNotMatch``: the server computed another signature.

    ``diagnosis`` (a :class:`bidcert.Diagnosis`, when the client raised it) names each
    parameter that differs between the server's string to sign and ours, or says the
    strings are identical (so the secret is wrong).
    """

    kind = "signature_mismatch"

    def __init__(
        self, code: str, message: str, *, diagnosis: Optional[Diagnosis] = None, **fields: Any
    ) -> None:
        # ``fields``: ApiError's keywords (``http_status``, ``request_id``, ...).
        super().__init__(code, message, **fields)
        self.diagnosis = diagnosis

    def __str__(self) -> str:
        s = super().__str__()
        if self.diagnosis is not None:
            s += f"; diagnosis: {self.diagnosis}"
        return s


class ThrottlingError(ApiError):
    """``Throttling``, ``Throttling.*``: flow control. A retry, later, can help."""

    kind = "throttling"


class TimestampError(ApiError):
    """``InvalidTimeStamp.*``: the timestamp is malformed or too far from the server's clock.

    ``clock_skew_seconds`` is the server's clock minus ours (from its ``Date`` header), when
    known: fix the machine's clock.
    """

    kind = "timestamp"

    def __init__(
        self, code: str, message: str, *, clock_skew_seconds: Optional[int] = None, **fields: Any
    ) -> None:
        # ``fields``: ApiError's keywords (``http_status``, ``request_id``, ...).
        super().__init__(code, message, **fields)
        self.clock_skew_seconds = clock_skew_seconds

    def __str__(self) -> str:
        s = super().__str__()
        if self.clock_skew_seconds is not None:
            s += f"; the server's clock is {self.clock_skew_seconds:+d} s from ours"
        return s


class ServiceUnavailableError(ApiError):
    """``ServiceUnavailable``: a temporary failure of the server. A retry can help."""

    kind = "service_unavailable"


class InternalServerError(ApiError):
    """``InternalError``: the server failed. A retry can help."""

    kind = "internal_error"


class MissingParameterError(ApiError):
    """``Missing*``: a required parameter was not sent."""

    kind = "missing_parameter"


class EventError(BidcertError, ValueError):
    """A FastAuthc message that is not to be acted on; ``kind`` says why."""

    kind: str = "malformed"


class OriginMismatchError(EventError):
    """The message came from another origin than the link's: ignore it."""

    kind = "origin_mismatch"

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(expected, actual)
        self.expected = expected
        self.actual = actual

    def __str__(self) -> str:
        return f"message from origin {self.actual!r}, expected {self.expected!r}: ignore it"


class MalformedEventError(EventError):
    """Not a ``{success, type, data}`` JSON object with a string ``type``."""

    kind = "malformed"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return f"not a FastAuthc message: {self.reason}"
