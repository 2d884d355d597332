"""One error shape for the whole platform: code, message (translated), extra.

Kept free of Django and DRF imports: the command line imports it before settings exist.
The API renders it in `aduan.api_errors`."""

from __future__ import annotations

from typing import Any


class AduanError(Exception):
    """A domain error every interface renders the same way: `{"code", "message", "extra"}`.

    `extra["field"]` names the input field at fault, when there is one; the API then also
    lists it under `extra["fields"]` like a serializer's validation error.
    """

    status_code = 400

    def __init__(self, code: str, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra or {}


class NotFoundError(AduanError):
    """Missing and forbidden look the same: nothing reveals that another tenant's object
    exists."""

    status_code = 404
