"""The shared vectors (tests/vectors and BIDCERT_EXTRA_VECTORS), through the Python API."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Union

import pytest

import bidcert
from bidcert.exceptions import exception_class
from bidcert.exchange import Call, Done, Fail, Retry
from vectors import cases, vector_files

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
    assert e.kind == err["kind"]
    assert type(e) is exception_class(err["kind"])
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


def _subset(got: Mapping[str, Any], want: Mapping[str, Any], what: str) -> None:
    """Every key of `want` has its value in `got` (the vectors name what they check)."""
    for key, value in want.items():
        assert got[key] == value, f"{what} {key}: {got[key]!r}, want {value!r}"


def _operation(op: Dict[str, Any]) -> Union[bidcert.QueryCertifiedInfo, bidcert.GenerateCertWaysUrl, bidcert.RpcCall]:
    if op["type"] == "query_certified_info":
        return bidcert.QueryCertifiedInfo(op["pk"], op["bid_type"])
    if op["type"] == "generate_cert_ways_url":
        return bidcert.GenerateCertWaysUrl(op["aliyun_pk"], op["bid_type"])
    assert op["type"] == "rpc", op
    return bidcert.RpcCall(op["endpoint"], op["action"], op["version"], [tuple(p) for p in op["params"]])


def _policy(p: Dict[str, Any]) -> bidcert.Policy:
    """The vector's policy: milliseconds, as the vectors write them, to Policy's seconds."""
    seconds = {
        "attempt_timeout_ms": "timeout",
        "connect_timeout_ms": "connect_timeout",
        "budget_ms": "budget",
        "base_delay_ms": "base_delay",
        "max_delay_ms": "max_delay",
    }
    kwargs: Dict[str, Any] = {}
    for key, value in p.items():
        if key in seconds:
            kwargs[seconds[key]] = value / 1000
        else:
            kwargs[key] = value  # max_attempts, max_body_bytes
    return bidcert.Policy(**kwargs)


def _done(value: Any) -> Dict[str, Any]:
    if isinstance(value, bidcert.CertifiedInfo):
        return {"is_certified": value.is_certified, "request_id": value.request_id}
    if isinstance(value, bidcert.CertWaysUrl):
        return {
            "expires_at": value.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "request_id": value.request_id,
        }
    assert isinstance(value, dict), value
    return {"request_id": value.get("RequestId")}


def _failure(e: bidcert.BidcertError) -> Dict[str, Any]:
    api = e if isinstance(e, bidcert.ApiError) else None
    return {
        "kind": e.kind,
        "request_id": api.request_id if api else None,
        "clock_offset": api.clock_offset if api else None,
        "diagnosed": api is not None and api.diagnosis is not None,
    }


@pytest.mark.parametrize("case", cases("exchange"))
def test_exchange_vector(case: Dict[str, Any]) -> None:
    call: Call[Any] = Call(
        _operation(case["operation"]),
        bidcert.Credentials("LTAI5tBidcertTestKey01", "testsecret"),
        policy=_policy(case.get("policy", {})),
        clock_offset=case.get("clock_offset", 0),
    )
    start_ms = case["start_ms"]
    steps: List[Dict[str, Any]] = case["steps"]
    for i, step in enumerate(steps):
        at = (start_ms + step["at_ms"]) / 1000
        nonce = f"exchange-nonce-{i}"
        if "request_error" in step:
            with pytest.raises(bidcert.BidcertError) as info:
                call.next_request(now=at, nonce=nonce)
            assert info.value.kind == step["request_error"], f"step {i}"
            break
        attempt = call.next_request(now=at, nonce=nonce)
        # The scheme of the Authorization header, when there is one (V3).
        authorization = next(
            (v.split(" ")[0] for k, v in attempt.headers.items() if k.lower() == "authorization"), None
        )
        got_request = {
            "attempt": attempt.number,
            "timestamp": attempt.request.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "timeout_ms": round(attempt.timeout * 1000),
            "authorization": authorization,
        }
        _subset(got_request, step["request"], f"step {i} request")
        answered = (start_ms + step["after_ms"]) / 1000
        jitter = step.get("jitter", 0.5)
        if "transport" in step:
            decision = call.on_transport_error(step["transport"], "scripted", now=answered, jitter=jitter)
        else:
            r = step["response"]
            headers = [tuple(h) for h in r["headers"]]
            decision = call.on_response(r["status"], headers, r["body"], now=answered, jitter=jitter)
        want = {k: v for k, v in step["expect"].items() if k != "decision"}
        expected = step["expect"]["decision"]
        if isinstance(decision, Retry):
            assert expected == "retry", f"step {i}: retry after {decision.after} ({decision.cause!r})"
            lo, hi = want["delay_ms"]
            ms = decision.after * 1000
            assert lo - 1 <= ms <= hi + 1, f"step {i}: retry after {ms} ms, want {lo}..={hi}"
            assert decision.cause.kind == want["cause"], f"step {i}"
            assert isinstance(decision.cause, exception_class(want["cause"]))
        elif isinstance(decision, Done):
            assert expected == "done", f"step {i}: done ({decision.value!r})"
            _subset(_done(decision.value), want, f"step {i} done")
        else:
            assert isinstance(decision, Fail)
            assert expected == "fail", f"step {i}: fail ({decision.error!r})"
            _subset(_failure(decision.error), want, f"step {i} fail")
    _subset({"attempts": call.attempts, "clock_offset": call.clock_offset}, case["expect"], "call")


def test_extra_vector_files_are_read_and_broken_ones_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    good = tmp_path / "extra.json"
    good.write_text('{"kind": "signing", "cases": [{"name": "x"}]}', encoding="utf-8")
    exchange = tmp_path / "exchange.json"
    exchange.write_text('{"kind": "exchange", "cases": [{"name": "y"}]}', encoding="utf-8")
    bad_kind = tmp_path / "odd.json"
    bad_kind.write_text('{"kind": "telepathy", "cases": []}', encoding="utf-8")
    monkeypatch.setenv(
        "BIDCERT_EXTRA_VECTORS", f"{good}::{tmp_path / 'missing.json'}:{bad_kind}:{exchange}"
    )
    files = {f.path: f for f in vector_files()}
    assert files[str(exchange)].kind == "exchange"
    assert files[str(good)].kind == "signing" and files[str(good)].cases == [{"name": "x"}]
    assert files[str(tmp_path / "missing.json")].error
    assert "unknown kind" in (files[str(bad_kind)].error or "")
