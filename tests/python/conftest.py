"""Shared fixtures of the Python suite. The suite imports the built, installed package."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
