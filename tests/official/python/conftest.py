"""The emulator for the official SDKs: the ``bidcert-emulator`` binary (``BIDCERT_EMULATOR``)
started once with ``--tls --ca-out``, reset before every test, and each test run over HTTP and
over HTTPS with the emulator's CA."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

# The demo fixture's NORMAL reseller and customers (bidcert_emulator::demo).
KEY_ID = "LTAI5tBidcertDemoNormal"
KEY_SECRET = "BidcertDemoNormalSecretNotReal"
ACCOUNT_KEY_ID = "LTAI5tBidcertDemoAccount"
ACCOUNT_KEY_SECRET = "BidcertDemoAccountSecretNotRea"
ROLE_ARN = "acs:ram::1900000000000001:role/bidcert-demo-reseller"
UNVERIFIED_PK = "1000000000000001"
VERIFIED_PK = "1000000000000002"
OTHER_RESELLERS_PK = "1000000000000004"


@dataclass
class Running:
    """The emulator process: its two endpoints and its CA file."""

    http_url: str
    https_url: str
    ca_file: str

    def admin(self, method: str, path: str) -> Any:
        req = urllib.request.Request(f"{self.http_url}/_emulator/{path}", method=method)
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read())

    def requests(self) -> list[dict[str, Any]]:
        return list(self.admin("GET", "requests"))


@dataclass
class Endpoint:
    """One of the emulator's endpoints, as an SDK is pointed at it."""

    scheme: str  # "http" or "https"
    host: str  # "127.0.0.1:PORT"
    ca_file: str | None  # the CA to trust, for HTTPS
    emulator: Running

    def logged(self) -> list[dict[str, Any]]:
        """The requests logged so far; asserts each came over this scheme."""
        log = self.emulator.requests()
        assert log, "no request reached the emulator"
        for r in log:
            assert r["tls"] == (self.scheme == "https"), r
        return log


@pytest.fixture(scope="session")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    binary = os.environ.get("BIDCERT_EMULATOR")
    if not binary:
        pytest.fail("BIDCERT_EMULATOR must name the bidcert-emulator binary (make official-test sets it)")
    ca = Path(tmp_path_factory.mktemp("emulator")) / "ca.pem"
    proc = subprocess.Popen(
        [binary, "--tls", "--ca-out", str(ca)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = json.loads(proc.stdout.readline())
        yield Running(http_url=first["http_url"], https_url=first["url"], ca_file=str(ca))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


def _endpoint(running: Running, scheme: str) -> Endpoint:
    running.admin("POST", "reset")
    url = running.http_url if scheme == "http" else running.https_url
    return Endpoint(
        scheme=scheme,
        host=url.split("://", 1)[1],
        ca_file=running.ca_file if scheme == "https" else None,
        emulator=running,
    )


@pytest.fixture(params=["http", "https"])
def endpoint(request: pytest.FixtureRequest, running: Running) -> Endpoint:
    """The emulator, reset, over HTTP and then over HTTPS."""
    return _endpoint(running, request.param)


@pytest.fixture
def https_endpoint(running: Running) -> Endpoint:
    """The emulator, reset, over HTTPS only."""
    return _endpoint(running, "https")
