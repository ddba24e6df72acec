"""The typed example (checked by mypy --strict in make python-test) also runs."""

from __future__ import annotations

import typed_example


def test_typed_example_runs() -> None:
    typed_example.main()
