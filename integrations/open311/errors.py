"""Open311 error codes (the HTTP status and the standard's error body come from views)."""

from __future__ import annotations

from enum import StrEnum

from aduan.errors import AduanError


class Open311ErrorCode(StrEnum):
    MISSING = "open311.missing"
    INVALID = "open311.invalid"
    BAD_API_KEY = "open311.bad_api_key"
    UNKNOWN_SERVICE = "open311.unknown_service"
    UNKNOWN_JURISDICTION = "open311.unknown_jurisdiction"
    UNKNOWN_REQUEST = "open311.unknown_request"
    NO_ROUTE = "open311.no_route"
    CLIENT_NAME = "open311.client_name"


class Open311Error(AduanError):
    """`status_code` is the HTTP status the standard prescribes for this error."""

    def __init__(
        self, code: str, message: str, extra: dict[str, object] | None = None, *, status: int = 400
    ) -> None:
        super().__init__(code, message, extra)
        self.status_code = status
