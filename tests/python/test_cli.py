"""The `bidcert` console script runs the Rust command through bidcert._native.cli_main, and logs
what the cargo-built command logs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from bidcert._cli import main
from bidcert.testing import DEMO, Emulator

ROOT = Path(__file__).resolve().parents[2]


def console_script() -> str:
    script = shutil.which("bidcert", path=str(Path(sys.executable).parent)) or str(
        Path(sys.executable).parent / "bidcert"
    )
    assert Path(script).exists(), script
    return script


def cargo_built() -> str:
    """The cargo-built command: $BIDCERT_CARGO_BIN (make python-test sets it), else
    debug/bidcert under $CARGO_TARGET_DIR or target/."""
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    path = os.environ.get("BIDCERT_CARGO_BIN") or str(target / "debug" / "bidcert")
    if not Path(path).exists():
        pytest.fail(f"{path} is missing: run `cargo build -p bidcert-cli` (make python-test does)")
    return path


def test_cli_main_returns_the_exit_status() -> None:
    assert main(["bidcert", "--help"]) == 0


def test_console_script_is_installed_and_runs() -> None:
    done = subprocess.run([console_script(), "--help"], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr


# What differs between two runs of the same command: the time, ports, request ids, latencies
# and jittered delays.
_VARYING = [
    (re.compile(r"^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ "), "[TIME "),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
    (re.compile(r"request_id=[^ ]+"), "request_id=ID"),
    (re.compile(r"latency_ms=\d+"), "latency_ms=N"),
    (re.compile(r"retrying in \d+ ms"), "retrying in N ms"),
]


def _stderr_lines(program: str, args: List[str], env: Dict[str, str]) -> List[str]:
    done = subprocess.run(
        [program, *args], capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL
    )
    assert done.returncode == 0, done.stderr
    lines = []
    for line in done.stderr.splitlines():
        for pattern, replacement in _VARYING:
            line = pattern.sub(replacement, line)
        lines.append(line)
    return lines


def _env(tmp_path: Path) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD_")}
    env.update(
        HOME=str(tmp_path),
        ALIBABA_CLOUD_ACCESS_KEY_ID=DEMO.NORMAL_ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEMO.NORMAL_ACCESS_KEY_SECRET,
    )
    return env


def test_pip_installed_and_cargo_built_commands_log_the_same_with_v(tmp_path: Path) -> None:
    args = ["-v", "--emulator", "query", DEMO.PERSONAL_PK]
    cargo = _stderr_lines(cargo_built(), args, _env(tmp_path))
    pip = _stderr_lines(console_script(), args, _env(tmp_path))
    assert any("DEBUG bidcert] action=QueryBidUserCertifiedInfo" in line for line in cargo), cargo
    assert any("emulator started at" in line for line in cargo), cargo
    assert pip == cargo


@pytest.mark.parametrize("verbose", [[], ["-v"], ["-vv"]], ids=["quiet", "v", "vv"])
def test_retry_warnings_are_logged_the_same(
    tmp_path: Path, bidcert_emulator: Emulator, verbose: List[str]
) -> None:
    args = [*verbose, "--crm-endpoint", bidcert_emulator.url, "query", DEMO.PERSONAL_PK]
    runs = []
    for program in (cargo_built(), console_script()):
        bidcert_emulator.inject_fault("http_503")
        runs.append(_stderr_lines(program, args, _env(tmp_path)))
    cargo, pip = runs
    assert any(
        " WARN  bidcert] action=QueryBidUserCertifiedInfo" in line and "retrying in N ms" in line
        for line in cargo
    ), cargo
    assert pip == cargo
