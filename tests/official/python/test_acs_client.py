"""aliyun-python-sdk-core's ``AcsClient`` with a ``CommonRequest`` (RPC, signature v1.0) for
both actions, against the emulator over HTTP and over HTTPS with its CA."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.http import protocol_type
from aliyunsdkcore.request import CommonRequest

from conftest import KEY_ID, KEY_SECRET, OTHER_RESELLERS_PK, UNVERIFIED_PK, VERIFIED_PK, Endpoint


def client(endpoint: Endpoint, secret: str = KEY_SECRET, **kwargs: Any) -> AcsClient:
    # `verify` is the SDK's option for the CA bundle of HTTPS requests.
    kwargs.setdefault("verify", endpoint.ca_file)
    return AcsClient(KEY_ID, secret, "cn-hangzhou", auto_retry=False, **kwargs)


def common_request(endpoint: Endpoint, action: str, version: str, params: dict[str, str]) -> CommonRequest:
    r = CommonRequest()
    r.set_accept_format("json")
    r.set_domain(endpoint.host)
    r.set_method("POST")
    # The SDK compares the protocol by identity (`is`): it must be its own constant.
    r.set_protocol_type(protocol_type.HTTPS if endpoint.scheme == "https" else protocol_type.HTTP)
    r.set_version(version)
    r.set_action_name(action)
    for k, v in params.items():
        r.add_query_param(k, v)
    return r


def query(endpoint: Endpoint, pk: str) -> CommonRequest:
    return common_request(
        endpoint, "QueryBidUserCertifiedInfo", "2015-04-08", {"PK": pk, "BidType": "NORMAL"}
    )


def generate(endpoint: Endpoint, pk: str) -> CommonRequest:
    params = {
        "AliyunPk": pk,
        "BidType": "NORMAL",
        "Platform": "pc",
        "SubjectType": "all",
        "Source": "BID",
        "IsOpenApp": "false",
        "IsMobile": "false",
    }
    return common_request(endpoint, "GenerateAliyunBidCertWaysUrl", "2015-07-01", params)


def test_query_reports_certification_in_its_result_string(endpoint: Endpoint) -> None:
    body = json.loads(client(endpoint).do_action_with_exception(query(endpoint, VERIFIED_PK)))
    result = json.loads(body["result"])
    assert result["isCertified"] == "1"
    assert result["aliyunPk"] == VERIFIED_PK
    assert result["certType"] == "0" and result["accountCertType"] == "personal"
    assert len(body["requestId"]) == 36
    [record] = endpoint.logged()
    assert record["signature_version"] == "v1" and record["code"] is None


def test_generate_returns_a_link_on_the_same_scheme(endpoint: Endpoint) -> None:
    body = json.loads(client(endpoint).do_action_with_exception(generate(endpoint, UNVERIFIED_PK)))
    assert body["Success"] is True
    assert body["Data"].startswith(f"{endpoint.scheme}://{endpoint.host}/cert/listCertWays.html?token=")
    [record] = endpoint.logged()
    assert record["action"] == "GenerateAliyunBidCertWaysUrl"


@pytest.mark.parametrize("make", [query, generate], ids=["query", "generate"])
def test_a_business_error_has_the_real_status_and_code(endpoint: Endpoint, make: Any) -> None:
    with pytest.raises(ServerException) as info:
        client(endpoint).do_action_with_exception(make(endpoint, OTHER_RESELLERS_PK))
    e = info.value
    assert (e.get_http_status(), e.get_error_code()) == (403, "Bid Mismatch")
    assert e.get_error_msg() == "Pk is not belong to the Bid."
    assert len(e.get_request_id()) == 36


def test_a_wrong_secret_quotes_exactly_the_string_the_sdk_signed(endpoint: Endpoint) -> None:
    r = query(endpoint, UNVERIFIED_PK)
    with pytest.raises(ServerException) as info:
        client(endpoint, secret="not-the-secret").do_action_with_exception(r)
    e = info.value
    assert (e.get_http_status(), e.get_error_code()) == (400, "SignatureDoesNotMatch")
    marker = "server string to sign is:"
    assert marker in e.get_error_msg()
    # The SDK keeps what it signed on the request it built from the CommonRequest.
    assert e.get_error_msg().split(marker, 1)[1] == r.request.string_to_sign


def test_the_ca_may_come_from_the_sdks_environment_variable(
    https_endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = https_endpoint
    monkeypatch.setenv("ALIBABA_CLOUD_CA_BUNDLE", endpoint.ca_file or "")
    body = json.loads(client(endpoint, verify=None).do_action_with_exception(query(endpoint, UNVERIFIED_PK)))
    assert json.loads(body["result"])["isCertified"] == "0"
    monkeypatch.delenv("ALIBABA_CLOUD_CA_BUNDLE")
    with pytest.raises(Exception, match="CERTIFICATE_VERIFY_FAILED"):
        client(endpoint, verify=None).do_action_with_exception(query(endpoint, UNVERIFIED_PK))
