"""bidcert.exchange.Call: the core's call engine driven from Python with an HTTP stack of one's
own. The module's documented urllib driver runs as written, against the emulator and its
faults; the rest checks the protocol's inputs and misuse."""

from __future__ import annotations

import datetime
import email.message
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Callable, Dict, Iterator

import pytest

import bidcert
from bidcert import exchange
from bidcert.exchange import Call, Done, Fail, Retry
from bidcert.testing import DEMO, Emulator


def _documented_example() -> str:
    """The code block of bidcert.exchange's docstring."""
    doc = exchange.__doc__ or ""
    block = doc.split("::\n", 1)[1]
    return textwrap.dedent(block.split('"""', 1)[0]).strip() + "\n"


def _run_example(emu: Emulator, pk: str) -> Dict[str, Any]:
    namespace: Dict[str, Any] = {
        "credentials": emu.credentials,
        "endpoint": emu.url,
        "pk": pk,
    }
    exec(compile(_documented_example(), "bidcert.exchange example", "exec"), namespace)
    return namespace


@pytest.fixture
def drive(bidcert_emulator: Emulator) -> Iterator[Callable[[Call[Any]], Any]]:
    """The documented driver, defined by running the example once."""
    namespace = _run_example(bidcert_emulator, bidcert_emulator.personal_pk)
    bidcert_emulator.clear_requests()
    yield namespace["drive"]


def _signer(emu: Emulator) -> bidcert.Signer:
    return bidcert.Signer(emu.credentials, crm_endpoint=emu.url, aas_endpoint=emu.url)


def _query(emu: Emulator, **kw: Any) -> Call[bidcert.CertifiedInfo]:
    return Call(bidcert.QueryCertifiedInfo(emu.personal_pk, "NORMAL"), _signer(emu), **kw)


def test_the_documented_driver_runs_as_written(bidcert_emulator: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    namespace = _run_example(bidcert_emulator, bidcert_emulator.personal_pk)
    assert capsys.readouterr().out == "True\n"
    assert namespace["info"].is_certified and namespace["clock_offset"] == 0
    assert [r["status"] for r in bidcert_emulator.requests()] == [200]


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "http_503"},
        {"kind": "http_500"},
        {"kind": "throttling", "retry_after_ms": 50},
        {"kind": "drop_connection"},
        {"kind": "truncated_body"},
        {"kind": "non_json_body"},
    ],
    ids=lambda f: f["kind"],
)
def test_the_driver_recovers_from_each_fault_as_the_engine_decides(
    bidcert_emulator: Emulator, drive: Callable[[Call[Any]], Any], fault: Dict[str, Any]
) -> None:
    bidcert_emulator.add_fault(dict(fault, next=1))
    call = _query(bidcert_emulator, policy=bidcert.Policy(base_delay=0.005, max_delay=0.02))
    assert drive(call).is_certified
    assert call.attempts == 2 and call.finished
    nonces = [r["nonce"] for r in bidcert_emulator.requests()]
    assert len(nonces) == 2 and len(set(nonces)) == 2


def test_a_body_over_the_limit_is_refused(
    bidcert_emulator: Emulator, drive: Callable[[Call[Any]], Any]
) -> None:
    call = _query(bidcert_emulator, policy=bidcert.Policy(max_body_bytes=16))
    with pytest.raises(bidcert.ResponseError, match="limit of 16 bytes"):
        drive(call)
    assert call.attempts == 1


