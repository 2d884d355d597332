"""No server error from any input: the request-level guards.

- A NUL byte in the path, a query parameter or a text field is answered 400 here, once, before
  any view: PostgreSQL refuses NUL in text, so it would otherwise fail deep in a query.
- Errors that happen outside DRF's views (no route, a 500, a tenant that does not exist)
  are answered in the one JSON error shape on `api/` paths (handler404/handler500 of both
  URLconfs), HTML elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from aduan.api_errors import error_body

_JSON_TYPES = ("application/json", "application/geo+json")
_NUL_ESCAPES = (b"\x00", b"\\u0000")


def is_api_path(request: HttpRequest) -> bool:
    path = request.path_info or request.path
    return "/api/" in path or path.startswith("api/")


def bad_request(request: HttpRequest, code: str, message: str, field: str = "") -> HttpResponse:
    extra = {"fields": {field: [message]}} if field else {}
    if is_api_path(request):
        return JsonResponse(error_body(code, message, extra), status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _nul_field(request: HttpRequest) -> str | None:
    """The name of the first input that carries a NUL byte ("" for the path), or None."""
    if "\x00" in request.path:
        return ""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key.replace("\x00", "") or "query"
    if request.method not in {"POST", "PUT", "PATCH"}:
        return None
    content_type = request.content_type or ""
    if content_type in _JSON_TYPES:
        # Text only: a JSON body carries no file. A NUL arrives raw or as \u0000.
        body = request.body
        if any(marker in body for marker in _NUL_ESCAPES):
            return _json_field(body)
        return None
    if content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        # Files may hold NUL bytes (an image does); their text fields may not.
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key.replace("\x00", "") or "body"
    return None


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _json_field(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return "body"
    if isinstance(data, dict):
        for key, value in data.items():
            if "\x00" in key or _has_nul(value):
                return key.replace("\x00", "") or "body"
    return "body"


class RejectNulMiddleware:
    """First in MIDDLEWARE: nothing after it sees a NUL byte in text input."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = _nul_field(request)
        if field is not None:
            return bad_request(
                request,
                "invalid_character",
                _("Teks berisi karakter yang tidak diizinkan (NUL)."),
                field,
            )
        return self.get_response(request)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not hasattr(request, "user"):
        # An unknown tenant is refused before authentication ran; the page needs a user.
        request.user = AnonymousUser()
    if is_api_path(request):
        return JsonResponse(error_body("not_found", _("Tidak ditemukan.")), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_path(request):
        return JsonResponse(
            error_body("server_error", _("Terjadi kesalahan pada server. Silakan coba lagi.")),
            status=500,
        )
    return defaults.server_error(request)


def bad_request_handler(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request):
        return JsonResponse(error_body("bad_request", _("Permintaan tidak valid.")), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request):
        return JsonResponse(error_body("permission_denied", _("Akses ditolak.")), status=403)
    return defaults.permission_denied(request, exception)
