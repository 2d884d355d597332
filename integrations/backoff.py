"""Retry timing shared by the inbound store and the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

FIRST_DELAY = 30  # seconds
MAX_DELAY = 6 * 3600


def next_attempt(attempts: int, now: datetime | None = None) -> datetime:
    """Exponential backoff after the `attempts`-th failure: 30 s, 1 min, 2 min ... 6 h."""
    delay = min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)
    return (now or timezone.now()) + timedelta(seconds=delay)
