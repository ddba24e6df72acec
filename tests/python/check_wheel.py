"""Checks a built wheel: abi3 tag, the stubs and py.typed, the testing helpers, the entry
points. Usage: python check_wheel.py WHEEL"""

from __future__ import annotations

import sys
import zipfile


def main(path: str) -> int:
    name = path.rsplit("/", 1)[-1]
    problems = []
    if "-abi3-" not in name:
        problems.append(f"{name} is not tagged abi3")
    with zipfile.ZipFile(path) as z:
        files = set(z.namelist())
        entry_points = next(
            (z.read(f).decode() for f in files if f.endswith("entry_points.txt")), ""
        ).replace(" ", "")
    for needed in (
        "bidcert/__init__.py",
        "bidcert/_native.pyi",
        "bidcert/py.typed",
        "bidcert/exceptions.py",
        "bidcert/exchange.py",
        "bidcert/testing.py",
        "bidcert/pytest_plugin.py",
    ):
        if needed not in files:
            problems.append(f"missing {needed}")
    if not any(f.startswith("bidcert/_native") and f.endswith(".so") for f in files):
        problems.append("missing the native module")
    if "bidcert=bidcert._cli:main" not in entry_points:
        problems.append("missing the bidcert console script")
    if "bidcert=bidcert.pytest_plugin" not in entry_points:
        problems.append("missing the pytest11 entry point")
    for p in problems:
        print(f"check_wheel: {p}", file=sys.stderr)
    if not problems:
        print(f"check_wheel: {name}: abi3, stubs, py.typed, entry points present")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
