"""DRF's EXCEPTION_HANDLER: every API error in one shape, `{"code", "message", "extra"}`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from aduan.errors import AduanError
from aduan.ratelimit import RateLimitedError


def error_body(code: str, message: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "extra": extra or {}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every API error in the one shape, messages in the user's
    language (the LanguageMiddleware has activated it)."""
    if isinstance(exc, AduanError):
        extra = dict(exc.extra)
        if "field" in extra and "fields" not in extra:
            extra["fields"] = {extra["field"]: [exc.message]}
        answer = Response(error_body(exc.code, exc.message, extra), status=exc.status_code)
        if isinstance(exc, RateLimitedError):
            answer["Retry-After"] = str(exc.retry_after)
        return answer
    if isinstance(exc, RawPostDataException):
        # A raw-body endpoint sent a form it could not read twice: the client's mistake.
        return Response(
            error_body("bad_request", _("Isi permintaan tidak dapat dibaca.")), status=400
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        response.data = error_body(
            "invalid", _("Data yang dikirim tidak valid."), {"fields": fields}
        )
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        response.data = error_body(code, str(exc.detail))
    return response
