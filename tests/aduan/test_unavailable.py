"""The database unreachable: 503 with Retry-After in the one error shape (a page for browsers),
and the next request after it is back reconnects without a restart."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

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
