"""The shared vectors (tests/vectors and BIDCERT_EXTRA_VECTORS), through the Python API."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest

import bidcert
from vectors import cases, vector_files

API_ERRORS = {
    "empty_pk": bidcert.EmptyPkError,
    "not_bid": bidcert.NotBidError,
    "bid_mismatch": bidcert.BidMismatchError,
    "invalid_pk": bidcert.InvalidPkError,
    "already_certified": bidcert.AlreadyCertifiedError,
    "api_not_found": bidcert.ApiNotFoundError,
    "access_key_not_found": bidcert.AccessKeyNotFoundError,
    "signature_nonce_used": bidcert.SignatureNonceUsedError,
    "signature_mismatch": bidcert.SignatureMismatchError,
    "throttling": bidcert.ThrottlingError,
    "timestamp": bidcert.TimestampError,
    "service_unavailable": bidcert.ServiceUnavailableError,
    "internal_error": bidcert.InternalServerError,
    "missing_parameter": bidcert.MissingParameterError,
    "unknown": bidcert.ApiError,
}


def test_every_vector_file_loads_with_a_known_kind() -> None:
    files = vector_files()
    assert len([f for f in files if f.kind is not None]) >= 5
    broken = [f"{f.path}: {f.error}" for f in files if f.error]
    assert not broken, broken


@pytest.mark.parametrize("case", cases("signing"))
def test_signing_vector(case: Dict[str, Any]) -> None:
    params = [tuple(p) for p in case["params"]]
    assert bidcert.canonicalized_query(params) == case["canonicalized_query"], "canonicalized_query"
    assert bidcert.string_to_sign(case["method"], params) == case["string_to_sign"], "string_to_sign"
    assert (
        bidcert.signature(case["method"], params, case["access_key_secret"]) == case["signature"]
    ), "signature"
    # A mapping gives the same answers as the pairs.
    assert bidcert.signature(case["method"], dict(params), case["access_key_secret"]) == case[
        "signature"
    ]


@pytest.mark.parametrize("case", cases("signing_v3"))
def test_signing_v3_vector(case: Dict[str, Any]) -> None:
    # Stage by stage: each stage's input is the previous stage's output.
    query = [tuple(p) for p in case["query"]]
    headers = [tuple(h) for h in case["headers"]]
    cr = bidcert.v3_canonical_request(
        case["method"], case["canonical_uri"], query, headers, case["hashed_payload"]
    )
    assert cr == case["canonical_request"], "canonical_request"
    assert bidcert.v3_string_to_sign(cr) == case["string_to_sign"], "string_to_sign"
    assert (
        bidcert.v3_authorization(cr, case["access_key_id"], case["access_key_secret"])
        == case["authorization"]
    ), "authorization"


def _parse(case: Dict[str, Any]) -> Any:
    if case["operation"] == "query_certified_info":
        return bidcert.parse_certified_info(case["status"], case["body"])
    return bidcert.parse_cert_ways_url(case["status"], case["body"], case["issued_at"])


def _cert_type(v: Any) -> Optional[str]:
    return None if v is None else str(v)


@pytest.mark.parametrize("case", cases("responses"))
def test_response_vector(case: Dict[str, Any]) -> None:
    if "expect" in case:
        got = _parse(case)
        want = case["expect"]
        if case["operation"] == "query_certified_info":
            assert got.request_id == want["request_id"]
            assert got.aliyun_pk == want["aliyun_pk"]
            assert got.is_certified is want["is_certified"]
            assert got.account_cert_type == want["account_cert_type"]
            assert got.name == want["name"]
            assert got.phone == want["phone"]
            assert _cert_type(got.cert_type) == want["cert_type"]
            assert got.cert_number == want["cert_number"]
        else:
            assert got.request_id == want["request_id"]
            assert got.url == want["url"]
            assert got.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ") == want["expires_at"]
            assert got.expires_at.utcoffset() is not None
        return
    err = case["error"]
    if err["kind"] == "parse":
        with pytest.raises(bidcert.ResponseError) as info:
            _parse(case)
        assert info.value.http_status == err["http_status"]
        return
    with pytest.raises(bidcert.ApiError) as api:
        _parse(case)
    e = api.value
    assert type(e) is API_ERRORS[err["kind"]]
    assert e.kind == err["kind"]
    assert e.code == err["code"]
    assert e.message == err["message"]
    assert e.request_id == err["request_id"]
    assert e.http_status == err["http_status"]
    assert e.retryable is err["retryable"]


@pytest.mark.parametrize("case", cases("fast_auth_events"))
def test_fast_auth_event_vector(case: Dict[str, Any]) -> None:
    args = (case["data"], case["origin"], case["expected_origin"])
    if "expect" in case:
        ev = bidcert.parse_fast_auth_event(*args)
        want = case["expect"]
        assert (ev.type, ev.success, ev.reason, ev.ends_flow) == (
            want["type"],
            want["success"],
            want["reason"],
            want["ends_flow"],
        )
        return
    with pytest.raises(bidcert.EventError) as info:
        bidcert.parse_fast_auth_event(*args)
    assert info.value.kind == case["error"]["kind"]
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("case", cases("diagnosis"))
def test_diagnosis_vector(case: Dict[str, Any]) -> None:
    # A V3 case gives our canonical request; a v1.0 case our string to sign.
    if "canonical_request" in case:
        d = bidcert.v3_diagnose_signature_mismatch(case["server_message"], case["canonical_request"])
    else:
        d = bidcert.diagnose_signature_mismatch(case["server_message"], case["string_to_sign"])
    want = case["expect"]
    assert d.server_string_found is want["server_string_found"]
    assert d.identical is want["identical"]
    got = []
    for diff, expected in zip(d.differences, want["differences"]):
        fields = {"kind": diff.kind, "name": diff.name, "ours": diff.ours, "server": diff.server}
        got.append({k: fields[k] for k in expected})
    assert len(d.differences) == len(want["differences"])
    assert got == want["differences"]


def test_extra_vector_files_are_read_and_broken_ones_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    good = tmp_path / "extra.json"
    good.write_text('{"kind": "signing", "cases": [{"name": "x"}]}', encoding="utf-8")
    bad_kind = tmp_path / "odd.json"
    bad_kind.write_text('{"kind": "telepathy", "cases": []}', encoding="utf-8")
    monkeypatch.setenv(
        "BIDCERT_EXTRA_VECTORS", f"{good}::{tmp_path / 'missing.json'}:{bad_kind}"
    )
    files = {f.path: f for f in vector_files()}
    assert files[str(good)].kind == "signing" and files[str(good)].cases == [{"name": "x"}]
    assert files[str(tmp_path / "missing.json")].error
    assert "unknown kind" in (files[str(bad_kind)].error or "")
