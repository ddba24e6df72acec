"""The live fault matrix (tests/live/fault_matrix.json) through bidcert.Client and
bidcert.AsyncClient, over HTTP and HTTPS: the same script the Rust, C and Go clients run
against the emulator, with the same outcomes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Union

import pytest

import bidcert
from bidcert.testing import DEMO, FAULT_KINDS, Emulator

MATRIX = json.loads(
    (Path(__file__).resolve().parents[1] / "live" / "fault_matrix.json").read_text(encoding="utf-8")
)
assert MATRIX["kind"] == "fault_matrix"

# The matrix writes milliseconds; Policy takes seconds.
_SECONDS = {
    "attempt_timeout_ms": "timeout",
    "budget_ms": "budget",
    "base_delay_ms": "base_delay",
    "max_delay_ms": "max_delay",
}


def _policy(*layers: Dict[str, Any]) -> bidcert.Policy:
    """The default policy changed by each layer in turn (the file's, then the case's)."""
    kwargs: Dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if key in _SECONDS:
                kwargs[_SECONDS[key]] = value / 1000
            else:
                assert key == "max_attempts", key
                kwargs[key] = value
    return bidcert.Policy(**kwargs)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(tls=True) as emu:
        yield emu


def _outcome(client: Union[bidcert.Client, bidcert.AsyncClient], call: Dict[str, Any]) -> str:
    pk = getattr(DEMO, call["pk"])
    try:
        if isinstance(client, bidcert.AsyncClient):
            # A fresh loop per call, as a web framework's loop would be: the client outlives it.
            if call["call"] == "query_certified_info":
                asyncio.run(client.query_certified_info(pk, bidcert.BidType.NORMAL))
            else:
                asyncio.run(client.generate_cert_ways_url(pk, bidcert.BidType.NORMAL))
        elif call["call"] == "query_certified_info":
            client.query_certified_info(pk, bidcert.BidType.NORMAL)
        else:
            assert call["call"] == "generate_cert_ways_url", call
            client.generate_cert_ways_url(pk, bidcert.BidType.NORMAL)
    except bidcert.BidcertError as e:
        return e.kind
    return "ok"


@pytest.mark.parametrize("kind", ["Client", "AsyncClient"])
@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("case", MATRIX["cases"], ids=[c["name"] for c in MATRIX["cases"]])
def test_every_client_sees_the_same_outcomes_python(
    emulator: Emulator, case: Dict[str, Any], scheme: str, kind: str
) -> None:
    emulator.reset()
    emulator.set_clock_offset(case.get("clock_offset_s", 0))
    for fault in case.get("faults", []):
        emulator.add_fault(fault)
    policy = _policy(MATRIX["policy"], case.get("policy", {}))
    logged = 0
    options: Dict[str, Any] = {"endpoint": emulator.url, "policy": policy}
    if scheme == "https":
        options.update(endpoint=emulator.https_url, ca_file=emulator.ca_file)
    factory = bidcert.Client if kind == "Client" else bidcert.AsyncClient
    with contextlib.closing(factory(emulator.credentials, **options)) as client:
        for i, call in enumerate(case["calls"]):
            started = time.monotonic()
            got = _outcome(client, call)
            elapsed = time.monotonic() - started
            time.sleep(call.get("settle_ms", 0) / 1000)
            total = len(emulator.requests())
            attempts, logged = total - logged, total
            want = call["expect"]
            assert (got, attempts) == (want["outcome"], want["attempts"]), f"call {i}"
            if "min_elapsed_ms" in want:
                assert elapsed * 1000 >= want["min_elapsed_ms"], f"call {i} took {elapsed:.3f} s"
    nonces: List[str] = [r["nonce"] for r in emulator.requests()]
    assert len(set(nonces)) == len(nonces), f"a nonce was sent twice: {nonces}"


def test_the_matrix_injects_every_fault_kind() -> None:
    injected = {f["kind"] for case in MATRIX["cases"] for f in case.get("faults", [])}
    assert injected == set(FAULT_KINDS)
