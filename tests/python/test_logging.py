"""Rust log records reach Python's logging under the `bidcert` logger."""

from __future__ import annotations

import logging

import pytest

import bidcert
from bidcert.testing import DEMO, Emulator


def test_request_and_retry_records_reach_the_bidcert_logger(
    bidcert_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bidcert")
    bidcert.refresh_logging()
    bidcert_emulator.inject_fault("http_503")
    with bidcert_emulator.client(max_attempts=2) as client:
        client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
    records = [r for r in caplog.records if r.name == "bidcert"]
    assert any(r.levelno == logging.WARNING and "retrying" in r.getMessage() for r in records)
    assert any(r.levelno == logging.DEBUG and "QueryBidUserCertifiedInfo" in r.getMessage() for r in records)
    for r in records:
        assert DEMO.NORMAL_ACCESS_KEY_SECRET not in r.getMessage()


def test_an_in_process_command_logs_to_stderr_then_records_return_to_logging(
    bidcert_emulator: Emulator, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    from bidcert._cli import main

    caplog.set_level(logging.DEBUG, logger="bidcert")
    bidcert.refresh_logging()
    assert main(["bidcert", "-v", "--emulator", "query", DEMO.PERSONAL_PK]) == 0
    err = capfd.readouterr().err
    assert "DEBUG bidcert] action=QueryBidUserCertifiedInfo" in err, err
    assert not [r for r in caplog.records if r.name == "bidcert"]  # the command's, not Python's
    with bidcert_emulator.client() as client:
        client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")
    assert any("QueryBidUserCertifiedInfo" in r.getMessage() for r in caplog.records if r.name == "bidcert")
    assert "QueryBidUserCertifiedInfo" not in capfd.readouterr().err
