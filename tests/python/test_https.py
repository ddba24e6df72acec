"""Both clients over HTTPS against the emulator's TLS port: the main calls trusting its CA with
``ca_file=``, an untrusted CA (a TlsError, not retried), a wrong host name refused, one
handshake for many calls on one client, and ``SSL_CERT_FILE`` honoured."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from typing import Iterator

import pytest

import bidcert
from bidcert.testing import DEMO, Emulator


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(tls=True) as e:
        yield e


@pytest.fixture(autouse=True)
def reset(emu: Emulator) -> None:
    emu.reset()


def _port(emu: Emulator) -> str:
    assert emu.https_url is not None
    return emu.https_url.rsplit(":", 1)[1]


def test_the_main_calls_over_https_blocking(emu: Emulator) -> None:
    with bidcert.Client(emu.credentials, endpoint=emu.https_url, ca_file=emu.ca_file) as client:
        assert client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL").is_certified
        link = client.generate_cert_ways_url(DEMO.UNVERIFIED_PK, "NORMAL")
        assert link.url.startswith("https://")
        rpc = bidcert.RpcCall("crm", "QueryBidUserCertifiedInfo", "2015-04-08", {"PK": DEMO.PERSONAL_PK, "BidType": "NORMAL"})
        assert "result" in client.call(rpc)
    assert all(r["tls"] for r in emu.requests())


def test_the_main_calls_over_https_async(emu: Emulator) -> None:
    async def main() -> None:
        async with emu.async_client(https=True) as client:
            assert (await client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")).is_certified
            link = await client.generate_cert_ways_url(DEMO.UNVERIFIED_PK, "NORMAL")
            assert link.url.startswith("https://")

    asyncio.run(main())
    assert len(emu.requests()) == 2 and all(r["tls"] for r in emu.requests())


@pytest.mark.parametrize("kind", ["blocking", "async"])
def test_an_untrusted_ca_is_a_tls_error_not_retried(emu: Emulator, kind: str) -> None:
    options = dict(endpoint=emu.https_url, base_delay=0.01)
    with pytest.raises(bidcert.TlsError) as raised:
        if kind == "blocking":
            bidcert.Client(emu.credentials, **options).query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
        else:
            async def main() -> None:
                async with bidcert.AsyncClient(emu.credentials, **options) as client:
                    await client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")

            asyncio.run(main())
    assert not raised.value.retryable
    assert "UnknownIssuer" in str(raised.value), raised.value
    assert emu.requests() == [] and emu.tls_handshakes() == 0


@pytest.mark.parametrize("kind", ["blocking", "async"])
def test_a_wrong_host_name_is_refused(emu: Emulator, kind: str) -> None:
    # `.invalid` never resolves; `resolve` sends it to the emulator, whose certificate does
    # not name it.
    options = dict(
        endpoint=f"https://bidcert-wrong-name.invalid:{_port(emu)}",
        resolve={"bidcert-wrong-name.invalid": "127.0.0.1"},
        ca_file=emu.ca_file,
    )
    with pytest.raises(bidcert.TlsError, match="not valid for name"):
        if kind == "blocking":
            bidcert.Client(emu.credentials, **options).query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
        else:
            async def main() -> None:
                async with bidcert.AsyncClient(emu.credentials, **options) as client:
                    await client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")

            asyncio.run(main())
    assert emu.requests() == []


def test_many_calls_on_one_client_cost_one_handshake(emu: Emulator) -> None:
    with emu.client(https=True) as client:
        for _ in range(20):
            client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
    assert emu.tls_handshakes() == 1

    async def main() -> None:
        async with emu.async_client(https=True) as client:
            for _ in range(20):
                await client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")

    asyncio.run(main())
    assert emu.tls_handshakes() == 2, "one more for the second client's pool"
    assert len(emu.requests()) == 40


def test_ssl_cert_file_is_honoured(emu: Emulator) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, bidcert
        creds = bidcert.Credentials({DEMO.NORMAL_ACCESS_KEY_ID!r}, {DEMO.NORMAL_ACCESS_KEY_SECRET!r})
        with bidcert.Client(creds, endpoint={emu.https_url!r}) as c:
            assert c.query_certified_info({DEMO.PERSONAL_PK!r}, "NORMAL").is_certified
        async def main():
            async with bidcert.AsyncClient(creds, endpoint={emu.https_url!r}) as c:
                assert (await c.query_certified_info({DEMO.PERSONAL_PK!r}, "NORMAL")).is_certified
        asyncio.run(main())
        print("ok")
        """
    )
    env = dict(os.environ, SSL_CERT_FILE=emu.ca_file)
    env.pop("SSL_CERT_DIR", None)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
    assert len(emu.requests()) == 2
