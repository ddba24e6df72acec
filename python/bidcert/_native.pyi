"""Type stubs of the native module ``bidcert._native`` (pyo3). Import from ``bidcert``."""

import asyncio
import datetime
import os
from typing import (
    Any,
    Dict,
    Generic,
    Iterable,
    List,
    Literal,
    Mapping,
    Optional,
    Protocol,
    Sequence,
    Tuple,
    TypeVar,
    Union,
    final,
    overload,
)

from bidcert._enums import BidType, CertType, Platform, SubjectType
from bidcert.exceptions import BidcertError

__version__: str
#: The core's error kinds; ``bidcert.exceptions`` has one class for each.
ERROR_KINDS: Tuple[str, ...]
#: The ways a request can fail to cross the network, for ``Call.on_transport_error``.
TRANSPORT_KINDS: Tuple[str, ...]
#: The response headers ``Call.on_response`` reads (lower-case).
RESPONSE_HEADERS: Tuple[str, ...]
#: The emulator's fault kinds.
FAULT_KINDS: Tuple[str, ...]

_Params = Union[Mapping[str, str], Iterable[Tuple[str, str]]]
_BidTypeLike = Union[BidType, str]
_PlatformLike = Union[Platform, str]
_SubjectTypeLike = Union[SubjectType, str]
_TimestampLike = Union[datetime.datetime, str]
_Instant = Union[datetime.datetime, float]
_HeaderPair = Tuple[Union[str, bytes], Union[str, bytes]]

class _HeaderItems(Protocol):
    # dict, http.client.HTTPMessage, aiohttp's and httpx's headers: anything with items().
    def items(self) -> Iterable[_HeaderPair]: ...

_Headers = Union[_HeaderItems, Iterable[_HeaderPair]]
_T = TypeVar("_T")
_Body = Union[bytes, bytearray, memoryview, str]

@final
class Credentials:
    """What a client signs with: an AccessKey pair (with a security token when temporary), or
    a provider of them that refreshes temporary ones ahead of expiry. Never shows a secret."""

    def __new__(
        cls, access_key_id: str, access_key_secret: str, security_token: Optional[str] = None
    ) -> Credentials: ...
    @staticmethod
    def from_env() -> Credentials:
        """Reads ``ALIBABA_CLOUD_ACCESS_KEY_ID``/``_SECRET`` (and ``_SECURITY_TOKEN``) now."""
    @staticmethod
    def environment() -> Credentials:
        """The environment's keys, read when needed."""
    @staticmethod
    def oidc_role(
        *,
        role_arn: Optional[str] = None,
        oidc_provider_arn: Optional[str] = None,
        oidc_token_file: Union[str, os.PathLike[str], None] = None,
        role_session_name: Optional[str] = None,
        duration_seconds: Optional[int] = None,
        policy: Optional[str] = None,
        sts_endpoint: Optional[str] = None,
        sts_region: Optional[str] = None,
        sts_vpc: bool = False,
    ) -> Credentials:
        """A role assumed with an OIDC token (``AssumeRoleWithOIDC``)."""
    @staticmethod
    def cli_profile(
        profile: Optional[str] = None, *, path: Union[str, os.PathLike[str], None] = None
    ) -> Credentials:
        """A profile of the Alibaba Cloud CLI's ``~/.aliyun/config.json``."""
    @staticmethod
    def credentials_file(
        profile: Optional[str] = None, *, path: Union[str, os.PathLike[str], None] = None
    ) -> Credentials:
        """A profile of ``~/.alibabacloud/credentials``."""
    @staticmethod
    def ecs_ram_role(
        role_name: Optional[str] = None,
        *,
        endpoint: Optional[str] = None,
        imdsv1_disabled: Optional[bool] = None,
        connect_timeout: Optional[float] = None,
        read_timeout: Optional[float] = None,
    ) -> Credentials:
        """The ECS instance's RAM role, from the instance metadata service."""
    @staticmethod
    def credentials_uri(uri: Optional[str] = None, *, allow_insecure_http: bool = False) -> Credentials:
        """Temporary keys from a credentials URI."""
    @staticmethod
    def ram_role_arn(
        source: Credentials,
        role_arn: Optional[str] = None,
        *,
        role_session_name: Optional[str] = None,
        duration_seconds: Optional[int] = None,
        policy: Optional[str] = None,
        external_id: Optional[str] = None,
        sts_endpoint: Optional[str] = None,
        sts_region: Optional[str] = None,
        sts_vpc: bool = False,
    ) -> Credentials:
        """A RAM role assumed (``AssumeRole``) with ``source``'s credentials; roles chain."""
    @staticmethod
    def default_chain(profile: Optional[str] = None) -> Credentials:
        """The default chain, in the official order."""
    def resolve(self) -> ResolvedCredentials:
        """The credentials to sign with now (fetched or refreshed when due), without secrets."""
    @property
    def access_key_id(self) -> str:
        """The AccessKey id (of a provider: its current credentials')."""
    @property
    def is_temporary(self) -> bool:
        """Whether the credentials carry an STS security token."""
    @property
    def provider(self) -> str:
        """Which factory made them: ``static``, ``environment``, ``oidc_role``, ..."""

