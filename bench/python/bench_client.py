"""What a request costs the caller: bidcert.Client and bidcert.AsyncClient beside
aliyunsdkcore's AcsClient, in the same run. Run by `make python-bench`.

1. CPU per request (the figure a back office pays for; goals: Client >= 10x cheaper than
   AcsClient, AsyncClient no dearer than Client). The `bidcert-emulator` program serves in
   another process pinned to one core (`taskset`), this process to the other; each client
   makes 5,000 queries (after 200 to warm up its pool and caches), in five rounds of 1,000
   interleaved with the other clients' (the machine may be shared), and the process's CPU
   time (user + sys, every thread's) is read around each round; the median round is shown. The endpoint is `http://localhost:PORT`,
   so that name resolution is part of the cost. Beside it: wall-clock requests/s, system
   name lookups per request (`name_lookups`), and, under `strace -f` when it is installed,
   threads created per request at steady state (a run of warm-up only is subtracted).
2. Requests/s against the in-process emulator (the figures this benchmark printed before),
   one thread each, and Client with 4 threads.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import bidcert
from bidcert.testing import DEMO, Emulator

ROOT = Path(__file__).resolve().parents[2]
N = 5000
ROUNDS = 5
WARM = 200
KINDS = ("Client", "AsyncClient", "AcsClient")
# In-flight calls of the AsyncClient run (one event loop, one thread).
CONCURRENCY = 16


def emulator_binary() -> str:
    path = os.environ.get("BIDCERT_EMULATOR_BIN") or str(ROOT / "target" / "release" / "bidcert-emulator")
    if not Path(path).exists():
        sys.exit(f"{path} is missing: cargo build --release -p bidcert-cli (make python-bench does)")
    return path


class EmulatorProcess:
    """The emulator program on loopback, pinned to `core`."""

    def __init__(self, core: int) -> None:
        self.proc = subprocess.Popen(
            ["taskset", "-c", str(core), emulator_binary(), "--port", "0"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        url = json.loads(self.proc.stdout.readline())["url"]
        # A name, so that each client resolves it (at most once per cache interval, for ours).
        self.url = url.replace("127.0.0.1", "localhost")
        self.host = self.url.split("://", 1)[1]

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def classic_query(host: str) -> Callable[[], bytes]:
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import CommonRequest

    acs = AcsClient(DEMO.NORMAL_ACCESS_KEY_ID, DEMO.NORMAL_ACCESS_KEY_SECRET, "cn-hangzhou")

    def query() -> bytes:
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

    return query


def runner(kind: str, url: str, host: str) -> Tuple[Callable[[int], None], Callable[[], int], Callable[[], None]]:
    """`run(n)` making n queries with client `kind`, its name lookups so far, and `close()`."""
    creds = bidcert.Credentials(DEMO.NORMAL_ACCESS_KEY_ID, DEMO.NORMAL_ACCESS_KEY_SECRET)
    if kind == "Client":
        client = bidcert.Client(creds, endpoint=url)

        def run(n: int) -> None:
            for _ in range(n):
                client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")

        return run, lambda: client.name_lookups, client.close
    if kind == "AsyncClient":
        aclient = bidcert.AsyncClient(creds, endpoint=url)

        async def worker(n: int) -> None:
            for _ in range(n):
                await aclient.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")

        async def all_of(n: int) -> None:
            share, extra = divmod(n, CONCURRENCY)
            await asyncio.gather(*(worker(share + (i < extra)) for i in range(CONCURRENCY)))

        loop = asyncio.new_event_loop()

        def close() -> None:
            aclient.close()
            loop.close()

        return lambda n: loop.run_until_complete(all_of(n)), lambda: aclient.name_lookups, close
    assert kind == "AcsClient"
    query = classic_query(host)
    assert bidcert.parse_certified_info(200, query()).is_certified

    def run(n: int) -> None:
        for _ in range(n):
            query()

    return run, lambda: -1, lambda: None


def cpu_seconds() -> Tuple[float, float]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime, r.ru_stime


def measure_all(emu: EmulatorProcess) -> Dict[str, Dict[str, float]]:
    """Each client's figures over ROUNDS rounds of N / ROUNDS queries, interleaved so that
    none gets the machine's quiet or busy moments alone; the median round of each."""
    runners = {kind: runner(kind, emu.url, emu.host) for kind in KINDS}
    rounds: Dict[str, List[Dict[str, float]]] = {kind: [] for kind in KINDS}
    threads: Dict[str, int] = {}
    try:
        for kind, (run, _, _) in runners.items():
            run(WARM)
        for _ in range(ROUNDS):
            for kind, (run, _, _) in runners.items():
                n = N // ROUNDS
                threads_before = len(os.listdir("/proc/self/task"))
                (u0, s0), wall0 = cpu_seconds(), time.perf_counter()
                run(n)
                (u1, s1), wall1 = cpu_seconds(), time.perf_counter()
                threads[kind] = threads.get(kind, 0) + len(os.listdir("/proc/self/task")) - threads_before
                rounds[kind].append({
                    "user_us": (u1 - u0) / n * 1e6,
                    "sys_us": (s1 - s0) / n * 1e6,
                    "rps": n / (wall1 - wall0),
                })
        figures = {}
        for kind, (_, lookups, _) in runners.items():
            by_cpu = sorted(rounds[kind], key=lambda r: r["user_us"] + r["sys_us"])
            median = dict(by_cpu[len(by_cpu) // 2])
            median["rps"] = statistics.median(r["rps"] for r in rounds[kind])
            median["lookups"] = lookups() / (N + WARM)
            median["threads_alive_delta"] = threads[kind]
            figures[kind] = median
        return figures
    finally:
        for _, _, close in runners.values():
            close()


def clones(kind: str, url: str, n: int) -> Optional[int]:
    """Threads (and processes) this program creates for `kind` warming up and making `n`
    more queries, counted by strace; None without strace."""
    strace = shutil.which("strace")
    if strace is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "strace"
        subprocess.run(
            [strace, "-f", "-qq", "-c", "-o", str(out), "-e", "trace=clone,clone3,fork,vfork",
             sys.executable, __file__, "--count-only", kind, url, str(n)],
            check=True,
        )
        total = 0
        for line in out.read_text().splitlines():
            m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(clone3?|fork|vfork)$", line)
            if m:
                total += int(m.group(1))
        return total


def count_only(kind: str, url: str, n: int) -> None:
    run, _, close = runner(kind, url, url.split("://", 1)[1])
    run(WARM)
    run(n)
    close()


def per_request_spawns(kind: str, url: str) -> Optional[float]:
    base, more = clones(kind, url, 0), clones(kind, url, 1000)
    if base is None or more is None:
        return None
    return (more - base) / 1000


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


def in_process_rates() -> Iterator[str]:
    with Emulator() as emu:
        host = emu.url.split("://", 1)[1]
        client = bidcert.Client(emu.credentials, endpoint=emu.url)
        classic = classic_query(host)
        # Interleaved rounds, medians: the machine may be shared.
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
    yield f"e2e: bidcert.Client, 1 thread                   {ours:8.0f} requests/s  (in-process emulator)"
    yield f"e2e: aliyunsdkcore AcsClient, 1 thread          {theirs:8.0f} requests/s  -> bidcert {ours / theirs:5.1f}x (goal >= 5x)"
    yield f"e2e: bidcert.Client, 4 threads, one client      {threaded:8.0f} requests/s"


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--count-only":
        count_only(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return 0
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2 or shutil.which("taskset") is None:
        sys.exit("the CPU benchmark needs two cores and taskset")
    os.sched_setaffinity(0, {cores[0]})
    emu = EmulatorProcess(cores[1])
    try:
        figures = measure_all(emu)
        spawns = {kind: per_request_spawns(kind, emu.url) for kind in ("Client", "AsyncClient")}
    finally:
        emu.close()
    for kind, f in figures.items():
        label = {"Client": "bidcert.Client, 1 thread", "AsyncClient": f"bidcert.AsyncClient, {CONCURRENCY} in flight",
                 "AcsClient": "aliyunsdkcore AcsClient, 1 thread"}[kind]
        extra = ""
        if kind != "AcsClient":
            s = spawns[kind]
            extra = f", {f['lookups']:.4f} lookups/request, " + (
                f"{s:.3f} threads created/request" if s is not None else "threads not counted (no strace)")
        print(f"cpu: {label:34} {f['user_us'] + f['sys_us']:7.1f} us/request "
              f"(user {f['user_us']:.1f}, sys {f['sys_us']:.1f}), {f['rps']:7.0f} requests/s{extra}")
    ours, asyn, theirs = (figures[k]["user_us"] + figures[k]["sys_us"] for k in ("Client", "AsyncClient", "AcsClient"))
    print(f"cpu: AcsClient / Client = {theirs / ours:5.1f}x cheaper (goal >= 10x); "
          f"AsyncClient / Client = {asyn / ours:4.2f} (goal <= 1)")
    for line in in_process_rates():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
