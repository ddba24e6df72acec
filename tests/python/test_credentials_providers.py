"""bidcert.Credentials' providers against the emulator's STS and metadata service: each factory
alone and through the default chain, refresh after a forced expiry, single flight across
threads and coroutines, a hanging metadata service, a malformed STS answer, an expired OIDC
token, a missing token file; no repr shows a secret or a token."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from pathlib import Path
from typing import Iterator, List

import pytest

import bidcert
from bidcert.testing import DEMO, Emulator

SECRETS = [
    DEMO.NORMAL_ACCESS_KEY_SECRET,
    DEMO.ACCOUNT_ACCESS_KEY_SECRET,
    DEMO.OIDC_TOKEN,
    DEMO.EXPIRED_OIDC_TOKEN,
]

PROVIDER_VARIABLES = [
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALIBABA_CLOUD_ROLE_ARN",
    "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
    "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
    "ALIBABA_CLOUD_CREDENTIALS_URI",
    "ALIBABA_CLOUD_PROFILE",
    "ALIBABACLOUD_PROFILE",
    "ALICLOUD_PROFILE",
    "ALIBABA_CLOUD_CONFIG_FILE",
    "ALIBABA_CLOUD_CREDENTIALS_FILE",
    "ALIBABA_CLOUD_ECS_METADATA",
    "BIDCERT_STS_ENDPOINT",
    "BIDCERT_ECS_METADATA_ENDPOINT",
]


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(metadata=True) as e:
        yield e


@pytest.fixture(autouse=True)
def clean(emu: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A reset emulator and an environment with no credentials and an empty home."""
    emu.reset()
    for name in PROVIDER_VARIABLES + ["ALIBABA_CLOUD_STS_REGION"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
    # Whatever a test forgets, STS and the metadata service are the emulator's.
    monkeypatch.setenv("BIDCERT_STS_ENDPOINT", emu.url)
    assert emu.metadata_url is not None
    monkeypatch.setenv("BIDCERT_ECS_METADATA_ENDPOINT", emu.metadata_url)


def _works(emu: Emulator, creds: bidcert.Credentials, pk: str = DEMO.PERSONAL_PK) -> None:
    with bidcert.Client(creds, endpoint=emu.url) as client:
        assert client.query_certified_info(pk, "NORMAL").is_certified or pk != DEMO.PERSONAL_PK


def _no_secret_in(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, text


def _oidc_token(tmp_path: Path, token: str = DEMO.OIDC_TOKEN) -> Path:
    path = tmp_path / "oidc-token"
    path.write_text(token)
    return path


def test_environment_and_client_without_credentials_use_the_default_chain(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEMO.NORMAL_ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEMO.NORMAL_ACCESS_KEY_SECRET)
    creds = bidcert.Credentials.environment()
    assert creds.provider == "environment"
    assert creds.resolve().source == "environment"
    _works(emu, creds)
    with bidcert.Client(endpoint=emu.url) as client:
        assert client.access_key_id == DEMO.NORMAL_ACCESS_KEY_ID
        assert client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL").is_certified

    async def main() -> None:
        async with bidcert.AsyncClient(endpoint=emu.url) as client:
            assert (await client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")).is_certified

    asyncio.run(main())
    chain = bidcert.Credentials.default_chain()
    assert chain.resolve().access_key_id == DEMO.NORMAL_ACCESS_KEY_ID


def test_no_source_at_all_says_what_each_lacked() -> None:
    with pytest.raises(bidcert.CredentialsError) as raised:
        bidcert.Client()
    text = str(raised.value)
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in text and "ECS_METADATA_DISABLED" in text, text
    assert len(raised.value.tried) >= 5


def test_oidc_role(emu: Emulator, tmp_path: Path) -> None:
    creds = bidcert.Credentials.oidc_role(
        role_arn=DEMO.ROLE_ARN,
        oidc_provider_arn=DEMO.OIDC_PROVIDER_ARN,
        oidc_token_file=_oidc_token(tmp_path),
        sts_endpoint=emu.url,
    )
    resolved = creds.resolve()
    assert (resolved.kind, resolved.is_temporary) == ("oidc_role_arn", True)
    assert resolved.expiration is not None
    _works(emu, creds)
    assert emu.sts_call_count("AssumeRoleWithOIDC") == 1
    _no_secret_in(repr(creds) + repr(resolved))


def test_oidc_role_from_the_environment_through_the_chain(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ROLE_ARN", DEMO.ROLE_ARN)
    monkeypatch.setenv("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", DEMO.OIDC_PROVIDER_ARN)
    monkeypatch.setenv("ALIBABA_CLOUD_OIDC_TOKEN_FILE", str(_oidc_token(tmp_path)))
    monkeypatch.setenv("BIDCERT_STS_ENDPOINT", emu.url)
    with bidcert.Client(endpoint=emu.url) as client:
        assert client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL").is_certified


def test_an_expired_oidc_token_is_refused(emu: Emulator, tmp_path: Path) -> None:
    creds = bidcert.Credentials.oidc_role(
        role_arn=DEMO.ROLE_ARN,
        oidc_provider_arn=DEMO.OIDC_PROVIDER_ARN,
        oidc_token_file=_oidc_token(tmp_path, DEMO.EXPIRED_OIDC_TOKEN),
        sts_endpoint=emu.url,
    )
    with pytest.raises(bidcert.CredentialsError) as raised:
        creds.resolve()
    assert "xpired" in str(raised.value), raised.value
    _no_secret_in(str(raised.value))


def test_a_missing_token_file_is_refused_before_any_request(emu: Emulator, tmp_path: Path) -> None:
    creds = bidcert.Credentials.oidc_role(
        role_arn=DEMO.ROLE_ARN,
        oidc_provider_arn=DEMO.OIDC_PROVIDER_ARN,
        oidc_token_file=tmp_path / "no-such-token",
        sts_endpoint=emu.url,
    )
    with pytest.raises(bidcert.CredentialsError) as raised:
        bidcert.Client(creds, endpoint=emu.url)
    assert "no-such-token" in str(raised.value), raised.value
    assert emu.sts_call_count("AssumeRoleWithOIDC") == 0


def test_cli_profile(emu: Emulator, tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    profile = {
        "name": "reseller",
        "mode": "AK",
        "access_key_id": DEMO.NORMAL_ACCESS_KEY_ID,
        "access_key_secret": DEMO.NORMAL_ACCESS_KEY_SECRET,
    }
    config.write_text(json.dumps({"current": "reseller", "profiles": [profile]}))
    creds = bidcert.Credentials.cli_profile(path=config)
    assert creds.resolve().source == "cli_config"
    _works(emu, creds)
    _no_secret_in(repr(creds))
    with pytest.raises(bidcert.CredentialsError):
        bidcert.Credentials.cli_profile("other", path=config).resolve()


def test_credentials_file_with_a_chained_role(emu: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text(
        "[default]\ntype = access_key\n"
        f"access_key_id = {DEMO.NORMAL_ACCESS_KEY_ID}\naccess_key_secret = {DEMO.NORMAL_ACCESS_KEY_SECRET}\n"
        "[role]\ntype = ram_role_arn\n"
        f"access_key_id = {DEMO.ACCOUNT_ACCESS_KEY_ID}\naccess_key_secret = {DEMO.ACCOUNT_ACCESS_KEY_SECRET}\n"
        f"role_arn = {DEMO.ROLE_ARN}\nrole_session_name = file\n"
    )
    _works(emu, bidcert.Credentials.credentials_file(path=path))
    role = bidcert.Credentials.credentials_file("role", path=path)
    assert role.resolve().kind == "ram_role_arn"
    _works(emu, role)


def test_ecs_ram_role(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED")
    creds = bidcert.Credentials.ecs_ram_role(endpoint=emu.metadata_url)
    resolved = creds.resolve()
    assert (resolved.kind, resolved.source) == ("ecs_ram_role", "ecs_metadata")
    _works(emu, creds)
    counts = emu.metadata_requests()
    assert counts["tokens"] >= 1 and counts["listings"] == 1 and counts["credentials"] == 1, counts
    named = bidcert.Credentials.ecs_ram_role(DEMO.ECS_ROLE_NAME, endpoint=emu.metadata_url)
    _works(emu, named)
    assert emu.metadata_requests()["listings"] == 1, "a named role needs no listing"


def test_ecs_metadata_disabled_sends_nothing(emu: Emulator) -> None:
    with pytest.raises(bidcert.CredentialsError, match="ALIBABA_CLOUD_ECS_METADATA_DISABLED"):
        bidcert.Credentials.ecs_ram_role()
    assert emu.metadata_requests()["total"] == 0


def test_a_hanging_metadata_service_fails_within_the_timeout(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED")
    emu.add_fault({"kind": "hang", "target": "metadata", "next": 4})
    creds = bidcert.Credentials.ecs_ram_role(
        DEMO.ECS_ROLE_NAME, endpoint=emu.metadata_url, connect_timeout=0.3, read_timeout=0.3
    )
    started = time.monotonic()
    with pytest.raises(bidcert.CredentialsError):
        bidcert.Client(creds, endpoint=emu.url)
    assert time.monotonic() - started < 3


def test_credentials_uri(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    assert emu.credentials_uri is not None
    creds = bidcert.Credentials.credentials_uri(emu.credentials_uri)
    assert creds.resolve().kind == "credentials_uri"
    _works(emu, creds)
    monkeypatch.setenv("ALIBABA_CLOUD_CREDENTIALS_URI", emu.credentials_uri)
    with bidcert.Client(endpoint=emu.url) as client:  # the chain's last source
        assert client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL").is_certified


def test_ram_role_arn_chained_from_other_credentials(emu: Emulator) -> None:
    account = bidcert.Credentials(DEMO.ACCOUNT_ACCESS_KEY_ID, DEMO.ACCOUNT_ACCESS_KEY_SECRET)
    role = bidcert.Credentials.ram_role_arn(account, DEMO.ROLE_ARN, sts_endpoint=emu.url)
    assert role.resolve().kind == "ram_role_arn"
    _works(emu, role)
    chained = bidcert.Credentials.ram_role_arn(role, DEMO.CHAINED_ROLE_ARN, sts_endpoint=emu.url)
    with bidcert.Client(chained, endpoint=emu.url) as client:
        # The chained role acts as the LIGHTWEIGHT reseller.
        info = client.query_certified_info(DEMO.LIGHTWEIGHT_CUSTOMER_PK, "LIGHTWEIGHT")
        assert not info.is_certified
    external = bidcert.Credentials.ram_role_arn(
        account, DEMO.EXTERNAL_ROLE_ARN, external_id=DEMO.EXTERNAL_ID, sts_endpoint=emu.url
    )
    _works(emu, external)
    _no_secret_in(repr(role) + repr(chained) + repr(external) + repr(account))


def test_a_malformed_sts_answer_is_a_credentials_error(emu: Emulator) -> None:
    emu.add_fault({"kind": "malformed_body", "action": "AssumeRole", "next": 1})
    account = bidcert.Credentials(DEMO.ACCOUNT_ACCESS_KEY_ID, DEMO.ACCOUNT_ACCESS_KEY_SECRET)
    role = bidcert.Credentials.ram_role_arn(account, DEMO.ROLE_ARN, sts_endpoint=emu.url)
    with pytest.raises(bidcert.CredentialsError) as raised:
        bidcert.Client(role, endpoint=emu.url)
    _no_secret_in(str(raised.value))
    assert "truncated JSON" in str(raised.value), raised.value
    # That provider retries after a backoff; another one fetches at once, and works.
    _works(emu, bidcert.Credentials.ram_role_arn(account, DEMO.ROLE_ARN, sts_endpoint=emu.url))


def _role(emu: Emulator) -> bidcert.Credentials:
    account = bidcert.Credentials(DEMO.ACCOUNT_ACCESS_KEY_ID, DEMO.ACCOUNT_ACCESS_KEY_SECRET)
    return bidcert.Credentials.ram_role_arn(account, DEMO.ROLE_ARN, sts_endpoint=emu.url)


def test_refresh_after_expiry_once_for_sixteen_threads(emu: Emulator) -> None:
    client = bidcert.Client(_role(emu), endpoint=emu.url)
    errors: List[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    for expiry in range(3):
        threads = [threading.Thread(target=work) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert emu.expire_sts_credentials() == 1
    work()
    client.close()
    assert not errors, errors[:3]
    assert emu.sts_call_count("AssumeRole") == 4, "one at start, one per expiry"


def test_refresh_after_expiry_once_for_a_hundred_coroutines(emu: Emulator) -> None:
    async def main() -> None:
        async with bidcert.AsyncClient(_role(emu), endpoint=emu.url) as client:
            await client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
            emu.expire_sts_credentials()
            infos = await asyncio.gather(
                *(client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL") for _ in range(100))
            )
            assert all(i.is_certified for i in infos)

    asyncio.run(main())
    assert emu.sts_call_count("AssumeRole") == 2


def test_clients_given_one_credentials_share_its_cache(emu: Emulator) -> None:
    role = _role(emu)
    with bidcert.Client(role, endpoint=emu.url) as a, bidcert.Client(role, endpoint=emu.url) as b:
        a.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
        b.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
    assert emu.sts_call_count("AssumeRole") == 1


def test_no_repr_shows_a_secret_or_a_token(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED")
    every = [
        bidcert.Credentials(DEMO.NORMAL_ACCESS_KEY_ID, DEMO.NORMAL_ACCESS_KEY_SECRET, "tok-" + DEMO.OIDC_TOKEN),
        bidcert.Credentials.environment(),
        bidcert.Credentials.oidc_role(
            role_arn=DEMO.ROLE_ARN,
            oidc_provider_arn=DEMO.OIDC_PROVIDER_ARN,
            oidc_token_file=_oidc_token(tmp_path),
        ),
        bidcert.Credentials.cli_profile(),
        bidcert.Credentials.credentials_file(),
        bidcert.Credentials.ecs_ram_role(endpoint=emu.metadata_url),
        bidcert.Credentials.credentials_uri(f"{emu.credentials_uri}?token={DEMO.OIDC_TOKEN}"),
        bidcert.Credentials.default_chain(),
        _role(emu),
    ]
    for creds in every:
        text = repr(creds)
        assert text.startswith("Credentials"), text
        _no_secret_in(text)
    with bidcert.Client(_role(emu), endpoint=emu.url) as client:
        _no_secret_in(repr(client))
