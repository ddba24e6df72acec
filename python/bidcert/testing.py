"""Test helpers: an emulator of both endpoints, in-process, on an ephemeral loopback port.

The emulator verifies every signature, rejects replayed nonces and stale timestamps, answers
every documented error with the real body shapes, and can inject faults. With pytest, the
``bidcert_emulator`` fixture (registered by this package's pytest plugin) gives one per test::

    def test_unverified_customer_gets_a_link(bidcert_emulator):
        with bidcert_emulator.client() as client:
            link = client.generate_cert_ways_url(bidcert_emulator.unverified_pk, "NORMAL")
        assert link.url.startswith(bidcert_emulator.url)

Without pytest::

    with Emulator() as emu:
        client = bidcert.Client(emu.credentials, endpoint=emu.url)
        ...

The demo fixture's ids, published test secrets and PKs are in :data:`DEMO` and on every
:class:`Emulator` (``emu.credentials``, ``emu.unverified_pk``, ...).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Dict, List, Mapping, Optional, Tuple, Type, Union

from bidcert import _native
from bidcert._async import AsyncClient
from bidcert._native import Client, Credentials, EmulatorHandle, demo_fixture_json, demo_values
from bidcert.exceptions import ValidationError

__all__ = ["DEMO", "Demo", "Emulator", "FAULT_KINDS", "demo_fixture"]

#: The fault kinds :meth:`Emulator.inject_fault` accepts, as the emulator names them.
FAULT_KINDS: Tuple[str, ...] = _native.FAULT_KINDS


@dataclass(frozen=True)
class Demo:
    """The demo fixture's well-known values. The secrets are published test values."""

    NORMAL_ACCESS_KEY_ID: str
    NORMAL_ACCESS_KEY_SECRET: str
    NORMAL_UID: str
    LIGHTWEIGHT_ACCESS_KEY_ID: str
    LIGHTWEIGHT_ACCESS_KEY_SECRET: str
    LIGHTWEIGHT_UID: str
    NO_AAS_ACCESS_KEY_ID: str
    NO_AAS_ACCESS_KEY_SECRET: str
    NO_AAS_UID: str
    ACCOUNT_ACCESS_KEY_ID: str
    ACCOUNT_ACCESS_KEY_SECRET: str
    ACCOUNT_UID: str
    UNVERIFIED_PK: str
    PERSONAL_PK: str
    ENTERPRISE_PK: str
    LIGHTWEIGHT_CUSTOMER_PK: str
    NO_AAS_CUSTOMER_PK: str
    UNKNOWN_PK: str
    ROLE_ARN: str
    EXTERNAL_ROLE_ARN: str
    EXTERNAL_ID: str
    CHAINED_ROLE_ARN: str
    ECS_ROLE_ARN: str
    ECS_ROLE_NAME: str
    OIDC_PROVIDER_ARN: str
    OIDC_TOKEN: str
    EXPIRED_OIDC_TOKEN: str


#: The demo fixture's values: ids, secrets and PKs for each documented case.
DEMO = Demo(**demo_values())


def demo_fixture() -> Dict[str, Any]:
    """The demo fixture as a dict, to copy and modify for a test of your own."""
    fixture: Dict[str, Any] = json.loads(demo_fixture_json())
    return fixture


FixtureSource = Union[Mapping[str, Any], str, "os.PathLike[str]", None]


def _fixture_json(fixture: FixtureSource) -> Optional[str]:
    if fixture is None:
        return None
    if isinstance(fixture, Mapping):
        return json.dumps(dict(fixture))
    if isinstance(fixture, (str, os.PathLike)):
        with open(fixture, encoding="utf-8") as f:
            return f.read()
    raise TypeError(
        f"fixture must be a dict, a file path or None, not {type(fixture).__name__}"
    )


