"""Sending jobs for rows that are already safe in the database.

The inbound store and the outbox keep their own state, so a job that cannot be sent (the
broker is down) loses nothing: the row stays due and the sweeper sends it again later. A
broker failure must therefore never fail the request or action that wrote the row."""

from __future__ import annotations

import logging
from typing import Any

import dramatiq
from django.db import transaction

from aduan.jobs import actor_of

logger = logging.getLogger("aduan.integrations")


def send_quietly(job: dramatiq.Actor[Any, Any] | str, *args: Any) -> bool:
    """Send a job now (a job by name: see aduan.jobs.actor_of)."""
    try:
        actor_of(job).send(*args)
    except Exception:  # the broker is unreachable: the sweeper picks the row up later
        logger.warning("could not enqueue %s%r; left for the sweeper", job, args)
        return False
    return True


def send_after_commit(job: dramatiq.Actor[Any, Any] | str, *args: Any) -> None:
    """Like aduan.jobs.enqueue_on_commit, but a broker failure is logged, not raised."""
    transaction.on_commit(lambda: send_quietly(job, *args))
