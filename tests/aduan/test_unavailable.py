"""The database unreachable: 503 with Retry-After in the one error shape (a page for browsers),
and the next request after it is back reconnects without a restart."""

from __future__ import annotations

import select
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import close_old_connections, connection, connections
from django.test import Client

from aduan.tenant_backup import database_url
from aduan.unavailable import RETRY_AFTER_SECONDS
from tests.aduan.test_cli import _free_port as free_port
from tests.factories import PlatformData


@pytest.fixture
def database_down(
    django_db_blocker: Any, reference_data: PlatformData, committed: None
) -> Iterator[None]:
    """Point the connection at a port where no server listens (what a restart looks like)."""
    with django_db_blocker.unblock():
        connection.close()
        saved = dict(connection.settings_dict)
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = str(free_port())
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


def test_an_api_client_is_told_503_with_retry_after_in_the_error_shape(
    database_down: None, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock():
        response = Client().post(
            "/t/desa-babakan/api/v1/complaints/", {"subject": "x"}, content_type="application/json"
        )
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {
        "code": "unavailable",
        "message": "Layanan sedang tidak tersedia sebentar. Coba lagi dalam beberapa detik.",
        "extra": {"retry_after": RETRY_AFTER_SECONDS},
    }


def test_a_browser_gets_a_page_in_its_language(database_down: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        indonesian = Client().get("/", HTTP_ACCEPT="text/html")
        client = Client()
        client.cookies["django_language"] = "en"
        english = client.get("/t/desa-babakan/lapor/", HTTP_ACCEPT="text/html")
    assert indonesian.status_code == english.status_code == 503
    assert indonesian["Content-Type"].startswith("text/html")
    assert indonesian["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "Sedang tidak tersedia" in indonesian.content.decode()
    assert "Temporarily unavailable" in english.content.decode()


def test_the_next_request_reconnects_once_the_database_is_back(
    django_db_blocker: Any, reference_data: PlatformData, committed: None
) -> None:
    # Given a request answered while the server was unreachable
    with django_db_blocker.unblock():
        connection.close()
        saved = connection.settings_dict["PORT"], connection.settings_dict["HOST"]
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = str(free_port())
        try:
            down = Client().get("/healthz")
        finally:
            connection.settings_dict["PORT"], connection.settings_dict["HOST"] = saved
        # When the next request comes after it is back
        up = Client().get("/healthz")
    # Then it is served on a fresh connection, no restart needed
    assert down.status_code == 503 and down.json()["code"] == "unavailable"
    assert up.json()["database"] == {"ok": True}


def _next_request() -> Any:
    # What a request's start does in production (request_started: close_old_connections,
    # which asks for a health check); Django's test client leaves that signal out.
    close_old_connections()
    return Client().get("/healthz")


def _backend_pid() -> int:
    assert connection.connection is not None
    return int(connection.connection.info.backend_pid)


def test_a_healthy_connection_is_not_asked_before_each_request(
    django_db_blocker: Any,
    reference_data: PlatformData,
    committed: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Django's health check would send SELECT 1 before every request's first query.
    asked: list[int] = []
    real_is_usable = type(connections["default"]).is_usable

    def counted(wrapper: Any) -> bool:
        asked.append(1)
        return bool(real_is_usable(wrapper))

    monkeypatch.setattr(type(connections["default"]), "is_usable", counted)
    with django_db_blocker.unblock():
        Client().get("/healthz")
        first = _backend_pid()
        answers = [_next_request().json()["database"] for _ in range(3)]
        assert _backend_pid() == first  # the same session served them all
    assert answers == [{"ok": True}] * 3
    assert asked == []


def test_a_session_the_server_ended_is_replaced_before_the_next_request(
    django_db_blocker: Any, reference_data: PlatformData, committed: None
) -> None:
    # Given a connection whose backend the server terminated between two requests (what a
    # restart or an administrator's pg_terminate_backend does)
    with django_db_blocker.unblock():
        Client().get("/healthz")
        ended = _backend_pid()
        with psycopg.connect(database_url(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [ended])
        assert connection.connection is not None
        deadline = time.monotonic() + 5
        while not select.select([connection.connection.fileno()], [], [], 0.1)[0]:
            assert time.monotonic() < deadline, "the server did not end the session"
        # When the next request comes
        answer = _next_request()
        # Then it is served on a fresh session, not answered 503 or 500
        assert answer.json()["database"] == {"ok": True}
        assert _backend_pid() != ended
