"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("ADUAN_CHROMIUM", "/usr/bin/chromium"))
# The machine's network is closed: no background connections, no first-run chatter.
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"BROWSER TESTS SKIPPED: {CHROMIUM} is missing (apt-get install chromium)"
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # A phone-sized viewport: the pages are mobile-first.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    opened = context.new_page()
    yield opened
    context.close()