def test_the_documented_driver_type_checks(tmp_path: Path) -> None:
    source = tmp_path / "driver.py"
    source.write_text(
        "import bidcert\ncredentials = bidcert.Credentials('id', 'secret')\n"
        "endpoint = 'http://127.0.0.1:1'\npk = '1000000000000002'\n" + _documented_example(),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_slow_answer_times_out_and_is_retried(
    bidcert_emulator: Emulator, drive: Callable[[Call[Any]], Any]
) -> None:
    bidcert_emulator.inject_fault("latency", latency_ms=600)
    call = _query(bidcert_emulator, policy=bidcert.Policy(timeout=0.2, base_delay=0.005))
    assert drive(call).is_certified
    assert call.attempts == 2


def test_the_driver_raises_what_the_engine_decides(
    bidcert_emulator: Emulator, drive: Callable[[Call[Any]], Any]
) -> None:
    op = bidcert.QueryCertifiedInfo(DEMO.LIGHTWEIGHT_CUSTOMER_PK, "NORMAL")
    with pytest.raises(bidcert.BidMismatchError) as info:
        drive(Call(op, _signer(bidcert_emulator)))
    assert info.value.request_id
    bidcert_emulator.inject_fault("http_503", count=5)
    call = _query(bidcert_emulator, policy=bidcert.Policy(max_attempts=2, base_delay=0.005))
    with pytest.raises(bidcert.ServiceUnavailableError):
        drive(call)
    assert call.attempts == 2


def test_the_driver_corrects_a_skewed_clock_and_the_next_call_keeps_it(
    bidcert_emulator: Emulator, drive: Callable[[Call[Any]], Any]
) -> None:
    bidcert_emulator.set_clock_offset(1200)
    first = _query(bidcert_emulator)
    assert drive(first).is_certified
    assert first.attempts == 2 and abs(first.clock_offset - 1200) <= 2
    link = Call(
        bidcert.GenerateCertWaysUrl(bidcert_emulator.unverified_pk, "NORMAL"),
        _signer(bidcert_emulator),
        clock_offset=first.clock_offset,
    )
    url = drive(link)
    assert link.attempts == 1
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((url.issued_at - now).total_seconds() - 1200) <= 5  # issued on the server's clock


def test_any_rpc_action_is_done_with_its_json(
    bidcert_emulator: Emulator, drive: Callable[[Call[Any]], Any]
) -> None:
    rpc = bidcert.RpcCall("crm", "QueryBidUserCertifiedInfo", "2015-04-08", {"PK": DEMO.PERSONAL_PK, "BidType": "NORMAL"})
    body = drive(Call(rpc, _signer(bidcert_emulator)))
    assert isinstance(body, dict) and "result" in body


# --- the protocol's inputs ------------------------------------------------------------------

OK = '{"requestId":"r-1","result":"{\\"isCertified\\":\\"1\\"}"}'
AT = datetime.datetime(2026, 11, 23, 8, tzinfo=datetime.timezone.utc)


def _offline(**kw: Any) -> Call[bidcert.CertifiedInfo]:
    return Call(bidcert.QueryCertifiedInfo("1000000000000002", "NORMAL"), bidcert.Credentials("id", "secret"), **kw)


def test_an_attempt_carries_what_a_driver_needs() -> None:
    call = _offline(policy=bidcert.Policy(user_agent_suffix="reseller/2"))
    attempt = call.next_request(now=AT, nonce="n-1")
    assert attempt.number == 1 and attempt.method == "POST" and attempt.body == b""
    assert attempt.url.startswith("https://crm-cn-hangzhou.aliyuncs.com/?")
    assert "SignatureNonce=n-1" in attempt.url
    assert attempt.headers["Accept"] == "application/json"
    assert attempt.headers["User-Agent"] == bidcert.Policy().user_agent + " reseller/2"
    assert attempt.timeout == bidcert.Policy().timeout
    assert attempt.connect_timeout == bidcert.Policy().connect_timeout
    assert attempt.max_body_bytes == bidcert.Policy().max_body_bytes
    assert attempt.request.timestamp == AT
    assert "secret" not in repr(attempt) and "Signature=" not in repr(attempt).replace("Signature=<", "")


def test_headers_as_a_mapping_pairs_bytes_or_an_http_message() -> None:
    throttled = '{"Code":"Throttling.User","Message":"slow down"}'
    message = email.message.Message()
    message["X-Acs-Retry-After"] = "1500"
    for headers in (
        {"x-acs-retry-after": "1500", "Content-Type": "application/json"},
        [("X-ACS-Retry-After", "1500")],
        [(b"x-acs-retry-after", b"1500")],
        message,
    ):
        call = _offline()
        call.next_request(now=AT)
        decision = call.on_response(400, headers, throttled, now=AT, jitter=0.0)
        assert isinstance(decision, Retry) and decision.after == 1.5, headers
        assert isinstance(decision.cause, bidcert.ThrottlingError)
    with pytest.raises(TypeError):
        call = _offline()
        call.next_request(now=AT)
        call.on_response(400, 42, throttled)  # type: ignore[arg-type]


def test_now_is_an_aware_datetime_or_epoch_seconds() -> None:
    call = _offline()
    assert call.next_request(now=AT.timestamp()).request.timestamp == AT
    done = call.on_response(200, {}, OK.encode(), now=AT + datetime.timedelta(seconds=1))
    assert isinstance(done, Done) and done.value.is_certified and done.value.request_id == "r-1"
    with pytest.raises(bidcert.ValidationError, match="naive"):
        _offline().next_request(now=datetime.datetime(2026, 11, 23, 8))
    with pytest.raises(TypeError):
        _offline().next_request(now=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _offline().next_request(now="2026-11-23T08:00:00Z")  # type: ignore[arg-type]


def test_transport_kinds_are_the_cores() -> None:
    for kind in exchange.TRANSPORT_KINDS:
        call = _offline()
        call.next_request(now=AT)
        decision = call.on_transport_error(kind, "scripted", now=AT, jitter=1.0)
        assert isinstance(decision, (Retry, Fail))
        error = decision.cause if isinstance(decision, Retry) else decision.error
        assert error.kind == kind and isinstance(error, bidcert.TransportError)
        assert isinstance(decision, Retry) is error.retryable
    call = _offline()
    call.next_request(now=AT)
    with pytest.raises(bidcert.ValidationError, match="connect, timeout, reset, tls"):
        call.on_transport_error("gremlins", "?")


def test_the_protocol_refuses_calls_out_of_turn() -> None:
    call = _offline()
    decision = call.on_response(200, {}, OK)
    assert isinstance(decision, Fail) and isinstance(decision.error, bidcert.ValidationError)
    call = _offline()
    call.next_request(now=AT)
    with pytest.raises(bidcert.ValidationError, match="in flight"):
        call.next_request(now=AT)
    assert isinstance(call.on_response(200, [], OK, now=AT), Done)
    with pytest.raises(bidcert.ValidationError, match="finished"):
        call.next_request(now=AT)


def test_the_budget_ends_the_call_with_a_timeout() -> None:
    call = _offline(policy=bidcert.Policy(budget=1.0))
    call.next_request(now=AT)
    assert isinstance(call.on_transport_error("reset", "x", now=AT, jitter=0.0), Retry)
    with pytest.raises(bidcert.TimeoutError, match="budget"):
        call.next_request(now=AT + datetime.timedelta(seconds=1))
    assert call.finished


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match="QueryCertifiedInfo"):
        Call("1000000000000002", bidcert.Credentials("id", "secret"))  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="Signer or Credentials"):
        Call(bidcert.QueryCertifiedInfo("1", "NORMAL"), "secret")  # type: ignore[call-overload]
    with pytest.raises(bidcert.ValidationError):
        _offline().next_request(nonce="")
    call = _offline()
    call.next_request(now=AT)
    with pytest.raises(bidcert.ValidationError):
        call.on_response(99, {}, OK)


