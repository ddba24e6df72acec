"""The installed package as a reseller's code uses it: run from a directory outside the
checkout, in a venv holding only what was installed. Usage: python smoke.py SIGNING_VECTORS"""

from __future__ import annotations

import json
import pathlib
import sys

import bidcert
from bidcert.testing import Emulator


def main(vectors: str) -> int:
    where = pathlib.Path(bidcert.__file__).resolve()
    assert pathlib.Path(sys.prefix).resolve() in where.parents, f"bidcert imported from {where}"

    # Signing: every case of the shared vectors, byte for byte.
    cases = json.loads(pathlib.Path(vectors).read_text(encoding="utf-8"))["cases"]
    for case in cases:
        params = [tuple(p) for p in case["params"]]
        got = bidcert.signature(case["method"], params, case["access_key_secret"])
        assert got == case["signature"], (case["name"], got)
    signer = bidcert.Signer(bidcert.Credentials("LTAI5tSmokeKey", "smoke-secret"))
    request = signer.sign(bidcert.QueryCertifiedInfo("1000000000000002", "NORMAL"))
    assert "Signature=" in request.url and "smoke-secret" not in request.url, request.redacted_url

    # The in-process emulator, queried by the client.
    with Emulator() as emulator, emulator.client() as client:
        info = client.query_certified_info(emulator.personal_pk, bidcert.BidType.NORMAL)
        assert info.is_certified, info
        try:
            client.query_certified_info(emulator.lightweight_customer_pk, bidcert.BidType.NORMAL)
        except bidcert.BidMismatchError:
            pass
        else:
            raise AssertionError("another reseller's customer did not raise BidMismatchError")
    print(f"smoke: bidcert {bidcert.__version__} from {where.parent}: {len(cases)} signing vectors, emulator query ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