@final
class ResolvedCredentials:
    """Credentials as a provider resolved them, without their secret or token."""

    @property
    def access_key_id(self) -> str:
        """The AccessKey id."""
    @property
    def kind(self) -> str:
        """``static``, ``sts``, ``ecs_ram_role``, ``ram_role_arn``, ``oidc_role_arn``, ``credentials_uri``."""
    @property
    def source(self) -> str:
        """The source that gave them (``environment``, ``ecs_metadata``, ...)."""
    @property
    def detail(self) -> str:
        """Which file and profile, role or address."""
    @property
    def expiration(self) -> Optional[str]:
        """When they expire (``YYYY-MM-DDThh:mm:ssZ``), or ``None``."""
    @property
    def is_temporary(self) -> bool:
        """Whether they carry a security token."""

@final
class Completions:
    """The finished calls of one event loop (``bidcert.AsyncClient``'s bridge)."""

    def __new__(cls, event_loop: asyncio.AbstractEventLoop) -> Completions: ...
    def fileno(self) -> int:
        """The descriptor the loop watches."""
    def drain(self) -> None:
        """Sets every finished call's result."""

@final
class QueryCertifiedInfo:
    """``QueryBidUserCertifiedInfo`` (Crm 2015-04-08)."""

    def __new__(cls, pk: str, bid_type: _BidTypeLike) -> QueryCertifiedInfo: ...
    @property
    def pk(self) -> str:
        """The customer's account id."""
    @property
    def bid_type(self) -> BidType:
        """The reseller's type."""
    @property
    def action(self) -> str:
        """``QueryBidUserCertifiedInfo``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class GenerateCertWaysUrl:
    """``GenerateAliyunBidCertWaysUrl`` (Aas 2015-07-01)."""

    def __new__(
        cls,
        aliyun_pk: str,
        bid_type: _BidTypeLike,
        *,
        platform: Optional[_PlatformLike] = None,
        subject_type: Optional[_SubjectTypeLike] = None,
        is_open_app: bool = False,
        is_mobile: bool = False,
    ) -> GenerateCertWaysUrl: ...
    @property
    def aliyun_pk(self) -> str:
        """The customer's account id."""
    @property
    def bid_type(self) -> BidType:
        """The reseller's type."""
    @property
    def platform(self) -> Platform:
        """Where the link will be opened."""
    @property
    def subject_type(self) -> SubjectType:
        """Which verifications the link allows."""
    @property
    def is_open_app(self) -> bool:
        """Whether the Alipay app is woken."""
    @property
    def is_mobile(self) -> bool:
        """Whether the mobile layout is used."""
    @property
    def action(self) -> str:
        """``GenerateAliyunBidCertWaysUrl``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class RpcCall:
    """Any other RPC action; ``product`` is ``crm``, ``aas`` or an endpoint URL."""

    def __new__(
        cls,
        product: str,
        action: str,
        version: str,
        params: Optional[_Params] = None,
        *,
        method: str = "POST",
    ) -> RpcCall: ...
    @property
    def product(self) -> str:
        """``crm``, ``aas`` or the endpoint URL."""
    @property
    def action(self) -> str:
        """The ``Action`` parameter."""
    @property
    def version(self) -> str:
        """The ``Version`` parameter."""
    @property
    def method(self) -> str:
        """``GET`` or ``POST``."""
    @property
    def params(self) -> Tuple[Tuple[str, str], ...]:
        """The operation's own parameters, in the order given."""

_Operation = Union[QueryCertifiedInfo, GenerateCertWaysUrl, RpcCall]

