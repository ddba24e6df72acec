"""End-to-end requests per second against the same in-process emulator, in the same run:
`bidcert.Client` beside `aliyunsdkcore.client.AcsClient` (goal: >= 5x), one thread each
(plus bidcert with 4 threads sharing one client, for scale). Run by `make bench`."""

from __future__ import annotations

import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import bidcert
from bidcert.testing import DEMO, Emulator


def rate(fn: Callable[[], object], seconds: float = 1.0) -> float:
    """Calls `fn` back to back for about `seconds`; returns calls per second."""
    for _ in range(50):
        fn()
    n, start = 0, time.perf_counter()
    while True:
        for _ in range(50):
            fn()
        n += 50
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def main() -> int:
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import CommonRequest

    with Emulator() as emu:
        host = emu.url.split("://", 1)[1]
        client = bidcert.Client(emu.credentials, endpoint=emu.url)

        acs = AcsClient(DEMO.NORMAL_ACCESS_KEY_ID, DEMO.NORMAL_ACCESS_KEY_SECRET, "cn-hangzhou")

        def classic() -> bytes:
            req = CommonRequest()
            req.set_domain(host)
            req.set_protocol_type("http")
            req.set_method("POST")
            req.set_version("2015-04-08")
            req.set_action_name("QueryBidUserCertifiedInfo")
            req.add_query_param("PK", DEMO.PERSONAL_PK)
            req.add_query_param("BidType", "NORMAL")
            body: bytes = acs.do_action_with_exception(req)
            return body

        assert bidcert.parse_certified_info(200, classic()).is_certified
        # Interleaved rounds, medians: the machine may be shared, so neither side gets the
        # quiet or the busy moments alone.
        ours_rounds, theirs_rounds = [], []
        for _ in range(5):
            ours_rounds.append(rate(lambda: client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")))
            theirs_rounds.append(rate(classic))
        ours, theirs = statistics.median(ours_rounds), statistics.median(theirs_rounds)

        with ThreadPoolExecutor(4) as pool:
            start, total = time.perf_counter(), 4 * 2000

            def batch(_: int) -> None:
                for _ in range(2000):
                    client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")

            list(pool.map(batch, range(4)))
            threaded = total / (time.perf_counter() - start)
        client.close()

    print(f"e2e: bidcert.Client, 1 thread                   {ours:8.0f} requests/s")
    print(f"e2e: aliyunsdkcore AcsClient, 1 thread          {theirs:8.0f} requests/s  -> bidcert {ours / theirs:5.1f}x (goal >= 5x)")
    print(f"e2e: bidcert.Client, 4 threads, one client      {threaded:8.0f} requests/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
