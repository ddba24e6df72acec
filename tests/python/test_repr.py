"""repr and str never show a secret, a token, a signature or unmasked personal data."""

from __future__ import annotations

import pytest

import bidcert
from bidcert.testing import DEMO, Emulator

SECRET = "Sup3rS3cretValue"
TOKEN = "STS.TokenValue123"


def test_credentials_repr_hides_secret_and_token() -> None:
    c = bidcert.Credentials("LTAI5tVisibleId", SECRET, TOKEN)
    for text in (repr(c), str(c)):
        assert SECRET not in text and TOKEN not in text
        assert "LTAI5tVisibleId" in text
    assert c.is_temporary
    assert not hasattr(c, "access_key_secret")


def test_signed_request_repr_hides_signature_and_token() -> None:
    c = bidcert.Credentials("id", SECRET, TOKEN)
    req = bidcert.Signer(c).sign(bidcert.QueryCertifiedInfo("1", "NORMAL"))
    for text in (repr(req), req.redacted_url):
        assert bidcert.percent_encode(req.signature) not in text
        assert TOKEN not in text and SECRET not in text


def test_signer_and_client_reprs_hide_secrets() -> None:
    c = bidcert.Credentials("id", SECRET, TOKEN)
    signer = bidcert.Signer(c)
    client = bidcert.Client(c, endpoint="http://127.0.0.1:9")
    for text in (repr(signer), repr(client)):
        assert SECRET not in text and TOKEN not in text


def test_certified_info_repr_masks_personal_data(bidcert_emulator: Emulator) -> None:
    with bidcert_emulator.client() as client:
        info = client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
    text = repr(info) + str(info)
    for personal in (info.name, info.phone, info.cert_number):
        assert personal and personal not in text
    assert "is_certified=True" in text
    with pytest.raises(AttributeError):
        info.name = "x"  # type: ignore[misc]  # frozen


def test_cert_ways_url_repr_hides_the_one_time_token(bidcert_emulator: Emulator) -> None:
    with bidcert_emulator.client() as client:
        link = client.generate_cert_ways_url(DEMO.UNVERIFIED_PK, "NORMAL")
    assert "?" in link.url
    assert link.url.split("?", 1)[1] not in repr(link)


def test_errors_never_carry_the_secret(bidcert_emulator: Emulator) -> None:
    creds = bidcert.Credentials(DEMO.NORMAL_ACCESS_KEY_ID, SECRET)
    with bidcert_emulator.client(creds, max_attempts=1) as client:
        with pytest.raises(bidcert.SignatureMismatchError) as info:
            client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
    e = info.value
    for text in (str(e), repr(e), repr(e.diagnosis), str(e.diagnosis), repr(e.args)):
        assert SECRET not in text


def test_emulator_repr_has_no_secrets(bidcert_emulator: Emulator) -> None:
    assert DEMO.NORMAL_ACCESS_KEY_SECRET not in repr(bidcert_emulator)
