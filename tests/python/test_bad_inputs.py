"""Bad inputs of every kind are refused before anything is signed or sent: ValidationError
(also a ValueError) for bad values, TypeError for wrong types. Never a panic."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import bidcert

CREDS = bidcert.Credentials("LTAI5tExample", "secret")


@pytest.mark.parametrize(
    "pk", ["", " 1", "12a", "１２", "-1", "1.5", "9" * 33, "1234\n", "abc"], ids=repr
)
def test_pk_must_be_ascii_digits(pk: str) -> None:
    with pytest.raises(bidcert.ValidationError) as info:
        bidcert.QueryCertifiedInfo(pk=pk, bid_type="NORMAL")
    assert info.value.field == "PK"
    assert isinstance(info.value, ValueError)
    with pytest.raises(bidcert.ValidationError) as info:
        bidcert.GenerateCertWaysUrl(aliyun_pk=pk, bid_type="NORMAL")
    assert info.value.field == "AliyunPk"


@pytest.mark.parametrize("pk", [1234567890123456, None, b"123", 1.0, ["1"]], ids=repr)
def test_pk_of_another_type_is_a_type_error(pk: Any) -> None:
    with pytest.raises(TypeError):
        bidcert.QueryCertifiedInfo(pk=pk, bid_type="NORMAL")


@pytest.mark.parametrize(
    "field, kwargs",
    [
        ("BidType", {"bid_type": "GOLD"}),
        ("BidType", {"bid_type": ""}),
        ("Platform", {"platform": "web"}),
        ("SubjectType", {"subject_type": "people"}),
    ],
)
def test_unknown_enum_values_name_the_alternatives(field: str, kwargs: Any) -> None:
    args = {"aliyun_pk": "1", "bid_type": "NORMAL", **kwargs}
    with pytest.raises(bidcert.ValidationError) as info:
        bidcert.GenerateCertWaysUrl(**args)
    assert info.value.field == field
    assert "is not one of" in info.value.reason


def test_enum_members_plain_strings_and_any_case_are_accepted() -> None:
    for bt in (bidcert.BidType.LIGHTWEIGHT, "LIGHTWEIGHT", "lightweight"):
        op = bidcert.GenerateCertWaysUrl("1", bt, platform="H5", subject_type=bidcert.SubjectType.ALL)
        assert op.bid_type is bidcert.BidType.LIGHTWEIGHT
        assert op.platform is bidcert.Platform.H5
    assert bidcert.BidType("normal") is bidcert.BidType.NORMAL
    assert str(bidcert.Platform.APP) == "app"


@pytest.mark.parametrize("value", [1, None, True, object(), b"NORMAL"], ids=repr)
def test_enum_of_another_type_is_a_type_error(value: Any) -> None:
    with pytest.raises(TypeError):
        bidcert.QueryCertifiedInfo("1", value)


def test_flags_must_be_bools() -> None:
    with pytest.raises(TypeError):
        bidcert.GenerateCertWaysUrl("1", "NORMAL", is_mobile="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "args", [("", "s"), ("id", ""), ("id", "s\n"), ("id\t", "s"), ("id", "s", "")], ids=repr
)
def test_credentials_reject_empty_values_and_control_characters(args: Any) -> None:
    with pytest.raises(bidcert.ValidationError):
        bidcert.Credentials(*args)


def test_credentials_of_another_type_are_a_type_error() -> None:
    with pytest.raises(TypeError):
        bidcert.Credentials(1, "s")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bidcert.Signer("not credentials")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "params, exc",
    [
        ({"A": "1", "": "x"}, bidcert.ValidationError),
        ([("A", "1"), ("A", "2")], bidcert.ValidationError),
        ({"A": 1}, TypeError),
        ({1: "a"}, TypeError),
        ([("A",)], TypeError),
        (["AB"], TypeError),
        ("A=1", TypeError),
        (42, TypeError),
        ([("A", None)], TypeError),
    ],
    ids=repr,
)
def test_bad_params(params: Any, exc: type) -> None:
    with pytest.raises(exc):
        bidcert.string_to_sign("POST", params)
    with pytest.raises(exc):
        bidcert.signature("POST", params, "secret")


@pytest.mark.parametrize("method", ["post", "PUT", "", "GET "])
def test_method_is_exactly_get_or_post(method: str) -> None:
    with pytest.raises(bidcert.ValidationError):
        bidcert.string_to_sign(method, {"A": "1"})


def test_signature_param_is_never_signed_and_params_sort_by_bytes() -> None:
    assert bidcert.string_to_sign("GET", {"A": "1", "Signature": "x"}) == bidcert.string_to_sign(
        "GET", {"A": "1"}
    )
    assert bidcert.canonicalized_query({"a": "1", "A_B": "2", "AB": "3", "A": "4"}) == "A=4&AB=3&A_B=2&a=1"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timestamp": "2026-11-23 08:00:00"},
        {"timestamp": datetime.datetime(2026, 11, 23, 8)},  # naive
        {"timestamp": "1969-12-31T23:59:59Z"},
        {"nonce": ""},
        {"nonce": "has space"},
        {"nonce": "x" * 129},
    ],
    ids=repr,
)
def test_sign_rejects_bad_timestamps_and_nonces(kwargs: Any) -> None:
    op = bidcert.QueryCertifiedInfo("1", "NORMAL")
    with pytest.raises(bidcert.ValidationError):
        bidcert.Signer(CREDS).sign(op, **kwargs)


def test_sign_rejects_timestamps_and_ops_of_other_types() -> None:
    signer = bidcert.Signer(CREDS)
    with pytest.raises(TypeError):
        signer.sign(bidcert.QueryCertifiedInfo("1", "NORMAL"), timestamp=1700000000)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        signer.sign("QueryBidUserCertifiedInfo")  # type: ignore[arg-type]


def test_aware_datetimes_in_any_zone_sign_as_utc() -> None:
    op = bidcert.QueryCertifiedInfo("1", "NORMAL")
    cst = datetime.timezone(datetime.timedelta(hours=8))
    signer = bidcert.Signer(CREDS)
    a = signer.sign(op, timestamp=datetime.datetime(2026, 11, 23, 16, tzinfo=cst), nonce="n")
    b = signer.sign(op, timestamp="2026-11-23T08:00:00Z", nonce="n")
    assert a.url == b.url and a.timestamp == b.timestamp


@pytest.mark.parametrize(
    "kwargs",
    [
        {"endpoint": "crm.aliyuncs.com"},
        {"endpoint": "ftp://x"},
        {"endpoint": "https://a/b"},
        {"endpoint": "http://crm.example.com"},  # plain http off loopback
        {"timeout": 0},
        {"timeout": -1.0},
        {"timeout": float("nan")},
        {"connect_timeout": float("inf")},
        {"max_attempts": 0},
        {"max_attempts": -3},
        {"proxy": "not a url"},
    ],
    ids=repr,
)
def test_client_rejects_bad_options(kwargs: Any) -> None:
    with pytest.raises(bidcert.ValidationError):
        bidcert.Client(CREDS, **kwargs)


def test_client_option_types() -> None:
    with pytest.raises(TypeError):
        bidcert.Client(CREDS, timeout="10")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bidcert.Client("id:secret")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bidcert.Client(CREDS, timeout=1.0, nonsense=True)  # type: ignore[call-arg]


def test_client_call_shapes() -> None:
    client = bidcert.Client(CREDS, endpoint="http://127.0.0.1:9")
    with pytest.raises(TypeError):
        client.query_certified_info("1")  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        client.query_certified_info(bidcert.QueryCertifiedInfo("1", "NORMAL"), "NORMAL")  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        client.call("QueryBidUserCertifiedInfo")  # type: ignore[arg-type]
    with pytest.raises(bidcert.ValidationError):
        client.query_certified_info("", "NORMAL")
    client.close()


@pytest.mark.parametrize(
    "args, exc",
    [
        (("nowhere", "X", "1"), bidcert.ValidationError),
        (("crm", "", "1"), bidcert.ValidationError),
        (("crm", "X", ""), bidcert.ValidationError),
        (("crm", "X", "1", {"Timestamp": "x"}), bidcert.ValidationError),
        (("crm", "X", "1", {"Signature": "x"}), bidcert.ValidationError),
        (("crm", "X", "1", [("A", "1"), ("A", "2")]), bidcert.ValidationError),
        ((1, "X", "1"), TypeError),
    ],
    ids=repr,
)
def test_rpc_call_rejects_bad_values(args: Any, exc: type) -> None:
    with pytest.raises(exc):
        bidcert.RpcCall(*args)


@pytest.mark.parametrize("status", [0, 99, 600, -1, 70000], ids=repr)
def test_parsers_reject_impossible_statuses(status: int) -> None:
    with pytest.raises(bidcert.ValidationError):
        bidcert.parse_certified_info(status, "{}")


def test_parsers_reject_wrong_types_and_accept_bytes_and_str() -> None:
    body = '{"requestId":"r","result":"{\\"isCertified\\":\\"1\\"}"}'
    for b in (body, body.encode(), bytearray(body.encode()), memoryview(body.encode())):
        assert bidcert.parse_certified_info(200, b).is_certified
    with pytest.raises(TypeError):
        bidcert.parse_certified_info("200", body)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bidcert.parse_certified_info(True, body)
    with pytest.raises(TypeError):
        bidcert.parse_certified_info(200, None)  # type: ignore[arg-type]
    with pytest.raises(bidcert.ValidationError):
        bidcert.parse_cert_ways_url(200, body, "yesterday")


@pytest.mark.parametrize(
    "body",
    ["", "not json", "{", "[]", "<html>502</html>", '{"result": 5}', "\x00\xff"],
    ids=repr,
)
def test_unreadable_bodies_are_response_errors(body: str) -> None:
    with pytest.raises(bidcert.ResponseError) as info:
        bidcert.parse_certified_info(200, body)
    assert body not in str(info.value) or body == ""


def test_fast_auth_event_accepts_a_decoded_object_and_refuses_garbage() -> None:
    ev = bidcert.parse_fast_auth_event({"success": True, "type": "aliyun_fast_auth_success"})
    assert ev.type == "success" and ev.ends_flow
    with pytest.raises(bidcert.MalformedEventError):
        bidcert.parse_fast_auth_event("[1]")
    with pytest.raises(bidcert.OriginMismatchError):
        bidcert.parse_fast_auth_event('{"type":"init"}', "https://evil.example", "https://account.aliyun.com")
