"""``bidcert.AsyncClient``: the calls of :class:`bidcert.Client` as coroutines, for asyncio.

Both clients run their calls on one Rust runtime per process, over the same call engine
(retries, backoff, clock-skew correction, error kinds). The runtime never takes the GIL: a
finished call is queued on its event loop's completions and one byte on a socket pair wakes
the loop (``loop.add_reader``), which then sets every finished call's result. Cancelling the
awaiting task (``asyncio.wait_for`` included) aborts the call's attempt in flight: its
connection is closed and nothing more is sent.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from types import TracebackType
from typing import Any, Dict, Literal, Mapping, Optional, Type, Union, overload

from bidcert._enums import BidType, Platform, SubjectType
from bidcert._native import (
    CertifiedInfo,
    CertWaysUrl,
    Client,
    Completions,
    Credentials,
    GenerateCertWaysUrl,
    Policy,
    QueryCertifiedInfo,
    RpcCall,
)

__all__ = ["AsyncClient"]

_BidTypeLike = Union[BidType, str]
_PlatformLike = Union[Platform, str]
_SubjectTypeLike = Union[SubjectType, str]

# One queue of finished calls per event loop, dropped with the loop.
_completions: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Completions]" = (
    weakref.WeakKeyDictionary()
)


def _loop_completions() -> Completions:
    loop = asyncio.get_running_loop()
    completions = _completions.get(loop)
    if completions is None:
        completions = Completions(loop)
        loop.add_reader(completions.fileno(), completions.drain)
        _completions[loop] = completions
    return completions


class AsyncClient:
    """A client for both operations and any other RPC action, whose calls are coroutines.

    The same constructor as :class:`bidcert.Client`: credentials (by default the default
    chain, :meth:`Credentials.default_chain`), endpoints, :class:`Policy` and its keyword
    overrides, proxy, ``ca_file``. One client serves any number of concurrent calls, from any
    number of event loops (each in its own thread), over one connection pool::

        async with bidcert.AsyncClient(creds, endpoint=url) as client:
            info = await client.query_certified_info(pk, bidcert.BidType.NORMAL)
    """

    __slots__ = ("_client",)

    def __init__(
        self,
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
        ca_file: Union[str, "os.PathLike[str]", None] = None,
        allow_insecure_http: bool = False,
        resolve: Optional[Mapping[str, str]] = None,
    ) -> None:
        self._client = Client(
            credentials,
            endpoint=endpoint,
            crm_endpoint=crm_endpoint,
            aas_endpoint=aas_endpoint,
            policy=policy,
            max_attempts=max_attempts,
            timeout=timeout,
            connect_timeout=connect_timeout,
            budget=budget,
            base_delay=base_delay,
            max_delay=max_delay,
            max_body_bytes=max_body_bytes,
            user_agent_suffix=user_agent_suffix,
            signature_version=signature_version,
            proxy=proxy,
            ca_file=ca_file,
            allow_insecure_http=allow_insecure_http,
            resolve=resolve,
        )

    @classmethod
    def from_env(cls, **options: Any) -> "AsyncClient":
        """A client with ``Credentials.from_env()`` and these keyword options."""
        return cls(Credentials.from_env(), **options)

    @overload
    async def query_certified_info(
        self, pk: QueryCertifiedInfo, bid_type: None = None
    ) -> CertifiedInfo: ...
    @overload
    async def query_certified_info(self, pk: str, bid_type: _BidTypeLike) -> CertifiedInfo: ...
    async def query_certified_info(
        self, pk: Union[str, QueryCertifiedInfo], bid_type: Optional[_BidTypeLike] = None
    ) -> CertifiedInfo:
        """``QueryBidUserCertifiedInfo``: whether a customer has passed identity verification."""
        info: CertifiedInfo = await self._client._async_query_certified_info(
            _loop_completions(), pk, bid_type
        )
        return info

    @overload
    async def generate_cert_ways_url(
        self, aliyun_pk: GenerateCertWaysUrl, bid_type: None = None
    ) -> CertWaysUrl: ...
    @overload
    async def generate_cert_ways_url(
        self,
        aliyun_pk: str,
        bid_type: _BidTypeLike,
        *,
        platform: Optional[_PlatformLike] = None,
        subject_type: Optional[_SubjectTypeLike] = None,
        is_open_app: bool = False,
        is_mobile: bool = False,
    ) -> CertWaysUrl: ...
    async def generate_cert_ways_url(
        self,
        aliyun_pk: Union[str, GenerateCertWaysUrl],
        bid_type: Optional[_BidTypeLike] = None,
        *,
        platform: Optional[_PlatformLike] = None,
        subject_type: Optional[_SubjectTypeLike] = None,
        is_open_app: bool = False,
        is_mobile: bool = False,
    ) -> CertWaysUrl:
        """``GenerateAliyunBidCertWaysUrl``: a one-time link, valid 3 hours, for the customer."""
        link: CertWaysUrl = await self._client._async_generate_cert_ways_url(
            _loop_completions(),
            aliyun_pk,
            bid_type,
            platform=platform,
            subject_type=subject_type,
            is_open_app=is_open_app,
            is_mobile=is_mobile,
        )
        return link

    async def call(self, rpc_call: RpcCall) -> Dict[str, Any]:
        """Any other RPC action; the response's JSON object."""
        value: Dict[str, Any] = await self._client._async_call(_loop_completions(), rpc_call)
        return value

    def set_credentials(self, credentials: Credentials) -> None:
        """Replaces the credentials for later calls."""
        self._client.set_credentials(credentials)

    @property
    def access_key_id(self) -> str:
        """The AccessKey id in use."""
        return self._client.access_key_id

    @property
    def crm_endpoint(self) -> str:
        """Where Crm requests go."""
        return self._client.crm_endpoint

    @property
    def aas_endpoint(self) -> str:
        """Where Aas requests go."""
        return self._client.aas_endpoint

    @property
    def policy(self) -> Policy:
        """The policy every call follows."""
        return self._client.policy

    @property
    def clock_offset(self) -> int:
        """The server's clock minus ours, in seconds, as learned (0 until a skew is seen)."""
        return self._client.clock_offset

    @property
    def name_lookups(self) -> int:
        """System name lookups made so far: at most one per host per cache interval."""
        return self._client.name_lookups

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._client.closed

    def close(self) -> None:
        """Closes the connection pool; later calls raise ``ValidationError``. Idempotent."""
        self._client.close()

    async def aclose(self) -> None:
        """``close()``, for ``contextlib.aclosing`` and the like."""
        self.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return "Async" + repr(self._client)
