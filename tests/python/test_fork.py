"""A client made before fork() works in the child (new runtimes, new connections), and the
parent's keeps working."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from bidcert.testing import DEMO, Emulator


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() here")
def test_clients_made_before_fork_work_in_the_child(bidcert_emulator: Emulator) -> None:
    client = bidcert_emulator.client()
    aclient = bidcert_emulator.async_client()
    assert client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL").is_certified
    assert asyncio.run(aclient.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")).is_certified
    forked = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: report through the exit status only
        try:
            ok = client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL").is_certified
            ok = ok and asyncio.run(aclient.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")).is_certified
            os._exit(0 if ok else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # An inherited pooled connection would hang until the attempt's timeout (10 s).
    assert time.monotonic() - forked < 5
    assert client.query_certified_info(DEMO.PERSONAL_PK, "NORMAL").is_certified
    assert asyncio.run(aclient.query_certified_info(DEMO.PERSONAL_PK, "NORMAL")).is_certified
    client.close()
    aclient.close()
    assert len(bidcert_emulator.requests()) == 6