@final
class SignedRequest:
    """A signed request: send ``method`` to ``url`` with ``headers`` and ``body``."""

    @property
    def method(self) -> str:
        """``GET`` or ``POST``."""
    @property
    def url(self) -> str:
        """The full URL, ``Signature`` included."""
    @property
    def headers(self) -> Dict[str, str]:
        """Headers to send."""
    @property
    def body(self) -> bytes:
        """The body (empty)."""
    @property
    def string_to_sign(self) -> str:
        """The string that was signed."""
    @property
    def canonicalized_query(self) -> str:
        """The canonicalized query string."""
    @property
    def signature(self) -> str:
        """The ``Signature`` parameter."""
    @property
    def timestamp(self) -> datetime.datetime:
        """When it was signed (aware, UTC)."""
    @property
    def redacted_url(self) -> str:
        """The URL with ``Signature`` and ``SecurityToken`` redacted."""

@final
class Signer:
    """Signs operations with one set of credentials; sends nothing."""

    def __new__(
        cls,
        credentials: Credentials,
        *,
        crm_endpoint: Optional[str] = None,
        aas_endpoint: Optional[str] = None,
    ) -> Signer: ...
    def sign(
        self,
        op: _Operation,
        *,
        timestamp: Optional[_TimestampLike] = None,
        nonce: Optional[str] = None,
    ) -> SignedRequest:
        """Signs ``op`` at ``timestamp`` (default now) with ``nonce`` (default a UUID v4)."""
    @property
    def access_key_id(self) -> str:
        """The AccessKey id it signs with."""
    @property
    def crm_endpoint(self) -> str:
        """Where Crm requests go."""
    @property
    def aas_endpoint(self) -> str:
        """Where Aas requests go."""

@final
class CertifiedInfo:
    """A customer's verification state; ``repr`` masks personal data."""

    @property
    def request_id(self) -> Optional[str]:
        """The server's request id."""
    @property
    def aliyun_pk(self) -> Optional[str]:
        """The customer's account id as reported."""
    @property
    def is_certified(self) -> bool:
        """Whether the account has passed identity verification."""
    @property
    def account_cert_type(self) -> Optional[str]:
        """``personal``, ``enterprise`` or another value verbatim."""
    @property
    def name(self) -> Optional[str]:
        """The verified name (personal data)."""
    @property
    def phone(self) -> Optional[str]:
        """The phone number (personal data)."""
    @property
    def cert_type(self) -> Optional[Union[CertType, str]]:
        """A ``CertType``, or the raw code of an undocumented one."""
    @property
    def cert_type_code(self) -> Optional[str]:
        """The certificate type's wire code."""
    @property
    def cert_number(self) -> Optional[str]:
        """The certificate number (personal data)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class CertWaysUrl:
    """A verification link and when it expires."""

    @property
    def url(self) -> str:
        """The link."""
    @property
    def request_id(self) -> Optional[str]:
        """The server's request id."""
    @property
    def issued_at(self) -> datetime.datetime:
        """When it was issued (aware, UTC)."""
    @property
    def expires_at(self) -> datetime.datetime:
        """When it stops working (aware, UTC)."""
    @property
    def origin(self) -> str:
        """The link's origin."""
    def is_expired(self, now: Optional[_TimestampLike] = None) -> bool:
        """Whether it has expired at ``now`` (default: the current time)."""

@final
class FastAuthEvent:
    """A parsed FastAuthc ``postMessage`` event."""

    @property
    def type(self) -> str:
        """The short type, or ``unknown``."""
    @property
    def unknown_type(self) -> Optional[str]:
        """The type as sent, for an unknown one."""
    @property
    def success(self) -> bool:
        """The message's ``success`` flag."""
    @property
    def reason(self) -> Optional[str]:
        """``data.reason`` of a ``fail`` event."""
    @property
    def ends_flow(self) -> bool:
        """Whether the flow is over."""
    @property
    def data(self) -> Any:
        """The message's ``data``, decoded."""

@final
class Difference:
    """One way the server's string to sign differs from ours."""

    @property
    def kind(self) -> str:
        """``method``, ``missing``, ``extra``, ``different`` or ``encoding``."""
    @property
    def name(self) -> Optional[str]:
        """The parameter's name."""
    @property
    def ours(self) -> Optional[str]:
        """Our value."""
    @property
    def server(self) -> Optional[str]:
        """The server's value."""

@final
class Diagnosis:
    """How the server's string to sign differs from ours."""

    @property
    def server_string_found(self) -> bool:
        """Whether the message carried the server's string to sign."""
    @property
    def server_string_to_sign(self) -> Optional[str]:
        """The server's string to sign."""
    @property
    def identical(self) -> bool:
        """Whether both strings are equal (the secret is wrong)."""
    @property
    def differences(self) -> Tuple[Difference, ...]:
        """Each difference, the method first, then by name."""

