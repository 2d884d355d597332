"""Tenant-domain errors: one shape for every interface (see aduan.errors)."""

from __future__ import annotations

from enum import StrEnum

from aduan.errors import AduanError


class TenantErrorCode(StrEnum):
    UNKNOWN_REGION = "tenants.unknown_region"
    INVALID_SLUG = "tenants.invalid_slug"
    INVALID_CHOICE = "tenants.invalid_choice"
    DUPLICATE_SLUG = "tenants.duplicate_slug"
    REGION_DATA_MISSING = "tenants.region_data_missing"
    # The authority directory and routing (routing.directory, routing.router).
    UNKNOWN_CATEGORY = "tenants.unknown_category"
    COVERAGE_OUTSIDE = "tenants.coverage_outside"
    UNKNOWN_TENANT = "tenants.unknown_tenant"


class TenantError(AduanError):
    pass


class OnboardingErrorCode(StrEnum):
    """Onboarding paths and the tenant lifecycle (tenants.actions.onboarding, .lifecycle)."""

    NOT_A_REGENCY = "tenants.not_a_regency"
    NOT_A_VILLAGE = "tenants.not_a_village"
    REGENCY_EXISTS = "tenants.regency_exists"
    OUTSIDE_REGENCY = "tenants.outside_regency"
    INVALID_KIND = "tenants.invalid_kind"
    MISSING_NAME = "tenants.missing_name"
    CSV_INVALID = "tenants.csv_invalid"
    CSV_ROWS = "tenants.csv_rows"
    INVALID_PHONE = "tenants.invalid_phone"
    INVALID_EMAIL = "tenants.invalid_email"
    INVALID_LETTER = "tenants.invalid_letter"
    LETTER_TOO_LARGE = "tenants.letter_too_large"
    DESK_EXISTS = "tenants.desk_exists"
    DESK_PENDING = "tenants.desk_pending"
    ALREADY_DECIDED = "tenants.already_decided"
    REASON_REQUIRED = "tenants.reason_required"
    BAD_TRANSITION = "tenants.bad_transition"
    NOT_ARCHIVED = "tenants.not_archived"
    NO_ARCHIVE = "tenants.no_archive"
    HAS_CHILDREN = "tenants.has_children"
    READ_ONLY = "tenants.read_only"
