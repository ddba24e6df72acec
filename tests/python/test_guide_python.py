"""docs/guide/python.md runs as written: every ```python block, in order, in one namespace
(the Flask view, the FastAPI handler, the credentials and HTTPS examples), against the
emulator."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List

import pytest

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide" / "python.md"


def blocks() -> List[str]:
    return re.findall(r"^```python\n(.*?)^```", GUIDE.read_text(encoding="utf-8"), re.S | re.M)


def test_the_guide_has_both_clients_and_both_frameworks() -> None:
    text = "\n".join(blocks())
    for needle in ("bidcert.Client(", "bidcert.AsyncClient(", "Flask(", "FastAPI("):
        assert needle in text, needle


def test_every_python_block_of_the_guide_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    # The guide's ECS example points the provider at the emulator, as a reader's run would.
    monkeypatch.delenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED")
    namespace: Dict[str, Any] = {"__name__": "guide"}
    for i, block in enumerate(blocks()):
        try:
            exec(compile(block, f"{GUIDE.name} block {i + 1}", "exec"), namespace)
        except Exception as e:  # pragma: no cover - the message names the block
            raise AssertionError(f"block {i + 1} of {GUIDE.name} failed: {e!r}\n{block}") from e
