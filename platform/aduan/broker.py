"""dramatiq broker selection from BROKER_URL (read by django_dramatiq at start-up)."""

from __future__ import annotations

from typing import Any

MIDDLEWARE = [
    "dramatiq.middleware.AgeLimit",
    "dramatiq.middleware.TimeLimit",
    "dramatiq.middleware.Callbacks",
    "dramatiq.middleware.Retries",
    "django_dramatiq.middleware.DbConnectionsMiddleware",
    "aduan.jobs.WorkerHeartbeat",
]


def broker_kind(broker_url: str) -> str:
    if broker_url.startswith(("redis://", "rediss://")):
        return "redis"
    if broker_url.startswith(("amqp://", "amqps://")):
        return "rabbitmq"
    if broker_url.startswith("stub://"):
        return "stub"
    if not broker_url:
        return "postgres"
    raise ValueError(f"BROKER_URL must start with redis://, amqp:// or stub://, got {broker_url!r}")


def broker_settings(broker_url: str, database_url: str) -> dict[str, Any]:
    """The DRAMATIQ_BROKER setting for django_dramatiq."""
    kind = broker_kind(broker_url)
    if kind == "redis":
        return {
            "BROKER": "dramatiq.brokers.redis.RedisBroker",
            "OPTIONS": {"url": broker_url},
            "MIDDLEWARE": MIDDLEWARE,
        }
    if kind == "rabbitmq":
        return {
            "BROKER": "dramatiq.brokers.rabbitmq.RabbitmqBroker",
            "OPTIONS": {"url": broker_url},
            "MIDDLEWARE": MIDDLEWARE,
        }
    if kind == "stub":
        return {
            "BROKER": "dramatiq.brokers.stub.StubBroker",
            "OPTIONS": {},
            "MIDDLEWARE": MIDDLEWARE,
        }
    # The queue lives in the `dramatiq` schema of Aduan's own database (created by migrate).
    # Each process opens pool connections on demand only; cap them so web workers stay light.
    separator = "&" if "?" in database_url else "?"
    return {
        "BROKER": "dramatiq_postgres.PostgresBroker",
        "OPTIONS": {"url": f"{database_url}{separator}maxconn=4", "results": False},
        "MIDDLEWARE": MIDDLEWARE,
    }
