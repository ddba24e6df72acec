"""Every exception bidcert raises, under :class:`BidcertError`.

There is one class per kind of the core's error list (:data:`bidcert.ERROR_KINDS`, the same
snake_case names in every binding): each class declares its kind, ``class
NotBidError(ApiError, kind="not_bid")``, and the native module raises the class of the
error's kind (:func:`exception_class`), never one chosen from message text. Every instance
has ``kind`` and ``retryable`` (whether repeating the call, signed afresh, can succeed). API
errors keep the server's fields verbatim.

``BidcertError``, ``TransportError``, ``ApiError`` and ``EventError`` group the classes to
catch them together; ``ApiError`` itself is the class of an unknown server code.
"""

from __future__ import annotations

import builtins
import warnings
from typing import TYPE_CHECKING, Any, ClassVar, Dict, Optional, Sequence, Tuple, Type

if TYPE_CHECKING:  # pragma: no cover
    from bidcert._native import Diagnosis

# The public names, for type checkers (they cannot read a computed list); the suite checks it
# holds every class of the registry below.
__all__ = [
    "exception_class",
    "BidcertError",
    "ValidationError",
    "CredentialsError",
    "TransportError",
    "ConnectError",
    "TimeoutError",
    "ResetError",
    "TlsError",
    "ResponseError",
    "CanceledError",
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

# kind -> the class that declares it, filled by BidcertError.__init_subclass__.
_BY_KIND: Dict[str, Type["BidcertError"]] = {}


def exception_class(kind: str) -> Type["BidcertError"]:
    """The class of an error kind (``"bid_mismatch"`` -> :class:`BidMismatchError`); raises
    ``KeyError`` for a name that is no kind."""
    return _BY_KIND[kind]


class BidcertError(Exception):
    """The root of every bidcert error.

    ``kind`` names the error's kind (a stable snake_case name, the same in every binding) and
    ``retryable`` says whether repeating the call, signed afresh, can succeed.
    """

    #: The error's kind, declared by its class.
    kind: ClassVar[str]
    #: Whether repeating the call (signed afresh) can succeed.
    retryable: bool = False

    def __init_subclass__(cls, kind: Optional[str] = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if kind is None:
            return
        if kind in _BY_KIND:
            raise TypeError(f"{cls.__name__}: kind {kind!r} is {_BY_KIND[kind].__name__}'s already")
        cls.kind = kind
        _BY_KIND[kind] = cls


class ValidationError(BidcertError, ValueError, kind="validation"):
    """An input was rejected before anything was signed or sent (also a call on a closed
    client, or a call driven out of order).

    ``field`` is the rejected field by its wire name where it has one (``PK``, ``BidType``);
    ``reason`` says what it accepts.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason

    def __str__(self) -> str:
        return f"invalid {self.field}: {self.reason}"


class CredentialsError(BidcertError, kind="credentials"):
    """No usable credentials were found; ``tried`` lists each source and what it lacked."""

    def __init__(self, message: str, *, tried: Sequence[Tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.tried = [(str(source), str(why)) for source, why in tried]


class TransportError(BidcertError):
    """The request could not be sent or its response not read. One subclass per way it
    failed: :class:`ConnectError`, :class:`TimeoutError`, :class:`ResetError`,
    :class:`TlsError`."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class ConnectError(TransportError, kind="connect"):
    """The connection could not be made (refused, unreachable, DNS, proxy)."""


class TimeoutError(TransportError, builtins.TimeoutError, kind="timeout"):
    """No complete response within the attempt's timeout, or the call's time budget is spent.

    Also a :class:`builtins.TimeoutError`, so ``except TimeoutError`` catches it either way.
    """


class ResetError(TransportError, kind="reset"):
    """The connection failed after it was made: reset, closed early, a truncated body, or an
    answer that is not HTTP."""


class TlsError(TransportError, kind="tls"):
    """The TLS handshake failed (an untrusted certificate, a wrong host name)."""


class ResponseError(BidcertError, kind="parse"):
    """The server's body could not be understood (empty, not JSON, truncated, too large, HTML
    from a proxy, a missing field).

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


class CanceledError(BidcertError, kind="canceled"):
    """The caller cancelled the call."""


class ApiError(BidcertError, kind="unknown"):
    """The server answered with an error code. A subclass names each documented kind;
    ``ApiError`` itself is raised for any other code, kept verbatim in ``code``.

    Attributes: ``code`` and ``message`` (verbatim), ``request_id`` (quote it to Alibaba
    Cloud support), ``http_status``, ``host_id``, ``recommend``, ``retryable``, ``kind``;
    ``diagnosis`` (a :class:`bidcert.Diagnosis`) for a ``SignatureDoesNotMatch`` answered to
    a call, and ``clock_offset`` (the server's clock minus ours, in seconds, read from its
    ``Date``) for a timestamp error answered to a call.
    """

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
        diagnosis: Optional[Diagnosis] = None,
        clock_offset: Optional[int] = None,
    ) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.http_status = http_status
        self.request_id = request_id
        self.host_id = host_id
        self.recommend = recommend
        self.retryable = retryable
        self.diagnosis = diagnosis
        self.clock_offset = clock_offset

    def __str__(self) -> str:
        s = f"{self.code}: {self.message} (HTTP {self.http_status}"
        if self.request_id is not None:
            s += f", RequestId {self.request_id}"
        s += ")"
        if self.diagnosis is not None:
            s += f"; diagnosis: {self.diagnosis}"
        if self.clock_offset is not None:
            s += f"; the server's clock is {self.clock_offset:+d} s from ours"
        return s


class EmptyPkError(ApiError, kind="empty_pk"):
    """``Empty PK``: the PK parameter was empty."""


class NotBidError(ApiError, kind="not_bid"):
    """``Not Bid``: the caller is not a reseller account."""


class BidMismatchError(ApiError, kind="bid_mismatch"):
    """``Bid Mismatch``: the customer does not belong to this reseller (or the BidType is
    not the reseller's)."""


class InvalidPkError(ApiError, kind="invalid_pk"):
    """``Invalid PK``: no account has this PK."""


class AlreadyCertifiedError(ApiError, kind="already_certified"):
    """``Already Certified``: the account is verified already; no link is issued."""


class ApiNotFoundError(ApiError, kind="api_not_found"):
    """``InvalidApi.NotFound``: the API has not been granted to this reseller."""


class AccessKeyNotFoundError(ApiError, kind="access_key_not_found"):
    """``InvalidAccessKeyId.NotFound``: the AccessKey id does not exist."""


class SignatureNonceUsedError(ApiError, kind="signature_nonce_used"):
    """``SignatureNonceUsed``: the nonce was seen in the last 15 minutes (a retry signs with
    a fresh one)."""


class SignatureMismatchError(ApiError, kind="signature_mismatch"):
    """``SignatureDoesNotMatch``: the server computed another signature.

    ``diagnosis`` (a :class:`bidcert.Diagnosis`, when the client raised it) names each
    parameter that differs between the server's string to sign and ours, or says the
    strings are identical (so the secret is wrong).
    """


class ThrottlingError(ApiError, kind="throttling"):
    """``Throttling``, ``Throttling.*``: flow control. A retry, later, can help."""


class TimestampError(ApiError, kind="timestamp"):
    """``InvalidTimeStamp.*``: the timestamp is malformed or too far from the server's clock.

    ``clock_offset`` is the server's clock minus ours (from its ``Date`` header), when known.
    The client corrects it by itself (one retry, then every later call); this error means the
    correction did not help or no attempt was left for it.
    """

    def __init__(
        self, code: str, message: str, *, clock_skew_seconds: Optional[int] = None, **fields: Any
    ) -> None:
        # ``fields``: ApiError's keywords. ``clock_skew_seconds`` is the old name of
        # ``clock_offset``, still accepted.
        if clock_skew_seconds is not None:
            fields.setdefault("clock_offset", clock_skew_seconds)
        super().__init__(code, message, **fields)

    @property
    def clock_skew_seconds(self) -> Optional[int]:
        """Deprecated: the old name of ``clock_offset``."""
        warnings.warn(
            "TimestampError.clock_skew_seconds is deprecated; use clock_offset",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.clock_offset


class ServiceUnavailableError(ApiError, kind="service_unavailable"):
    """``ServiceUnavailable``: a temporary failure of the server. A retry can help."""


class InternalServerError(ApiError, kind="internal_error"):
    """``InternalError``: the server failed. A retry can help."""


class MissingParameterError(ApiError, kind="missing_parameter"):
    """``Missing*``: a required parameter was not sent."""


class EventError(BidcertError, ValueError):
    """A FastAuthc message that is not to be acted on; ``kind`` says why."""


class OriginMismatchError(EventError, kind="origin_mismatch"):
    """The message came from another origin than the link's: ignore it."""

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(expected, actual)
        self.expected = expected
        self.actual = actual

    def __str__(self) -> str:
        return f"message from origin {self.actual!r}, expected {self.expected!r}: ignore it"


class MalformedEventError(EventError, kind="malformed"):
    """Not a ``{success, type, data}`` JSON object with a string ``type``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return f"not a FastAuthc message: {self.reason}"
