"""Where Aduan keeps its files; importable without starting anything."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(__file__).resolve().parent


def state_dir() -> Path:
    """The embedded database, uploaded media and the `up` lock (git-ignored)."""
    return Path(os.environ.get("ADUAN_STATE_DIR", BASE_DIR / ".aduan"))
