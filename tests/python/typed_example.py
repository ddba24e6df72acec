"""A typed use of the public API; `mypy --strict` checks it against the stubs (make python-test).
It is also run by test_typed_example.py."""

from __future__ import annotations

import datetime
from typing import Dict, List, Optional, Tuple, Union

import bidcert
from bidcert.exchange import Attempt, Call, Decision, Done, Fail, Retry
from bidcert.testing import FAULT_KINDS, Emulator


def sign_offline(secret: str) -> Tuple[str, str]:
    params: List[Tuple[str, str]] = [("Action", "QueryBidUserCertifiedInfo"), ("PK", "1")]
    mapping: Dict[str, str] = dict(params)
    sts: str = bidcert.string_to_sign("POST", params)
    sig: str = bidcert.signature("GET", mapping, secret)
    return sts, sig


def sign_request(creds: bidcert.Credentials) -> bidcert.SignedRequest:
    signer = bidcert.Signer(creds, crm_endpoint="http://127.0.0.1:1")
    op = bidcert.QueryCertifiedInfo(pk="1234567890123456", bid_type=bidcert.BidType.NORMAL)
    at = datetime.datetime(2026, 11, 23, 8, tzinfo=datetime.timezone.utc)
    req = signer.sign(op, timestamp=at, nonce="n-1")
    headers: Dict[str, str] = req.headers
    assert req.method in ("GET", "POST") and headers and req.body == b""
    return req


def describe(info: bidcert.CertifiedInfo) -> str:
    cert: Optional[Union[bidcert.CertType, str]] = info.cert_type
    return f"{info.is_certified} {cert} {info.account_cert_type}"


def replay(creds: bidcert.Credentials) -> int:
    """Drives the call engine by hand, with a given clock, nonce and jitter."""
    policy = bidcert.Policy(max_attempts=2, budget=5.0)
    call: Call[bidcert.CertifiedInfo] = Call(bidcert.QueryCertifiedInfo("1", "NORMAL"), creds, policy=policy)
    at = datetime.datetime(2026, 11, 23, 8, tzinfo=datetime.timezone.utc)
    attempt: Attempt = call.next_request(now=at, nonce="n-1")
    assert attempt.timeout <= policy.timeout and attempt.headers["Accept"]
    decision: Decision[bidcert.CertifiedInfo] = call.on_transport_error("reset", "closed", now=at, jitter=0.0)
    if isinstance(decision, Retry):
        cause: bidcert.BidcertError = decision.cause
        assert cause.kind == "reset" and decision.after > 0
        call.next_request(now=at.timestamp() + decision.after)
        ok = '{"requestId":"r","result":"{\\"isCertified\\":\\"1\\"}"}'
        done = call.on_response(200, {"Date": "Mon, 23 Nov 2026 08:00:01 GMT"}, ok)
        if isinstance(done, Done):
            info: bidcert.CertifiedInfo = done.value
            assert info.is_certified
        elif isinstance(done, Fail):
            raise done.error
    return call.clock_offset


def run(emu: Emulator) -> Optional[datetime.datetime]:
    with bidcert.Client(emu.credentials, endpoint=emu.url, timeout=5.0, max_attempts=2, budget=20.0) as client:
        offset: int = client.clock_offset
        assert offset == 0 and client.policy.budget == 20.0
        info: bidcert.CertifiedInfo = client.query_certified_info(emu.personal_pk, "NORMAL")
        describe(info)
        try:
            client.generate_cert_ways_url(emu.personal_pk, bidcert.BidType.NORMAL)
        except bidcert.AlreadyCertifiedError as e:
            code: str = e.code
            retry: bool = e.retryable
            kind: str = e.kind
            skew: Optional[int] = e.clock_offset
            assert code and not retry and kind == "already_certified" and skew is None
        op = bidcert.GenerateCertWaysUrl(
            aliyun_pk=emu.unverified_pk,
            bid_type="NORMAL",
            platform=bidcert.Platform.H5,
            subject_type="all",
            is_open_app=False,
            is_mobile=True,
        )
        link: bidcert.CertWaysUrl = client.generate_cert_ways_url(op)
        body: Dict[str, object] = client.call(
            bidcert.RpcCall("crm", "QueryBidUserCertifiedInfo", "2015-04-08", {"PK": emu.personal_pk, "BidType": "NORMAL"})
        )
        assert body
        return link.expires_at


def events() -> bool:
    ev = bidcert.parse_fast_auth_event('{"type":"success"}', "https://a.b", "https://a.b")
    d = bidcert.diagnose_signature_mismatch("x server string to sign is:GET&%2F&A%3D1", "POST&%2F&A%3D1")
    kinds: List[str] = [diff.kind for diff in d.differences]
    return ev.ends_flow and kinds == ["method"]


def sign_v3(secret: str) -> str:
    empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    cr: str = bidcert.v3_canonical_request(
        "POST", "/", {"PK": "1"}, [("host", "crm-cn-hangzhou.aliyuncs.com"), ("x-acs-action", "X")], empty
    )
    sts: str = bidcert.v3_string_to_sign(cr)
    d: bidcert.Diagnosis = bidcert.v3_diagnose_signature_mismatch(f"server StringToSign is [{sts}]", cr)
    assert d.identical
    return bidcert.v3_authorization(cr, "id", secret)


def main() -> None:
    sign_offline("secret")
    assert sign_v3("secret").startswith("ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host;x-acs-action,")
    sign_request(bidcert.Credentials("id", "secret", security_token=None))
    assert replay(bidcert.Credentials("id", "secret")) == 0
    kinds: Tuple[str, ...] = bidcert.ERROR_KINDS + FAULT_KINDS
    assert bidcert.exception_class(kinds[0]).kind == kinds[0]
    with Emulator() as emu:
        assert run(emu) is not None
    assert events()


if __name__ == "__main__":
    main()
