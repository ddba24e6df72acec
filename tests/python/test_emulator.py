"""Both operations and every error class, against the in-process emulator."""

from __future__ import annotations

import datetime
import socket
import urllib.error
import urllib.request
from typing import Dict, Tuple

import pytest

import bidcert
from bidcert.testing import DEMO, Emulator


def send(request: bidcert.SignedRequest) -> Tuple[int, bytes]:
    """Sends a signed request with urllib (any HTTP client works)."""
    req = urllib.request.Request(request.url, data=request.body, method=request.method)
    for k, v in request.headers.items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def send_params(url: str, params: Dict[str, str], secret: str) -> Tuple[int, bytes]:
    """Signs `params` as given (common parameters included) and POSTs them."""
    sig = bidcert.signature("POST", params, secret)
    query = "&".join(
        f"{bidcert.percent_encode(k)}={bidcert.percent_encode(v)}"
        for k, v in {**params, "Signature": sig}.items()
    )
    req = urllib.request.Request(f"{url}/?{query}", data=b"", method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


# --- the two operations ---------------------------------------------------------------


def test_query_reports_a_verified_personal_customer(bidcert_emulator: Emulator) -> None:
    with bidcert_emulator.client() as client:
        info = client.query_certified_info(bidcert_emulator.personal_pk, bidcert.BidType.NORMAL)
    assert info.is_certified is True
    assert info.aliyun_pk == DEMO.PERSONAL_PK
    assert info.account_cert_type == "personal"
    assert info.cert_type is bidcert.CertType.ID and info.cert_type_code == "0"
    assert info.name == "Zhang San"
    assert info.request_id


def test_query_reports_an_enterprise_certificate(bidcert_emulator: Emulator) -> None:
    with bidcert_emulator.client() as client:
        info = client.query_certified_info(
            bidcert.QueryCertifiedInfo(pk=bidcert_emulator.enterprise_pk, bid_type="NORMAL")
        )
    assert info.cert_type == bidcert.CertType.BUSINESS
    assert info.account_cert_type == "enterprise"


def test_query_reports_an_unverified_customer(bidcert_emulator: Emulator) -> None:
    with bidcert_emulator.client() as client:
        info = client.query_certified_info(bidcert_emulator.unverified_pk, "normal")
    assert info.is_certified is False
    assert info.name is None and info.cert_type is None


def test_link_then_verification_then_query(bidcert_emulator: Emulator) -> None:
    emu = bidcert_emulator
    before = datetime.datetime.now(datetime.timezone.utc)
    with emu.client() as client:
        link = client.generate_cert_ways_url(
            emu.unverified_pk,
            bidcert.BidType.NORMAL,
            platform=bidcert.Platform.H5,
            subject_type="personal",
            is_open_app=True,
            is_mobile=True,
        )
        assert link.url.startswith(emu.url)
        assert link.origin == emu.url
        assert link.expires_at.tzinfo is not None
        assert link.expires_at - link.issued_at == datetime.timedelta(hours=3)
        assert before - datetime.timedelta(seconds=2) <= link.issued_at
        assert not link.is_expired()
        assert link.is_expired(link.expires_at)
        state = emu.verify_customer(emu.unverified_pk)
        assert state["verified"] is True
        assert client.query_certified_info(emu.unverified_pk, "NORMAL").is_certified
    sent = emu.requests()[0]
    assert sent["action"] == "GenerateAliyunBidCertWaysUrl" and sent["status"] == 200


def test_generate_accepts_an_operation_object(bidcert_emulator: Emulator) -> None:
    op = bidcert.GenerateCertWaysUrl(
        aliyun_pk=bidcert_emulator.lightweight_customer_pk,
        bid_type=bidcert.BidType.LIGHTWEIGHT,
        platform="app",
        subject_type=bidcert.SubjectType.ENTERPRISE,
        is_open_app=False,
        is_mobile=True,
    )
    with bidcert_emulator.client(bidcert_emulator.lightweight_credentials) as client:
        link = client.generate_cert_ways_url(op)
    assert link.request_id


def test_rpc_call_returns_the_json_object(bidcert_emulator: Emulator) -> None:
    call = bidcert.RpcCall(
        "crm",
        "QueryBidUserCertifiedInfo",
        "2015-04-08",
        {"PK": bidcert_emulator.personal_pk, "BidType": "NORMAL"},
    )
    with bidcert_emulator.client() as client:
        body = client.call(call)
    assert isinstance(body, dict) and "result" in body


def test_signer_output_is_accepted_by_the_emulator(bidcert_emulator: Emulator) -> None:
    signer = bidcert.Signer(
        bidcert_emulator.credentials,
        crm_endpoint=bidcert_emulator.url,
        aas_endpoint=bidcert_emulator.url,
    )
    req = signer.sign(bidcert.QueryCertifiedInfo(bidcert_emulator.personal_pk, "NORMAL"))
    status, body = send(req)
    assert status == 200
    assert bidcert.parse_certified_info(status, body).is_certified


def test_sts_credentials_send_the_security_token(bidcert_emulator: Emulator) -> None:
    creds = bidcert.Credentials(DEMO.NORMAL_ACCESS_KEY_ID, DEMO.NORMAL_ACCESS_KEY_SECRET, "tok+/=")
    signer = bidcert.Signer(creds, crm_endpoint=bidcert_emulator.url)
    req = signer.sign(bidcert.QueryCertifiedInfo(bidcert_emulator.personal_pk, "NORMAL"))
    assert "SecurityToken=tok%2B%2F%3D" in req.canonicalized_query
    assert "tok%2B" not in repr(req)


# --- every API error class --------------------------------------------------------------


def _raises(exc: type, emu: Emulator, fn_name: str, *args: object, **kw: object) -> bidcert.ApiError:
    creds = kw.pop("credentials", None)
    with emu.client(creds, max_attempts=1) as client:  # type: ignore[arg-type]
        with pytest.raises(exc) as info:
            getattr(client, fn_name)(*args)
    e = info.value
    assert type(e) is exc, type(e)
    assert isinstance(e, bidcert.ApiError) and isinstance(e, bidcert.BidcertError)
    assert e.request_id and e.code and e.http_status >= 400
    return e


def test_empty_pk(bidcert_emulator: Emulator) -> None:
    call = bidcert.RpcCall("crm", "QueryBidUserCertifiedInfo", "2015-04-08", {"PK": "", "BidType": "NORMAL"})
    e = _raises(bidcert.EmptyPkError, bidcert_emulator, "call", call)
    assert e.code == "Empty PK" and e.kind == "empty_pk" and not e.retryable


def test_not_bid(bidcert_emulator: Emulator) -> None:
    e = _raises(
        bidcert.NotBidError,
        bidcert_emulator,
        "query_certified_info",
        DEMO.PERSONAL_PK,
        "NORMAL",
        credentials=bidcert_emulator.account_credentials,
    )
    assert e.code == "Not Bid"


def test_bid_mismatch(bidcert_emulator: Emulator) -> None:
    e = _raises(
        bidcert.BidMismatchError,
        bidcert_emulator,
        "query_certified_info",
        DEMO.LIGHTWEIGHT_CUSTOMER_PK,
        "NORMAL",
    )
    assert e.code == "Bid Mismatch"


def test_invalid_pk(bidcert_emulator: Emulator) -> None:
    e = _raises(bidcert.InvalidPkError, bidcert_emulator, "query_certified_info", DEMO.UNKNOWN_PK, "NORMAL")
    assert e.host_id is None or isinstance(e.host_id, str)


def test_already_certified(bidcert_emulator: Emulator) -> None:
    _raises(bidcert.AlreadyCertifiedError, bidcert_emulator, "generate_cert_ways_url", DEMO.PERSONAL_PK, "NORMAL")


def test_api_not_found(bidcert_emulator: Emulator) -> None:
    _raises(
        bidcert.ApiNotFoundError,
        bidcert_emulator,
        "generate_cert_ways_url",
        DEMO.NO_AAS_CUSTOMER_PK,
        "NORMAL",
        credentials=bidcert_emulator.no_aas_credentials,
    )


def test_access_key_not_found(bidcert_emulator: Emulator) -> None:
    _raises(
        bidcert.AccessKeyNotFoundError,
        bidcert_emulator,
        "query_certified_info",
        DEMO.PERSONAL_PK,
        "NORMAL",
        credentials=bidcert.Credentials("LTAI5tNobodyAtAll", "whatever"),
    )


def test_signature_mismatch_carries_a_diagnosis(bidcert_emulator: Emulator) -> None:
    e = _raises(
        bidcert.SignatureMismatchError,
        bidcert_emulator,
        "query_certified_info",
        DEMO.PERSONAL_PK,
        "NORMAL",
        credentials=bidcert.Credentials(DEMO.NORMAL_ACCESS_KEY_ID, "not-the-secret"),
    )
    assert isinstance(e, bidcert.SignatureMismatchError)
    assert e.diagnosis is not None
    assert e.diagnosis.server_string_found and e.diagnosis.identical
    assert "the secret is wrong" in str(e)
    assert "not-the-secret" not in str(e) and "not-the-secret" not in repr(e)


def test_signature_nonce_used(bidcert_emulator: Emulator) -> None:
    signer = bidcert.Signer(bidcert_emulator.credentials, crm_endpoint=bidcert_emulator.url)
    req = signer.sign(bidcert.QueryCertifiedInfo(DEMO.PERSONAL_PK, "NORMAL"), nonce="replayed-nonce-1")
    assert send(req)[0] == 200
    status, body = send(req)
    with pytest.raises(bidcert.SignatureNonceUsedError) as info:
        bidcert.parse_certified_info(status, body)
    assert info.value.retryable


def test_throttling(bidcert_emulator: Emulator) -> None:
    bidcert_emulator.inject_fault("throttling")
    e = _raises(bidcert.ThrottlingError, bidcert_emulator, "query_certified_info", DEMO.PERSONAL_PK, "NORMAL")
    assert e.retryable


def test_timestamp_error_without_an_attempt_left_reports_the_clock_offset(
    bidcert_emulator: Emulator,
) -> None:
    bidcert_emulator.set_clock_offset(3600)
    e = _raises(bidcert.TimestampError, bidcert_emulator, "query_certified_info", DEMO.PERSONAL_PK, "NORMAL")
    assert isinstance(e, bidcert.TimestampError)
    assert e.clock_offset is not None and abs(e.clock_offset - 3600) <= 2
    assert "s from ours" in str(e)
    assert bidcert_emulator.clock_offset == 3600


def test_a_skewed_clock_is_corrected_and_kept_by_the_client(bidcert_emulator: Emulator) -> None:
    bidcert_emulator.set_clock_offset(-1200)
    with bidcert_emulator.client() as client:
        assert client.clock_offset == 0
        assert client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL").is_certified
        assert abs(client.clock_offset + 1200) <= 2
        assert client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL").is_certified
    codes = [r["code"] for r in bidcert_emulator.requests()]
    assert len(codes) == 3 and codes[0].startswith("InvalidTimeStamp"), codes  # corrected once
    assert codes[1:] == [None, None]  # then on time


def test_service_unavailable(bidcert_emulator: Emulator) -> None:
    bidcert_emulator.inject_fault("http_503")
    e = _raises(bidcert.ServiceUnavailableError, bidcert_emulator, "query_certified_info", DEMO.PERSONAL_PK, "NORMAL")
    assert e.retryable and e.http_status == 503


def test_internal_error(bidcert_emulator: Emulator) -> None:
    bidcert_emulator.inject_fault("http_500", action="QueryBidUserCertifiedInfo")
    e = _raises(bidcert.InternalServerError, bidcert_emulator, "query_certified_info", DEMO.PERSONAL_PK, "NORMAL")
    assert e.retryable


def test_missing_parameter(bidcert_emulator: Emulator) -> None:
    params = {
        "AccessKeyId": DEMO.NORMAL_ACCESS_KEY_ID,
        "Action": "QueryBidUserCertifiedInfo",
        "Format": "JSON",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "missing-version-1",
        "SignatureVersion": "1.0",
        "Timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "PK": DEMO.PERSONAL_PK,
        "BidType": "NORMAL",
    }
    status, body = send_params(bidcert_emulator.url, params, DEMO.NORMAL_ACCESS_KEY_SECRET)
    with pytest.raises(bidcert.MissingParameterError) as info:
        bidcert.parse_certified_info(status, body)
    assert info.value.code.startswith("Missing")


def test_retries_recover_from_transient_faults(bidcert_emulator: Emulator) -> None:
    bidcert_emulator.inject_fault("http_503", count=2)
    with bidcert_emulator.client(max_attempts=3) as client:
        assert client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL").is_certified
    nonces = [r["nonce"] for r in bidcert_emulator.requests()]
    assert len(nonces) == 3 and len(set(nonces)) == 3  # a fresh nonce per attempt


# --- transport, timeout, response errors -----------------------------------------------------


def test_non_json_body_is_a_response_error(bidcert_emulator: Emulator) -> None:
    bidcert_emulator.inject_fault("non_json_body")
    with bidcert_emulator.client(max_attempts=1) as client:
        with pytest.raises(bidcert.ResponseError) as info:
            client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
    assert info.value.http_status == 502 and info.value.retryable


def test_dropped_connection_is_a_reset_error(bidcert_emulator: Emulator) -> None:
    bidcert_emulator.inject_fault("drop_connection")
    with bidcert_emulator.client(max_attempts=1) as client:
        with pytest.raises(bidcert.ResetError) as info:
            client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
    assert isinstance(info.value, bidcert.TransportError)
    assert info.value.kind == "reset" and info.value.retryable


def test_truncated_body_is_a_reset_error(bidcert_emulator: Emulator) -> None:
    bidcert_emulator.inject_fault("truncated_body")
    with bidcert_emulator.client(max_attempts=1) as client:
        with pytest.raises(bidcert.ResetError) as info:
            client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
    assert info.value.retryable


def test_slow_answer_is_a_timeout_error(bidcert_emulator: Emulator) -> None:
    bidcert_emulator.inject_fault("latency", latency_ms=1500)
    with bidcert_emulator.client(max_attempts=1, timeout=0.3) as client:
        with pytest.raises(bidcert.TimeoutError) as info:
            client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
    assert isinstance(info.value, TimeoutError)  # the builtin too
    assert isinstance(info.value, bidcert.TransportError)
    assert info.value.kind == "timeout" and info.value.retryable


def test_refused_connection_is_a_connect_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    creds = bidcert.Credentials("id", "secret")
    with bidcert.Client(creds, endpoint=f"http://127.0.0.1:{port}", max_attempts=1) as client:
        with pytest.raises(bidcert.ConnectError) as info:
            client.query_certified_info("1", "NORMAL")
    assert info.value.kind == "connect" and info.value.retryable


def test_missing_credentials_is_a_credentials_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: "pytest.TempPathFactory"
) -> None:
    for var in (
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "ALIBABA_CLOUD_PROFILE",
        "ALIBABA_CLOUD_CREDENTIALS_FILE",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(bidcert.CredentialsError) as info:
        bidcert.Client()
    assert any(source == "environment" for source, _ in info.value.tried)
    with pytest.raises(bidcert.CredentialsError):
        bidcert.Credentials.from_env()
    with pytest.raises(bidcert.CredentialsError):
        bidcert.Client.from_env()


def test_from_env_reads_the_environment(monkeypatch: pytest.MonkeyPatch, bidcert_emulator: Emulator) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEMO.NORMAL_ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEMO.NORMAL_ACCESS_KEY_SECRET)
    monkeypatch.delenv("ALIBABA_CLOUD_SECURITY_TOKEN", raising=False)
    assert bidcert.Credentials.from_env().access_key_id == DEMO.NORMAL_ACCESS_KEY_ID
    with bidcert.Client.from_env(endpoint=bidcert_emulator.url) as client:
        assert client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL").is_certified
    with bidcert.Client(endpoint=bidcert_emulator.url) as client:  # the credentials chain
        assert client.access_key_id == DEMO.NORMAL_ACCESS_KEY_ID


def test_set_credentials_switches_the_caller(bidcert_emulator: Emulator) -> None:
    with bidcert_emulator.client(bidcert_emulator.account_credentials, max_attempts=1) as client:
        with pytest.raises(bidcert.NotBidError):
            client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
        client.set_credentials(bidcert_emulator.credentials)
        assert client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL").is_certified


def test_closed_client_refuses_calls(bidcert_emulator: Emulator) -> None:
    client = bidcert_emulator.client()
    with client as same:
        assert same is client
    assert client.closed
    client.close()  # idempotent
    with pytest.raises(bidcert.ValidationError, match="closed"):
        client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
