"""One client shared by 16 threads; the GIL is released while requests are in flight."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import bidcert
from bidcert.testing import DEMO, Emulator


def test_sixteen_threads_share_one_client(bidcert_emulator: Emulator) -> None:
    pks = [DEMO.PERSONAL_PK, DEMO.ENTERPRISE_PK, DEMO.UNVERIFIED_PK, DEMO.UNKNOWN_PK]
    errors: list = []

    def work(i: int) -> int:
        ok = 0
        for j in range(25):
            pk = pks[(i + j) % len(pks)]
            try:
                info = client.query_certified_info(pk, bidcert.BidType.NORMAL)
                assert info.aliyun_pk == pk
                ok += 1
            except bidcert.InvalidPkError:
                assert pk == DEMO.UNKNOWN_PK
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)
        return ok

    with bidcert_emulator.client() as client:
        with ThreadPoolExecutor(max_workers=16) as pool:
            done = list(pool.map(work, range(16)))
    assert not errors, errors[:3]
    assert sum(done) == 16 * 25 - sum(1 for i in range(16) for j in range(25) if (i + j) % 4 == 3)
    nonces = [r["nonce"] for r in bidcert_emulator.requests()]
    assert len(nonces) == 400 and len(set(nonces)) == 400


def test_the_gil_is_released_during_a_request(bidcert_emulator: Emulator) -> None:
    bidcert_emulator.inject_fault("latency", latency_ms=400)
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=spin)
    t.start()
    try:
        with bidcert_emulator.client() as client:
            client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
    finally:
        stop.set()
        t.join()
    # Python code kept running while the call waited 400 ms on the socket.
    assert ticks > 50, ticks