@final
class Policy:
    """How a call retries and how long it may take; every default is the core's."""

    def __new__(
        cls,
        *,
        max_attempts: Optional[int] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        budget: Optional[float] = None,
        base_delay: Optional[float] = None,
        max_delay: Optional[float] = None,
        max_body_bytes: Optional[int] = None,
        user_agent_suffix: Optional[str] = None,
        signature_version: Optional[Literal["v1", "v3"]] = None,
    ) -> Policy: ...
    @property
    def max_attempts(self) -> int:
        """Attempts in all, the first included."""
    @property
    def timeout(self) -> float:
        """Seconds one attempt may take."""
    @property
    def connect_timeout(self) -> float:
        """Seconds one attempt may take to connect."""
    @property
    def budget(self) -> float:
        """Seconds a whole call may take, retries included."""
    @property
    def base_delay(self) -> float:
        """Seconds before the first retry (doubling, with jitter)."""
    @property
    def max_delay(self) -> float:
        """The longest backoff in seconds."""
    @property
    def max_body_bytes(self) -> int:
        """The largest response body accepted."""
    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` sent."""
    @property
    def signature_version(self) -> Literal["v1", "v3"]:
        """The signature scheme: ``"v1"`` (the default) or ``"v3"``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Client:
    """A client for both operations and any other RPC action; thread-safe. Policy keywords
    left at ``None`` keep ``policy``'s value (default: the core's ``Policy()``)."""

    def __new__(
        cls,
        credentials: Optional[Credentials] = None,
        *,
        endpoint: Optional[str] = None,
        crm_endpoint: Optional[str] = None,
        aas_endpoint: Optional[str] = None,
        policy: Optional[Policy] = None,
        max_attempts: Optional[int] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        budget: Optional[float] = None,
        base_delay: Optional[float] = None,
        max_delay: Optional[float] = None,
        max_body_bytes: Optional[int] = None,
        user_agent_suffix: Optional[str] = None,
        signature_version: Optional[Literal["v1", "v3"]] = None,
        proxy: Optional[str] = None,
        ca_file: Union[str, os.PathLike[str], None] = None,
        allow_insecure_http: bool = False,
        resolve: Optional[Mapping[str, str]] = None,
    ) -> Client: ...
    @classmethod
    def from_env(cls, **options: Any) -> Client:
        """A client with ``Credentials.from_env()`` and these keyword options."""
    @overload
    def query_certified_info(self, pk: QueryCertifiedInfo, bid_type: None = None) -> CertifiedInfo: ...
    @overload
    def query_certified_info(self, pk: str, bid_type: _BidTypeLike) -> CertifiedInfo: ...
    @overload
    def generate_cert_ways_url(
        self, aliyun_pk: GenerateCertWaysUrl, bid_type: None = None
    ) -> CertWaysUrl: ...
    @overload
    def generate_cert_ways_url(
        self,
        aliyun_pk: str,
        bid_type: _BidTypeLike,
        *,
        platform: Optional[_PlatformLike] = None,
        subject_type: Optional[_SubjectTypeLike] = None,
        is_open_app: bool = False,
        is_mobile: bool = False,
    ) -> CertWaysUrl: ...
    def call(self, rpc_call: RpcCall) -> Dict[str, Any]:
        """Any other RPC action; the response's JSON object."""
    def _async_query_certified_info(
        self,
        completions: Completions,
        pk: Union[str, QueryCertifiedInfo],
        bid_type: Optional[_BidTypeLike] = None,
    ) -> asyncio.Future[CertifiedInfo]: ...
    def _async_generate_cert_ways_url(
        self,
        completions: Completions,
        aliyun_pk: Union[str, GenerateCertWaysUrl],
        bid_type: Optional[_BidTypeLike] = None,
        *,
        platform: Optional[_PlatformLike] = None,
        subject_type: Optional[_SubjectTypeLike] = None,
        is_open_app: bool = False,
        is_mobile: bool = False,
    ) -> asyncio.Future[CertWaysUrl]: ...
    def _async_call(
        self, completions: Completions, rpc_call: RpcCall
    ) -> asyncio.Future[Dict[str, Any]]: ...
    def set_credentials(self, credentials: Credentials) -> None:
        """Replaces the credentials for later calls."""
    @property
    def access_key_id(self) -> str:
        """The AccessKey id in use."""
    @property
    def name_lookups(self) -> int:
        """System name lookups made so far: at most one per host per cache interval."""
    @property
    def crm_endpoint(self) -> str:
        """Where Crm requests go."""
    @property
    def aas_endpoint(self) -> str:
        """Where Aas requests go."""
    @property
    def policy(self) -> Policy:
        """The policy every call follows."""
    @property
    def clock_offset(self) -> int:
        """The server's clock minus ours, in seconds, as learned (0 until a skew is seen)."""
    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
    def close(self) -> None:
        """Closes the connection pool. Idempotent."""
    def __enter__(self) -> Client: ...
    def __exit__(self, *_args: object) -> None: ...

@final
class Attempt:
    """One attempt to send, with the limits to apply."""

    @property
    def number(self) -> int:
        """1 for the first attempt, 2 for the first retry, ..."""
    @property
    def method(self) -> str:
        """``GET`` or ``POST``."""
    @property
    def url(self) -> str:
        """The URL, query and signature included."""
    @property
    def headers(self) -> Dict[str, str]:
        """Every header to send."""
    @property
    def body(self) -> bytes:
        """The body to send."""
    @property
    def timeout(self) -> float:
        """Seconds the whole attempt may take."""
    @property
    def connect_timeout(self) -> float:
        """Seconds connecting may take."""
    @property
    def max_body_bytes(self) -> int:
        """The largest body the call accepts."""
    @property
    def request(self) -> SignedRequest:
        """The signed request."""

@final
class Done(Generic[_T]):
    """The call succeeded."""

    @property
    def value(self) -> _T:
        """The result."""

@final
class Retry:
    """Wait ``after`` seconds, then ask for the next attempt."""

    @property
    def after(self) -> float:
        """Seconds to wait."""
    @property
    def cause(self) -> BidcertError:
        """Why the attempt failed (not raised)."""

@final
class Fail:
    """The call failed; no attempt can help."""

    @property
    def error(self) -> BidcertError:
        """The call's error (not raised)."""

@final
class Call(Generic[_T]):
    """One API call as the core's engine runs it, for a driver with its own HTTP stack."""

    @overload
    def __new__(
        cls,
        operation: QueryCertifiedInfo,
        signer: Union[Signer, Credentials],
        *,
        policy: Optional[Policy] = None,
        clock_offset: int = 0,
    ) -> Call[CertifiedInfo]: ...
    @overload
    def __new__(
        cls,
        operation: GenerateCertWaysUrl,
        signer: Union[Signer, Credentials],
        *,
        policy: Optional[Policy] = None,
        clock_offset: int = 0,
    ) -> Call[CertWaysUrl]: ...
    @overload
    def __new__(
        cls,
        operation: RpcCall,
        signer: Union[Signer, Credentials],
        *,
        policy: Optional[Policy] = None,
        clock_offset: int = 0,
    ) -> Call[Dict[str, Any]]: ...
    def next_request(self, now: Optional[_Instant] = None, nonce: Optional[str] = None) -> Attempt:
        """The next attempt, signed at ``now`` with ``nonce`` (defaults: clock, random)."""
    def on_response(
        self,
        status: int,
        headers: _Headers,
        body: _Body,
        now: Optional[_Instant] = None,
        jitter: Optional[float] = None,
    ) -> Union[Done[_T], Retry, Fail]:
        """Feeds the response to the attempt in flight."""
    def on_transport_error(
        self,
        kind: str,
        message: str,
        now: Optional[_Instant] = None,
        jitter: Optional[float] = None,
    ) -> Union[Done[_T], Retry, Fail]:
        """Feeds a transport failure (one of ``TRANSPORT_KINDS``) of the attempt in flight."""
    @property
    def attempts(self) -> int:
        """Attempts handed out so far."""
    @property
    def clock_offset(self) -> int:
        """The clock offset in use; start the next call with it."""
    @property
    def finished(self) -> bool:
        """Whether the call has come to its decision."""
    @property
    def policy(self) -> Policy:
        """The policy it follows."""

@final
class EmulatorHandle:
    """A running emulator; use ``bidcert.testing.Emulator``."""

    @staticmethod
    def start(
        fixture_json: Optional[str] = None,
        port: int = 0,
        tls: bool = False,
        metadata: bool = False,
        require_imdsv2: bool = False,
    ) -> EmulatorHandle:
        """Starts an emulator on loopback."""
    @property
    def https_url(self) -> Optional[str]:
        """``https://127.0.0.1:PORT`` when started with ``tls``."""
    @property
    def ca_pem(self) -> Optional[str]:
        """The PEM of the CA of its HTTPS certificate, when started with ``tls``."""
    @property
    def metadata_url(self) -> Optional[str]:
        """The metadata service's URL, when started with ``metadata``."""
    @property
    def credentials_uri(self) -> Optional[str]:
        """The credentials URI, when started with ``metadata``."""
    def tls_handshakes(self) -> int:
        """TLS handshakes completed since start or the last reset."""
    def metadata_requests(self) -> Dict[str, int]:
        """The metadata port's requests, by kind."""
    def set_require_imdsv2(self, required: bool) -> None:
        """Whether the metadata service answers only requests with a session token."""
    def sts_call_count(self, action: str) -> int:
        """STS requests received with ``action``."""
    def sts_credentials(self) -> List[Dict[str, Any]]:
        """The temporary keys issued so far, without secrets or tokens."""
    def expire_sts_credentials(self) -> int:
        """Makes every temporary key issued so far expire now."""
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
    @property
    def port(self) -> int:
        """The port."""
    @property
    def running(self) -> bool:
        """Whether it is still serving."""
    @property
    def clock_offset(self) -> int:
        """The clock offset in seconds."""
    def shutdown(self) -> None:
        """Stops serving. Idempotent."""
    def reset(self) -> None:
        """Back to the state at start."""
    def set_clock_offset(self, seconds: int) -> None:
        """Moves the emulator's clock."""
    def verify_customer(self, pk: str) -> Dict[str, Any]:
        """Marks a customer verified."""
    def customer(self, pk: str) -> Optional[Dict[str, Any]]:
        """A customer's state."""
    def inject_fault(self, fault_json: str) -> None:
        """Adds a fault given in the admin API's JSON form."""
    def clear_faults(self) -> None:
        """Removes every fault."""
    def requests(self) -> List[Dict[str, Any]]:
        """The API requests answered so far."""
    def clear_requests(self) -> None:
        """Forgets the logged requests."""
    def fixture_json(self) -> str:
        """The fixture as JSON."""

def percent_encode(s: str) -> str:
    """Percent-encodes as the RPC signature requires."""

def canonicalized_query(params: _Params) -> str:
    """The canonicalized query string."""

def string_to_sign(method: str, params: _Params) -> str:
    """``METHOD&%2F&`` + percentEncode(canonicalized query)."""

def signature(method: str, params: _Params, access_key_secret: str) -> str:
    """Base64(HMAC-SHA1(secret + ``&``, string to sign))."""

def parse_certified_info(status: int, body: _Body) -> CertifiedInfo:
    """Parses a ``QueryBidUserCertifiedInfo`` response."""

def parse_cert_ways_url(
    status: int, body: _Body, issued_at: Optional[_TimestampLike] = None
) -> CertWaysUrl:
    """Parses a ``GenerateAliyunBidCertWaysUrl`` response."""

def parse_fast_auth_event(
    data: Union[str, Mapping[str, Any]],
    origin: Optional[str] = None,
    expected_origin: Optional[str] = None,
) -> FastAuthEvent:
    """Parses a FastAuthc ``postMessage`` payload."""

def diagnose_signature_mismatch(server_message: str, string_to_sign: str) -> Diagnosis:
    """Explains a ``SignatureDoesNotMatch``."""

def v3_canonical_request(
    method: str, canonical_uri: str, query: _Params, headers: _Params, hashed_payload: str
) -> str:
    """The signature V3 (ACS3-HMAC-SHA256) canonical request."""

def v3_string_to_sign(canonical_request: str) -> str:
    """``ACS3-HMAC-SHA256\\n`` + hex SHA-256 of the canonical request."""

def v3_authorization(canonical_request: str, access_key_id: str, access_key_secret: str) -> str:
    """The V3 ``Authorization`` header value."""

def v3_diagnose_signature_mismatch(server_message: str, canonical_request: str) -> Diagnosis:
    """Explains a V3 ``SignatureDoesNotMatch``."""

def mask(s: str) -> str:
    """``s`` masked for display."""

def refresh_logging() -> None:
    """Forgets cached Python logger levels."""

def cli_main(argv: Sequence[str]) -> int:
    """Runs the ``bidcert`` command."""

def demo_values() -> Dict[str, str]:
    """The demo fixture's well-known values."""

def demo_fixture_json() -> str:
    """The demo fixture as JSON."""

def _after_fork() -> None:
    """Called in a child process after ``fork()``: it makes its own runtimes and pools."""
