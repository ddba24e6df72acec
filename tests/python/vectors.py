"""Loads the shared JSON vectors (tests/vectors/*.json) and BIDCERT_EXTRA_VECTORS."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

VECTOR_DIR = Path(__file__).resolve().parents[1] / "vectors"
KINDS = ("signing", "signing_v3", "responses", "fast_auth_events", "diagnosis", "exchange")


@dataclass
class VectorFile:
    """One vector file, or why it could not be used."""

    path: str
    kind: Optional[str]
    cases: List[Dict[str, Any]]
    error: Optional[str] = None


def _load(path: str) -> VectorFile:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        return VectorFile(path, None, [], f"cannot read or parse: {e}")
    if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list):
        return VectorFile(path, None, [], 'not {"kind": ..., "cases": [...]}')
    kind = doc.get("kind")
    if kind not in KINDS:
        return VectorFile(path, None, [], f"unknown kind {kind!r}")
    return VectorFile(path, kind, doc["cases"])


def vector_files() -> List[VectorFile]:
    """The tree's files, then each file named in BIDCERT_EXTRA_VECTORS (`:`-separated)."""
    paths = sorted(str(p) for p in VECTOR_DIR.glob("*.json"))
    extra = os.environ.get("BIDCERT_EXTRA_VECTORS", "")
    paths += [p for p in extra.split(":") if p]
    return [_load(p) for p in paths]


def cases(kind: str) -> List[Any]:
    """`pytest.param`s of every case of `kind`, named `file:case`."""
    import pytest

    out = []
    for vf in vector_files():
        if vf.kind != kind:
            continue
        for case in vf.cases:
            out.append(pytest.param(case, id=f"{Path(vf.path).stem}:{case.get('name', '?')}"))
    return out