class Emulator:
    """An emulator of the Crm and Aas endpoints, serving in this process on loopback.

    ``fixture`` is a dict or the path of a JSON file (schema in the emulator crate's README);
    by default the demo fixture. With ``tls``, it also serves HTTPS (:attr:`https_url`) with
    a certificate of a CA made at start (:attr:`ca_pem`, :attr:`ca_file`); with ``metadata``,
    the ECS instance metadata service and a credentials URI (:attr:`metadata_url`,
    :attr:`credentials_uri`), whose role's keys act as the NORMAL reseller. It starts at once
    and stops on :meth:`shutdown`, at the end of a ``with`` block, or when garbage-collected.
    """

    #: The demo values (meaningful with the demo fixture).
    demo: Demo = DEMO

    def __init__(
        self,
        fixture: FixtureSource = None,
        *,
        port: int = 0,
        tls: bool = False,
        metadata: bool = False,
        require_imdsv2: bool = False,
    ) -> None:
        self._handle = EmulatorHandle.start(
            _fixture_json(fixture), port, tls, metadata, require_imdsv2
        )
        self._ca_dir: Optional[tempfile.TemporaryDirectory[str]] = None
        #: ``http://127.0.0.1:PORT``: the endpoint for both products.
        self.url: str = self._handle.base_url
        #: The port it listens on.
        self.port: int = self._handle.port
        #: ``https://127.0.0.1:PORT`` (with ``tls``): the same endpoints over HTTPS.
        self.https_url: Optional[str] = self._handle.https_url
        #: The PEM of the CA that signed the HTTPS certificate (with ``tls``).
        self.ca_pem: Optional[str] = self._handle.ca_pem
        #: ``http://127.0.0.1:PORT`` of the metadata service (with ``metadata``): what
        #: ``Credentials.ecs_ram_role(endpoint=...)`` points at instead of 100.100.100.200.
        self.metadata_url: Optional[str] = self._handle.metadata_url
        #: The credentials URI (with ``metadata``), for ``Credentials.credentials_uri``.
        self.credentials_uri: Optional[str] = self._handle.credentials_uri
        #: The NORMAL reseller's id and secret (Aas granted): the happy paths.
        self.access_key_id: str = DEMO.NORMAL_ACCESS_KEY_ID
        self.access_key_secret: str = DEMO.NORMAL_ACCESS_KEY_SECRET
        #: Credentials of the demo resellers and of an account that is not a reseller.
        self.credentials = Credentials(DEMO.NORMAL_ACCESS_KEY_ID, DEMO.NORMAL_ACCESS_KEY_SECRET)
        self.lightweight_credentials = Credentials(
            DEMO.LIGHTWEIGHT_ACCESS_KEY_ID, DEMO.LIGHTWEIGHT_ACCESS_KEY_SECRET
        )
        self.no_aas_credentials = Credentials(
            DEMO.NO_AAS_ACCESS_KEY_ID, DEMO.NO_AAS_ACCESS_KEY_SECRET
        )
        self.account_credentials = Credentials(
            DEMO.ACCOUNT_ACCESS_KEY_ID, DEMO.ACCOUNT_ACCESS_KEY_SECRET
        )
        #: Demo customers: unverified, verified personal and enterprise, the LIGHTWEIGHT
        #: reseller's, the no-Aas reseller's, and a PK that exists nowhere.
        self.unverified_pk: str = DEMO.UNVERIFIED_PK
        self.personal_pk: str = DEMO.PERSONAL_PK
        self.enterprise_pk: str = DEMO.ENTERPRISE_PK
        self.lightweight_customer_pk: str = DEMO.LIGHTWEIGHT_CUSTOMER_PK
        self.no_aas_customer_pk: str = DEMO.NO_AAS_CUSTOMER_PK
        self.unknown_pk: str = DEMO.UNKNOWN_PK

    @property
    def ca_file(self) -> str:
        """A file holding :attr:`ca_pem`, for ``ca_file=`` (removed on :meth:`shutdown`)."""
        if self.ca_pem is None:
            raise ValidationError("ca_file", "the emulator was started without tls=True")
        if self._ca_dir is None:
            self._ca_dir = tempfile.TemporaryDirectory(prefix="bidcert-emulator-ca-")
            with open(os.path.join(self._ca_dir.name, "ca.pem"), "w", encoding="ascii") as f:
                f.write(self.ca_pem)
        return os.path.join(self._ca_dir.name, "ca.pem")

    def _options(self, https: bool, options: Dict[str, Any]) -> Dict[str, Any]:
        if https:
            if self.https_url is None:
                raise ValidationError("https", "the emulator was started without tls=True")
            options.setdefault("endpoint", self.https_url)
            options.setdefault("ca_file", self.ca_file)
        options.setdefault("endpoint", self.url)
        return options

    def client(
        self, credentials: Optional[Credentials] = None, *, https: bool = False, **options: Any
    ) -> Client:
        """A :class:`bidcert.Client` for this emulator (the NORMAL reseller's credentials by
        default; with ``https``, over HTTPS trusting the emulator's CA); ``options`` are
        :class:`bidcert.Client`'s keyword options."""
        return Client(
            credentials if credentials is not None else self.credentials,
            **self._options(https, options),
        )

    def async_client(
        self, credentials: Optional[Credentials] = None, *, https: bool = False, **options: Any
    ) -> AsyncClient:
        """A :class:`bidcert.AsyncClient` for this emulator, as :meth:`client` makes one."""
        return AsyncClient(
            credentials if credentials is not None else self.credentials,
            **self._options(https, options),
        )

    def tls_handshakes(self) -> int:
        """TLS handshakes completed since start or the last :meth:`reset`: one per HTTPS
        connection, so a client that reuses its connections makes few."""
        return self._handle.tls_handshakes()

    def metadata_requests(self) -> Dict[str, int]:
        """The requests the metadata port received, by kind: ``total``, ``tokens``,
        ``listings``, ``credentials``, ``credentials_uri``."""
        return self._handle.metadata_requests()

    def set_require_imdsv2(self, required: bool) -> None:
        """Whether the metadata service answers only requests with a session token."""
        self._handle.set_require_imdsv2(required)

    def sts_call_count(self, action: str) -> int:
        """STS requests received with ``action`` (``AssumeRole``, ``AssumeRoleWithOIDC``),
        whatever their outcome."""
        return self._handle.sts_call_count(action)

    def sts_credentials(self) -> List[Dict[str, Any]]:
        """The temporary keys issued so far (by STS and the metadata service), oldest first,
        without their secrets or tokens."""
        return self._handle.sts_credentials()

    def expire_sts_credentials(self) -> int:
        """Makes every temporary key issued so far expire now: requests signed with them are
        refused ``InvalidSecurityToken.Expired`` and the metadata service hands out fresh
        ones. Answers how many were still valid."""
        return self._handle.expire_sts_credentials()

    def verify_customer(self, pk: str) -> Dict[str, Any]:
        """Marks a customer verified, as if it had finished verification; returns its state.
        Raises ``KeyError`` for a PK in no fixture."""
        state: Dict[str, Any] = self._handle.verify_customer(pk)
        return state

    def customer(self, pk: str) -> Optional[Dict[str, Any]]:
        """A customer's current state (``pk``, ``owner``, ``verified``, ``certificate``), or
        ``None`` for an unknown PK."""
        state: Optional[Dict[str, Any]] = self._handle.customer(pk)
        return state

    def inject_fault(
        self,
        kind: str,
        count: Optional[int] = 1,
        action: Optional[str] = None,
        *,
        latency_ms: Optional[int] = None,
        retry_after_ms: Optional[int] = None,
    ) -> None:
        """Makes the next ``count`` API requests fail as ``kind`` (one of
        :data:`FAULT_KINDS`; ``latency`` needs ``latency_ms``; ``throttling`` takes the
        server's hint ``retry_after_ms``). With ``action``, only requests for that action
        count; ``count=None`` with an action applies to every such request until
        :meth:`clear_faults`."""
        if count is None and action is None:
            raise ValidationError("count", "may be None only together with an action")
        fault: Dict[str, Any] = {"kind": kind}
        for name, value in (
            ("next", count),
            ("action", action),
            ("latency_ms", latency_ms),
            ("retry_after_ms", retry_after_ms),
        ):
            if value is not None:
                fault[name] = value
        self.add_fault(fault)

    def add_fault(self, fault: Mapping[str, Any]) -> None:
        """Adds a fault in the admin API's JSON form, as ``POST /_emulator/faults`` takes it
        (``{"kind": "throttling", "retry_after_ms": 300, "next": 1}``)."""
        self._handle.inject_fault(json.dumps(dict(fault)))

    def clear_faults(self) -> None:
        """Removes every pending fault."""
        self._handle.clear_faults()

    def set_clock_offset(self, seconds: int) -> None:
        """Moves the emulator's clock ``seconds`` away from the system clock (negative: back),
        to provoke timestamp errors."""
        self._handle.set_clock_offset(seconds)

    @property
    def clock_offset(self) -> int:
        """The emulator's clock offset in seconds."""
        return self._handle.clock_offset

    def reset(self) -> None:
        """Back to the state at start: the fixture as given, clock offset 0, no nonces,
        faults, links or logged requests."""
        self._handle.reset()

    def requests(self) -> List[Dict[str, Any]]:
        """The API requests answered so far, oldest first: ``request_id``, ``at``, ``method``,
        ``action``, ``access_key_id``, ``nonce``, ``status``, ``code``, ``fault``."""
        records: List[Dict[str, Any]] = self._handle.requests()
        return records

    def clear_requests(self) -> None:
        """Forgets the logged requests."""
        self._handle.clear_requests()

    def fixture(self) -> Dict[str, Any]:
        """The fixture as it is now (customers verified since start included)."""
        fixture: Dict[str, Any] = json.loads(self._handle.fixture_json())
        return fixture

    @property
    def running(self) -> bool:
        """Whether it is still serving."""
        return self._handle.running

    def shutdown(self) -> None:
        """Stops serving and joins the emulator's threads. Idempotent."""
        self._handle.shutdown()
        if self._ca_dir is not None:
            self._ca_dir.cleanup()
            self._ca_dir = None

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.shutdown()

    def __repr__(self) -> str:
        return f"Emulator(url={self.url!r}, running={self.running})"
