"""The `bidcert` console script runs the Rust command through bidcert._native.cli_main."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bidcert._cli import main


def test_cli_main_returns_the_exit_status() -> None:
    assert main(["bidcert", "--help"]) == 0


def test_console_script_is_installed_and_runs() -> None:
    script = shutil.which("bidcert") or str(Path(sys.executable).parent / "bidcert")
    assert Path(script).exists(), script
    done = subprocess.run([script, "--help"], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
