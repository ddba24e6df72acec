"""bidcert.testing: the Emulator context manager, its admin helpers and the pytest plugin."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, Tuple

import pytest

import bidcert
from bidcert.exchange import Attempt, Call, Retry
from bidcert.testing import DEMO, FAULT_KINDS, Emulator, demo_fixture


def _signer(emu: Emulator) -> bidcert.Signer:
    return bidcert.Signer(emu.credentials, crm_endpoint=emu.url, aas_endpoint=emu.url)


def _send(attempt: Attempt) -> Tuple[int, Dict[str, str], bytes]:
    req = urllib.request.Request(attempt.url, data=attempt.body, method=attempt.method, headers=attempt.headers)
    try:
        with urllib.request.urlopen(req, timeout=attempt.timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()

MINE = {
    "resellers": [
        {
            "access_key_id": "LTAI5tMine",
            "access_key_secret": "mine-secret",
            "uid": "1900000000000009",
            "bid_type": "NORMAL",
            "aas_granted": True,
        }
    ],
    "customers": [{"pk": "1000000000000009", "owner": "1900000000000009"}],
}


def test_emulator_from_a_dict_on_an_ephemeral_port() -> None:
    with Emulator(MINE) as emu:
        assert emu.url.startswith("http://127.0.0.1:") and emu.port > 0
        creds = bidcert.Credentials("LTAI5tMine", "mine-secret")
        with emu.client(creds) as client:
            assert not client.query_certified_info("1000000000000009", "NORMAL").is_certified
        assert emu.fixture()["customers"][0]["pk"] == "1000000000000009"
    assert not emu.running
    emu.shutdown()  # idempotent


def test_emulator_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(MINE), encoding="utf-8")
    for source in (path, str(path)):
        with Emulator(source) as emu:
            assert emu.customer("1000000000000009") == {
                "pk": "1000000000000009",
                "owner": "1900000000000009",
                "verified": False,
                "certificate": None,
            }


def test_bad_fixtures_are_refused() -> None:
    with pytest.raises(bidcert.ValidationError):
        Emulator({"resellers": "nope"})
    with pytest.raises(bidcert.ValidationError):
        Emulator({"customers": [{"pk": "1", "owner": "nobody"}]})
    with pytest.raises(TypeError):
        Emulator(42)  # type: ignore[arg-type]


def test_demo_values_and_fixture() -> None:
    fixture = demo_fixture()
    ids = {r["access_key_id"] for r in fixture["resellers"]}
    assert DEMO.NORMAL_ACCESS_KEY_ID in ids and DEMO.LIGHTWEIGHT_ACCESS_KEY_ID in ids


def test_admin_helpers(bidcert_emulator: Emulator) -> None:
    emu = bidcert_emulator
    assert emu.customer(emu.unverified_pk)["verified"] is False  # type: ignore[index]
    emu.verify_customer(emu.unverified_pk)
    assert emu.customer(emu.unverified_pk)["verified"] is True  # type: ignore[index]
    with pytest.raises(KeyError):
        emu.verify_customer("999")
    assert emu.customer("999") is None
    emu.set_clock_offset(-30)
    assert emu.clock_offset == -30
    emu.inject_fault("throttling", count=None, action="GenerateAliyunBidCertWaysUrl")
    with emu.client(max_attempts=1) as client:
        assert client.query_certified_info(emu.personal_pk, "NORMAL").is_certified
        for _ in range(2):
            with pytest.raises(bidcert.ThrottlingError):
                client.generate_cert_ways_url(emu.no_aas_customer_pk, "NORMAL")
        emu.clear_faults()
        with pytest.raises(bidcert.BidMismatchError):
            client.generate_cert_ways_url(emu.no_aas_customer_pk, "NORMAL")
    log = emu.requests()
    assert [r["fault"] for r in log] == [None, "throttling", "throttling", None]
    emu.clear_requests()
    assert emu.requests() == []
    emu.reset()
    assert emu.customer(emu.unverified_pk)["verified"] is False  # type: ignore[index]
    assert emu.clock_offset == 0


def test_fault_kinds_are_the_emulators_own() -> None:
    from bidcert import _native

    assert FAULT_KINDS is _native.FAULT_KINDS
    assert len(FAULT_KINDS) == len(set(FAULT_KINDS)) >= 7


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_every_fault_kind_is_injected_and_logged(bidcert_emulator: Emulator, kind: str) -> None:
    latency = 1 if kind == "latency" else None
    bidcert_emulator.inject_fault(kind, latency_ms=latency)
    with bidcert_emulator.client(max_attempts=1) as client:
        try:
            client.query_certified_info(bidcert_emulator.personal_pk, "NORMAL")
        except bidcert.BidcertError:
            pass
    time.sleep(0.05)  # a dropped connection is logged as the emulator closes it
    assert [r["fault"] for r in bidcert_emulator.requests()] == [kind]


def test_a_fault_in_the_admin_apis_form(bidcert_emulator: Emulator) -> None:
    bidcert_emulator.add_fault({"kind": "throttling", "retry_after_ms": 1500, "next": 1})
    bidcert_emulator.inject_fault("throttling", retry_after_ms=2500)
    hints = []
    for _ in range(2):
        call = Call(bidcert.QueryCertifiedInfo(DEMO.PERSONAL_PK, "NORMAL"), _signer(bidcert_emulator))
        attempt = call.next_request()
        status, headers, body = _send(attempt)
        hints.append(headers.get("x-acs-retry-after"))
        assert isinstance(call.on_response(status, headers, body), Retry)
    assert hints == ["1500", "2500"]


def test_bad_faults_are_refused(bidcert_emulator: Emulator) -> None:
    for kwargs in (
        {"kind": "gremlins"},
        {"kind": "latency"},
        {"kind": "http_500", "count": None},
        {"kind": "http_500", "retry_after_ms": 5},
    ):
        with pytest.raises(bidcert.ValidationError):
            bidcert_emulator.inject_fault(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(bidcert.ValidationError):
        bidcert_emulator.add_fault({"kind": "http_500", "next": 1, "when": "always"})


@pytest.mark.bidcert_fixture(MINE)
def test_the_plugin_marker_selects_the_fixture(bidcert_emulator: Emulator) -> None:
    assert bidcert_emulator.customer("1000000000000009") is not None
    assert bidcert_emulator.customer(DEMO.PERSONAL_PK) is None


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    from importlib.metadata import entry_points

    eps = entry_points()
    group = eps.select(group="pytest11") if hasattr(eps, "select") else eps.get("pytest11", [])
    assert any(ep.value == "bidcert.pytest_plugin" for ep in group)
