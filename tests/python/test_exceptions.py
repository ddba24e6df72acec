"""Error kinds are declared once, in core: one exception class per kind, found by kind."""

from __future__ import annotations

import builtins
import warnings
from typing import Dict, List, Type

import pytest

import bidcert
from bidcert import _native, exceptions, exchange
from bidcert.testing import DEMO, Emulator


def _declared() -> Dict[str, Type[bidcert.BidcertError]]:
    """Every class of the hierarchy that declares a kind, by that kind."""
    out: Dict[str, Type[bidcert.BidcertError]] = {}
    todo: List[Type[bidcert.BidcertError]] = [bidcert.BidcertError]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if "kind" in vars(cls):
            assert cls.kind not in out, f"{cls.__name__} and {out[cls.kind].__name__} share {cls.kind}"
            out[cls.kind] = cls
    return out


def test_every_core_kind_has_its_exception_class() -> None:
    missing = [k for k in _native.ERROR_KINDS if k not in _declared()]
    assert not missing, f"core kinds without an exception class in bidcert.exceptions: {missing}"
    for kind in _native.ERROR_KINDS:
        assert exceptions.exception_class(kind).kind == kind


def test_no_exception_class_names_a_kind_core_lacks() -> None:
    extra = [f"{cls.__name__} ({k})" for k, cls in _declared().items() if k not in _native.ERROR_KINDS]
    assert not extra, f"classes whose kind core does not have: {extra}"
    with pytest.raises(KeyError):
        exceptions.exception_class("telepathy")


def test_the_kind_list_is_the_cores_and_is_exported() -> None:
    assert bidcert.ERROR_KINDS is _native.ERROR_KINDS
    assert len(set(bidcert.ERROR_KINDS)) == len(bidcert.ERROR_KINDS)
    assert {"bid_mismatch", "connect", "timeout", "reset", "tls", "parse", "unknown"} <= set(
        bidcert.ERROR_KINDS
    )


def test_every_class_is_exported_by_name() -> None:
    for cls in _declared().values():
        assert cls.__name__ in exceptions.__all__, cls
        assert cls.__name__ in bidcert.__all__, cls
        assert getattr(bidcert, cls.__name__) is cls
    for name in exceptions.__all__:
        assert name in bidcert.__all__ and getattr(bidcert, name) is getattr(exceptions, name)


def test_the_transport_kinds_split_under_transport_error() -> None:
    for name, kind in [("ConnectError", "connect"), ("TimeoutError", "timeout"), ("ResetError", "reset"), ("TlsError", "tls")]:
        cls = getattr(bidcert, name)
        assert issubclass(cls, bidcert.TransportError) and cls.kind == kind
        assert set(exchange.TRANSPORT_KINDS) >= {kind}
    assert set(exchange.TRANSPORT_KINDS) == {"connect", "timeout", "reset", "tls"}
    assert issubclass(bidcert.TimeoutError, builtins.TimeoutError)
    assert bidcert.exception_class("parse") is bidcert.ResponseError


def test_a_kind_can_be_declared_once_only() -> None:
    with pytest.raises(TypeError, match="bid_mismatch"):

        class Again(bidcert.ApiError, kind="bid_mismatch"):
            pass


def test_raised_errors_carry_kind_and_retryable(bidcert_emulator: Emulator) -> None:
    with pytest.raises(bidcert.ValidationError) as v:
        bidcert.QueryCertifiedInfo("not digits", "NORMAL")
    assert v.value.kind == "validation" and v.value.retryable is False
    with pytest.raises(bidcert.MalformedEventError) as m:
        bidcert.parse_fast_auth_event("[]")
    assert m.value.kind == "malformed"
    with pytest.raises(bidcert.OriginMismatchError) as o:
        bidcert.parse_fast_auth_event('{"type":"success"}', "https://evil.example", "https://a.example")
    assert o.value.kind == "origin_mismatch"
    with pytest.raises(bidcert.ResponseError) as r:
        bidcert.parse_certified_info(502, "<html>")
    assert r.value.kind == "parse" and r.value.retryable is True
    bidcert_emulator.inject_fault("http_503")
    with bidcert_emulator.client(max_attempts=1) as client:
        with pytest.raises(bidcert.ServiceUnavailableError) as s:
            client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
    assert s.value.kind == "service_unavailable" and s.value.retryable is True


def test_clock_skew_seconds_is_a_deprecated_alias_of_clock_offset() -> None:
    e = bidcert.TimestampError("InvalidTimeStamp.Expired", "expired", http_status=400, clock_offset=1200)
    assert e.clock_offset == 1200
    with pytest.warns(DeprecationWarning, match="clock_offset"):
        assert e.clock_skew_seconds == 1200
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        old = bidcert.TimestampError("InvalidTimeStamp.Expired", "x", http_status=400, clock_skew_seconds=-5)
    assert old.clock_offset == -5
    assert "-5 s from ours" in str(old)
