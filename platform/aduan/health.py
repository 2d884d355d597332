"""/healthz: database, broker and worker status; HTTP 503 when one of them is down."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from aduan.broker import broker_kind
from aduan.models import Heartbeat

# Set by `aduan up` (aduan.supervisor.STATUS_ENV) for the processes it supervises.
PROCESS_STATUS_ENV = "ADUAN_PROCESS_STATUS"
PING_TIMEOUT = 2  # seconds: a health check must answer fast even when a service hangs


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def check_broker(broker_url: str) -> dict[str, Any]:
    kind = broker_kind(broker_url)
    try:
        if kind == "redis":
            import redis

            client = redis.Redis.from_url(
                broker_url, socket_timeout=PING_TIMEOUT, socket_connect_timeout=PING_TIMEOUT
            )
            try:
                client.ping()
            finally:
                client.close()
        elif kind == "rabbitmq":
            import pika

            parsed = urlparse(broker_url)
            extra = urlencode({"socket_timeout": PING_TIMEOUT, "connection_attempts": 1})
            url = parsed._replace(query="&".join(q for q in (parsed.query, extra) if q)).geturl()
            pika.BlockingConnection(pika.URLParameters(url)).close()
        elif kind == "postgres":
            with connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass('dramatiq.queue') IS NOT NULL")
                row = cursor.fetchone()
            if not row or not row[0]:
                return {"ok": False, "kind": kind, "error": "queue table missing"}
    except Exception as exc:
        return {"ok": False, "kind": kind, "error": exc.__class__.__name__}
    return {"ok": True, "kind": kind}


def check_heartbeat(name: str) -> dict[str, Any]:
    try:
        beat = Heartbeat.objects.filter(name=name).first()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    if beat is None:
        return {"ok": False, "last_seen": None}
    fresh = timezone.now() - beat.beat_at < timedelta(seconds=settings.WORKER_HEARTBEAT_TTL)
    return {"ok": fresh, "last_seen": beat.beat_at.isoformat()}


def supervised_processes() -> dict[str, Any] | None:
    """Restarts per process when `aduan up` supervises this one (its status file), else None:
    under systemd or Kubernetes the service manager reports restarts itself."""
    path = os.environ.get(PROCESS_STATUS_ENV)
    if not path:
        return None
    try:
        found: dict[str, Any] = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return found


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = check_database()
    checks = {
        "database": database,
        "broker": check_broker(settings.BROKER_URL),
        "worker": check_heartbeat("worker") if database["ok"] else {"ok": False},
    }
    # The scheduler is reported, but a late tick alone does not take the platform down.
    scheduler = check_heartbeat("scheduler") if database["ok"] else {"ok": False}
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "unavailable", **checks, "scheduler": scheduler}
    processes = supervised_processes()
    if processes is not None:
        # A restarted child is reported, not a failure: it is running again.
        body["processes"] = processes
    return JsonResponse(body, status=200 if healthy else 503)
