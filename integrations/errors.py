"""Channel errors: one shape for every interface (see aduan.errors)."""

from __future__ import annotations

from enum import StrEnum

from aduan.errors import AduanError, NotFoundError


class IntegrationErrorCode(StrEnum):
    BAD_SIGNATURE = "integrations.bad_signature"
    NOT_IN_PLAN = "integrations.not_in_plan"
    MALFORMED = "integrations.malformed"
    UNROUTABLE = "integrations.unroutable"
    NOT_FOUND = "integrations.not_found"
    NOT_FAILED = "integrations.not_failed"
    INVALID_KEYWORD = "integrations.invalid_keyword"
    DUPLICATE_KEYWORD = "integrations.duplicate_keyword"
    NOT_CONFIGURED = "integrations.not_configured"
    INVALID_SETTING = "integrations.invalid_setting"


class IntegrationError(AduanError):
    pass


class IntegrationNotFoundError(NotFoundError):
    pass
