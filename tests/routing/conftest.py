"""Routing tests keep their files apart and start with a fresh intake rate limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    cache.clear()
