"""``alibabacloud_tea_openapi`` (signature V3, ACS3-HMAC-SHA256, by default) for
``GenerateAliyunBidCertWaysUrl``: ``call_api`` with the ``Params`` the generated Aas client
(``alibabacloud_aas20150701``, not on the package index) passes, over HTTP and over HTTPS with
the emulator's CA."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any, Iterator

import pytest
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi import utils_models as open_api_util_models
from alibabacloud_tea_openapi.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils import Utils
from darabonba.runtime import RuntimeOptions

from conftest import (
    ACCOUNT_KEY_ID,
    ACCOUNT_KEY_SECRET,
    KEY_ID,
    KEY_SECRET,
    OTHER_RESELLERS_PK,
    ROLE_ARN,
    UNVERIFIED_PK,
    VERIFIED_PK,
    Endpoint,
)

AAS_PARAMS = {
    "BidType": "NORMAL",
    "Platform": "h5",
    "SubjectType": "all",
    "Source": "BID",
    "IsOpenApp": "false",
    "IsMobile": "true",
}


def client(
    endpoint: Endpoint,
    key: tuple[str, str] = (KEY_ID, KEY_SECRET),
    token: str | None = None,
) -> Client:
    config = open_api_models.Config(
        access_key_id=key[0],
        access_key_secret=key[1],
        security_token=token,
        endpoint=endpoint.host,
        protocol=endpoint.scheme,
        ca=endpoint.ca_file,  # the SDK's option for the CA of HTTPS requests
    )
    return Client(config)


def params(action: str, version: str) -> open_api_util_models.Params:
    """What a generated client passes for an RPC action."""
    return open_api_util_models.Params(
        action=action,
        version=version,
        protocol="HTTPS",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )


def generate(c: Client, pk: str, as_form: bool = False) -> dict[str, Any]:
    fields = Utils.query({"AliyunPk": pk, **AAS_PARAMS})
    req = (
        open_api_util_models.OpenApiRequest(body=fields)
        if as_form
        else open_api_util_models.OpenApiRequest(query=fields)
    )
    answer: dict[str, Any] = c.call_api(
        params("GenerateAliyunBidCertWaysUrl", "2015-07-01"), req, RuntimeOptions()
    )
    return answer


@pytest.fixture
def authorizations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every `Authorization` the SDK computes, as it computes it."""
    seen: list[str] = []
    real = Utils.get_authorization

    def spy(*args: Any) -> str:
        value: str = real(*args)
        seen.append(value)
        return value

    monkeypatch.setattr(Utils, "get_authorization", staticmethod(spy))
    yield seen


def test_generate_succeeds_with_v3(endpoint: Endpoint) -> None:
    answer = generate(client(endpoint), UNVERIFIED_PK)
    assert answer["statusCode"] == 200
    body = answer["body"]
    assert body["Success"] is True
    assert body["Data"].startswith(f"{endpoint.scheme}://{endpoint.host}/cert/listCertWays.html?token=")
    assert len(body["RequestId"]) == 36
    [record] = endpoint.logged()
    assert record["signature_version"] == "v3"
    assert (record["action"], record["access_key_id"]) == ("GenerateAliyunBidCertWaysUrl", KEY_ID)


def test_parameters_sent_as_a_form_body_are_accepted(endpoint: Endpoint) -> None:
    body = generate(client(endpoint), UNVERIFIED_PK, as_form=True)["body"]
    assert body["Success"] is True


def test_query_succeeds_with_v3_too(endpoint: Endpoint) -> None:
    req = open_api_util_models.OpenApiRequest(query={"PK": VERIFIED_PK, "BidType": "NORMAL"})
    answer = client(endpoint).call_api(
        params("QueryBidUserCertifiedInfo", "2015-04-08"), req, RuntimeOptions()
    )
    assert '"isCertified":"1"' in answer["body"]["result"]


def test_a_business_error_has_the_real_status_and_code(endpoint: Endpoint) -> None:
    with pytest.raises(ClientException) as info:
        generate(client(endpoint), OTHER_RESELLERS_PK)
    e = info.value
    assert (e.status_code, e.code) == (403, "Bid Mismatch")
    assert e.data["Message"] == "Pk is not belong to the Bid."
    assert e.data["Success"] is False
    with pytest.raises(ClientException) as info:
        generate(client(endpoint), VERIFIED_PK)
    assert (info.value.status_code, info.value.code) == (400, "Already Certified")


def test_a_wrong_secret_quotes_the_canonical_request_the_sdk_signed(
    endpoint: Endpoint, authorizations: list[str]
) -> None:
    wrong = "not-the-secret"
    with pytest.raises(ClientException) as info:
        generate(client(endpoint, key=(KEY_ID, wrong)), UNVERIFIED_PK)
    e = info.value
    assert (e.status_code, e.code) == (400, "SignatureDoesNotMatch")
    message = e.data["Message"]
    found = re.fullmatch(
        r"Specified signature does not match our calculation\. "
        r"server StringToSign is \[(ACS3-HMAC-SHA256\n[0-9a-f]{64})\] "
        r"server CanonicalRequest is \[(.*)\]",
        message,
        re.DOTALL,
    )
    assert found, message
    string_to_sign, canonical_request = found.groups()
    assert string_to_sign.split("\n")[1] == hashlib.sha256(canonical_request.encode()).hexdigest()
    # The SDK's own signature over the server's string to sign: the emulator rebuilt exactly
    # the canonical request the SDK signed.
    [sent] = authorizations
    ours = hmac.new(wrong.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    assert sent.endswith(f",Signature={ours}"), (sent, canonical_request)


def test_sts_keys_assumed_with_v3_sign_v3_with_their_token(endpoint: Endpoint) -> None:
    req = open_api_util_models.OpenApiRequest(
        query={"RoleArn": ROLE_ARN, "RoleSessionName": "tea-openapi"}
    )
    account = client(endpoint, key=(ACCOUNT_KEY_ID, ACCOUNT_KEY_SECRET))
    creds = account.call_api(params("AssumeRole", "2015-04-01"), req, RuntimeOptions())["body"][
        "Credentials"
    ]
    temporary = client(
        endpoint,
        key=(creds["AccessKeyId"], creds["AccessKeySecret"]),
        token=creds["SecurityToken"],
    )
    assert generate(temporary, UNVERIFIED_PK)["body"]["Success"] is True
    log = endpoint.logged()
    assert [r["action"] for r in log] == ["AssumeRole", "GenerateAliyunBidCertWaysUrl"]
    assert log[1]["access_key_id"] == creds["AccessKeyId"]
    assert all(r["signature_version"] == "v3" for r in log)
