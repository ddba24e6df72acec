"""Signing cost per call: bidcert beside the official Python signers, in the same run.

- full signed request (fresh timestamp and nonce, canonical query, HMAC, URL):
  `bidcert.Signer.sign` vs aliyun-python-sdk-core `get_signed_url` (goal: >= 30x faster)
- signature of a given parameter set:
  `bidcert.signature` vs alibabacloud-openapi-util `get_rpcsignature` (goal: >= 15x faster)

Run by `make bench` (python-bench); prints one line per figure.
"""

from __future__ import annotations

import sys
import timeit
from typing import Callable, Dict

import bidcert

AK, SECRET = "LTAI5tBidcertBench", "BenchSecretNotReal"
PK = "1234567890123456"


def per_call_us(fn: Callable[[], object], number: int, repeat: int = 5) -> float:
    """Best of `repeat` runs of `number` calls, in microseconds per call."""
    fn()
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def query_params() -> Dict[str, str]:
    """The parameters of one QueryBidUserCertifiedInfo request, as the SDKs take them."""
    return {
        "Action": "QueryBidUserCertifiedInfo",
        "Version": "2015-04-08",
        "PK": PK,
        "BidType": "NORMAL",
        "Format": "JSON",
        "AccessKeyId": AK,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": "9b2c6c0e-2f0a-4f6e-8f5e-3f1b6a7d9c01",
        "Timestamp": "2026-11-23T08:00:00Z",
    }


def main() -> int:
    from alibabacloud_openapi_util.client import Client as OpenApiUtil
    from aliyunsdkcore.auth.composer import rpc_signature_composer as rpc

    signer = bidcert.Signer(bidcert.Credentials(AK, SECRET))
    op = bidcert.QueryCertifiedInfo(PK, bidcert.BidType.NORMAL)
    business = {"Action": "QueryBidUserCertifiedInfo", "Version": "2015-04-08", "PK": PK, "BidType": "NORMAL"}

    ours_full = per_call_us(lambda: signer.sign(op), 100_000)
    theirs_full = per_call_us(
        lambda: rpc.get_signed_url(dict(business), AK, SECRET, "JSON", "POST", {}), 10_000
    )
    params = query_params()
    ours_sig = per_call_us(lambda: bidcert.signature("POST", params, SECRET), 100_000)
    theirs_sig = per_call_us(lambda: OpenApiUtil.get_rpcsignature(params, "POST", SECRET), 20_000)

    # The same answer, so the comparison is of equal work.
    assert bidcert.signature("POST", params, SECRET) == OpenApiUtil.get_rpcsignature(params, "POST", SECRET)

    r1, r2, r3 = theirs_full / ours_full, theirs_sig / ours_sig, theirs_sig / ours_full
    print(f"sign: bidcert.Signer.sign (full request)         {ours_full:8.2f} us/call")
    print(f"sign: aliyunsdkcore get_signed_url               {theirs_full:8.2f} us/call"
          f"  -> Signer.sign {r1:5.1f}x faster (goal >= 30x)")
    print(f"sign: bidcert.signature(method, dict, secret)    {ours_sig:8.2f} us/call")
    print(f"sign: alibabacloud_openapi_util get_rpcsignature {theirs_sig:8.2f} us/call"
          f"  -> signature() {r2:5.1f}x, Signer.sign {r3:5.1f}x faster (goal >= 15x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
