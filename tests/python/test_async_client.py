"""bidcert.AsyncClient against the real emulator: the calls as coroutines, many at once through
one client, cancellation and timeouts that abort the attempt in flight, two event loops in
two threads, the GIL released while waiting."""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from typing import List

import pytest

import bidcert
from bidcert.testing import DEMO, Emulator


def test_the_calls_are_coroutines_with_the_clients_constructor(bidcert_emulator: Emulator) -> None:
    for name in ("query_certified_info", "generate_cert_ways_url", "call"):
        assert inspect.iscoroutinefunction(getattr(bidcert.AsyncClient, name)), name
    client_params = inspect.signature(bidcert.Client).parameters
    async_params = inspect.signature(bidcert.AsyncClient).parameters
    assert list(async_params) == list(client_params)

    async def main() -> None:
        async with bidcert_emulator.async_client() as client:
            info = await client.query_certified_info(DEMO.PERSONAL_PK, bidcert.BidType.NORMAL)
            assert info.is_certified
            op = bidcert.QueryCertifiedInfo(DEMO.UNVERIFIED_PK, "NORMAL")
            assert not (await client.query_certified_info(op)).is_certified
            link = await client.generate_cert_ways_url(DEMO.UNVERIFIED_PK, "NORMAL", platform="h5")
            assert link.url.startswith(bidcert_emulator.url)
            rpc = bidcert.RpcCall(
                "crm", "QueryBidUserCertifiedInfo", "2015-04-08",
                {"PK": DEMO.PERSONAL_PK, "BidType": "NORMAL"},
            )
            assert "result" in await client.call(rpc)
            with pytest.raises(bidcert.BidMismatchError):
                await client.query_certified_info(DEMO.LIGHTWEIGHT_CUSTOMER_PK, "NORMAL")
            assert client.access_key_id == DEMO.NORMAL_ACCESS_KEY_ID
            assert repr(client).startswith("AsyncClient(")
        assert client.closed
        with pytest.raises(bidcert.ValidationError):
            await client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")

    asyncio.run(main())
    assert len(bidcert_emulator.requests()) == 5


def test_two_hundred_concurrent_queries_through_one_client(bidcert_emulator: Emulator) -> None:
    async def main() -> List[bidcert.CertifiedInfo]:
        async with bidcert_emulator.async_client() as client:
            infos = await asyncio.gather(
                *(client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL") for _ in range(200))
            )
            assert client.name_lookups == 0  # an IP literal needs none
            return infos

    infos = asyncio.run(main())
    assert len(infos) == 200 and all(i.is_certified for i in infos)
    logged = bidcert_emulator.requests()
    assert len(logged) == 200
    assert len({r["nonce"] for r in logged}) == 200


def _cancel_case(emu: Emulator, cancel: str) -> None:
    # Every attempt would take 2 s and time out at 0.5 s, so a call that went on would retry.
    emu.inject_fault("latency", 5, latency_ms=2000)

    async def main() -> None:
        async with emu.async_client(timeout=0.5, base_delay=0.01, max_delay=0.02) as client:
            call = client.query_certified_info(DEMO.UNVERIFIED_PK, "NORMAL")
            if cancel == "cancel":
                task = asyncio.ensure_future(call)
                await asyncio.sleep(0.2)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            else:
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(call, 0.2)
            # The client still works afterwards.
            emu.clear_faults()
            assert (await client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")).is_certified

    asyncio.run(main())
    # Long enough for the cancelled attempt's answer and any retry to reach the log.
    time.sleep(2.5)
    faulted = [r for r in emu.requests() if r["fault"] is not None]
    assert len(faulted) <= 1, f"an attempt was sent after the cancel: {faulted}"
    assert len(emu.requests()) - len(faulted) == 1, "only the call after it"


def test_cancelling_the_task_mid_latency_aborts_the_attempt(bidcert_emulator: Emulator) -> None:
    _cancel_case(bidcert_emulator, "cancel")


def test_wait_for_timing_out_mid_latency_aborts_the_attempt(bidcert_emulator: Emulator) -> None:
    _cancel_case(bidcert_emulator, "wait_for")


def test_two_event_loops_in_two_threads_share_one_client(bidcert_emulator: Emulator) -> None:
    client = bidcert_emulator.async_client()
    results: List[int] = []
    errors: List[BaseException] = []

    def loop_thread() -> None:
        async def main() -> int:
            infos = await asyncio.gather(
                *(client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL") for _ in range(50))
            )
            return sum(i.is_certified for i in infos)

        try:
            results.append(asyncio.run(main()))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=loop_thread) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    client.close()
    assert not errors, errors
    assert results == [50, 50]
    assert len(bidcert_emulator.requests()) == 100


def test_the_loop_and_other_threads_run_while_a_call_waits(bidcert_emulator: Emulator) -> None:
    bidcert_emulator.inject_fault("latency", 1, latency_ms=500)
    ticks = 0
    counted = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal counted
        while not stop.is_set():
            counted += 1
            time.sleep(0.001)

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async def main() -> None:
        async with bidcert_emulator.async_client() as client:
            tick = asyncio.ensure_future(ticker())
            await client.query_certified_info(DEMO.UNVERIFIED_PK, "NORMAL")
            tick.cancel()

    counter = threading.Thread(target=count)
    counter.start()
    asyncio.run(main())
    stop.set()
    counter.join()
    assert ticks >= 20, "the event loop ran other tasks during the call"
    assert counted >= 50, "another thread ran Python code: the GIL was free"
