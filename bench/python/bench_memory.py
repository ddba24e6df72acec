"""RSS growth over 1,000,000 `Signer.sign` calls (goal: < 2 MiB). Run by `make bench`."""

from __future__ import annotations

import gc
import sys

import bidcert

CALLS = 1_000_000


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> int:
    signer = bidcert.Signer(bidcert.Credentials("LTAI5tBidcertBench", "BenchSecretNotReal"))
    op = bidcert.QueryCertifiedInfo("1234567890123456", bidcert.BidType.NORMAL)
    for _ in range(20_000):  # warm up allocators and caches
        signer.sign(op)
    gc.collect()
    before = rss_kib()
    for _ in range(CALLS):
        signer.sign(op)
    gc.collect()
    growth = rss_kib() - before
    verdict = "ok" if growth < 2048 else "OVER"
    print(f"memory: RSS growth after {CALLS:,} sign calls   {growth / 1024:8.2f} MiB (goal < 2 MiB: {verdict})")
    return 0 if growth < 2048 else 1


if __name__ == "__main__":
    sys.exit(main())
