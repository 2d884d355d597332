"""Tenant-domain errors: one shape for every interface (see aduan.errors)."""

from __future__ import annotations

from enum import StrEnum

from aduan.errors import AduanError


class TenantErrorCode(StrEnum):
    UNKNOWN_REGION = "tenants.unknown_region"
    INVALID_SLUG = "tenants.invalid_slug"
    DUPLICATE_SLUG = "tenants.duplicate_slug"
    REGION_DATA_MISSING = "tenants.region_data_missing"


class TenantError(AduanError):
    pass
