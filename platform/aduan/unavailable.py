"""The database is unreachable (restarting, failing over): answer 503 with `Retry-After`.

Outermost middleware. It checks the connection before anything else touches it (the tenant
middleware's first query would otherwise fail as an HTML 500), and turns a connection error
raised later by a view into the same answer. Django's CONN_HEALTH_CHECKS then drops the broken
connection, so the next request reconnects: no process restart is needed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from aduan.api_errors import error_body

# Seconds a client should wait: about one restart of PostgreSQL.
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_CODE = "unavailable"

DatabaseDown = (OperationalError, InterfaceError)


def wants_json(request: HttpRequest) -> bool:
    """API clients get the error shape; a browser asking for HTML gets a page."""
    if "/api/" in request.path or request.path.endswith("/healthz"):
        return True
    accept = request.headers.get("Accept", "")
    return "json" in accept and "text/html" not in accept


def unavailable_response(request: HttpRequest) -> HttpResponse:
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        message = _("Layanan sedang tidak tersedia sebentar. Coba lagi dalam beberapa detik.")
        response: HttpResponse
        if wants_json(request):
            response = JsonResponse(
                error_body(UNAVAILABLE_CODE, message, {"retry_after": RETRY_AFTER_SECONDS}),
                status=503,
            )
        else:
            # A page that needs no database: no session, user or tenant in its context.
            page = render_to_string(
                "aduan/unavailable.html", {"message": message, "LANGUAGE_CODE": language}
            )
            response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _drop_broken_connection() -> None:
    # The next request opens a fresh one instead of reusing a socket to a dead server.
    try:
        connection.close()
    except DatabaseDown:
        connection.connection = None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a connection lost inside a middleware (after the check above) is a 503 too;
    any other error keeps Django's page."""
    if isinstance(sys.exc_info()[1], DatabaseDown):
        _drop_broken_connection()
        return unavailable_response(request)
    return defaults.server_error(request)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)  # files need no database (the 503 page's CSS)
        try:
            # A connection kept from before a server restart is dropped here (health check),
            # then opened again, or found unreachable.
            connection.close_if_health_check_failed()
            connection.ensure_connection()
        except DatabaseDown:
            _drop_broken_connection()
            return unavailable_response(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DatabaseDown):
            return None
        _drop_broken_connection()
        return unavailable_response(request)
