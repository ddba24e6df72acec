"""The ``bidcert`` console script: runs the Rust command in this process."""

from __future__ import annotations

import sys
from typing import List, Optional

from bidcert._native import cli_main

__all__ = ["main"]


def main(argv: Optional[List[str]] = None) -> int:
    """Runs ``bidcert`` with ``argv`` (default: ``sys.argv``) and returns its exit status."""
    args = list(sys.argv if argv is None else argv)
    if not args:
        args = ["bidcert"]
    args[0] = "bidcert"
    return cli_main(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
