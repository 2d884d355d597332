"""One error shape for the whole platform: code, message (translated), extra."""

from __future__ import annotations

from typing import Any


class AduanError(Exception):
    """A domain error every interface renders the same way: `{"code", "message", "extra"}`."""

    def __init__(self, code: str, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra or {}