def test_policy_defaults_are_the_cores_and_shared_by_client_and_call() -> None:
    p = bidcert.Policy()
    assert p == bidcert.Policy(max_attempts=p.max_attempts, timeout=p.timeout, budget=p.budget)
    assert _offline().policy == p
    with bidcert.Client(bidcert.Credentials("id", "secret")) as client:
        assert client.policy == p and client.clock_offset == 0
    custom = bidcert.Policy(max_attempts=5, budget=60.0, base_delay=0.1, max_delay=1.0, max_body_bytes=4096)
    assert (custom.max_attempts, custom.budget, custom.base_delay, custom.max_delay, custom.max_body_bytes) == (
        5, 60.0, 0.1, 1.0, 4096,
    )
    with bidcert.Client(bidcert.Credentials("id", "secret"), policy=custom, max_attempts=2) as client:
        assert client.policy.max_attempts == 2 and client.policy.budget == 60.0
    for bad in ({"max_attempts": 0}, {"max_attempts": -1}, {"timeout": 0.0}, {"budget": float("nan")},
                {"connect_timeout": -1.0}, {"base_delay": 3.0, "max_delay": 1.0}, {"max_body_bytes": 0},
                {"user_agent_suffix": "a\nb"}):
        with pytest.raises(bidcert.ValidationError):
            bidcert.Policy(**bad)
        with pytest.raises(bidcert.ValidationError):
            bidcert.Client(bidcert.Credentials("id", "secret"), **bad)
