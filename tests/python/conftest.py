"""Shared fixtures of the Python suite. The suite imports the built, installed package."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# No test may reach the real ECS metadata service (100.100.100.200), even in a plain `pytest`
# run outside the Makefile: the default chain skips it; tests of the ECS provider point it at
# the emulator's metadata port.
os.environ["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"
