"""Complaint-domain errors: one shape for every interface (see aduan.errors)."""

from __future__ import annotations

from enum import StrEnum

from aduan.errors import AduanError, NotFoundError


class ComplaintErrorCode(StrEnum):
    NOT_FOUND = "complaints.not_found"
    EMPTY = "complaints.empty"
    ANSWER_REQUIRED = "complaints.answer_required"
    INVALID_PHONE = "complaints.invalid_phone"
    INVALID_EMAIL = "complaints.invalid_email"
    TOO_LONG = "complaints.too_long"
    INVALID_CHANNEL = "complaints.invalid_channel"
    UNKNOWN_VILLAGE = "complaints.unknown_village"
    INVALID_COORDINATES = "complaints.invalid_coordinates"
    INVALID_PRIVACY = "complaints.invalid_privacy"
    TOO_MANY_ATTACHMENTS = "complaints.too_many_attachments"
    ATTACHMENT_TOO_LARGE = "complaints.attachment_too_large"
    ATTACHMENT_TYPE = "complaints.attachment_type"
    EMPTY_MESSAGE = "complaints.empty_message"
    NOT_INCOMPLETE = "complaints.not_incomplete"
    NOT_ASSIGNABLE = "complaints.not_assignable"
    INVALID_TEAM = "complaints.invalid_team"
    # Forwarding between tenants (complaints.actions.forward).
    REASON_REQUIRED = "complaints.reason_required"
    UNKNOWN_TARGET = "complaints.unknown_target"
    FORWARD_TO_SELF = "complaints.forward_to_self"
    FORWARD_LOOP = "complaints.forward_loop"
    FORWARD_WBS = "complaints.forward_wbs"
    FORWARD_PENDING = "complaints.forward_pending"
    NOT_PENDING = "complaints.not_pending"
    LOCATION_REQUIRED = "complaints.location_required"
    UNKNOWN_CATEGORY = "complaints.unknown_category"
    INVALID_FILTER = "complaints.invalid_filter"
    NO_SUGGESTION = "complaints.no_suggestion"
    INVALID_EXPORT = "complaints.invalid_export"
    # The citizens' doors (complaints.actions.doors): embed origins, phone confirmation.
    INVALID_ORIGIN = "complaints.invalid_origin"
    INVALID_COLOUR = "complaints.invalid_colour"
    PHONE_CODE_REQUIRED = "complaints.phone_code_required"
    BAD_PHONE_CODE = "complaints.bad_phone_code"
    PHONE_CODE_RATE_LIMITED = "complaints.phone_code_rate_limited"


class WbsErrorCode(StrEnum):
    """Whistleblowing (complaints.actions.wbs)."""

    NOT_ENABLED = "wbs.not_enabled"
    INVALID_DAYS = "wbs.invalid_days"
    LEGAL_BASIS_REQUIRED = "wbs.legal_basis_required"
    IDENTITY_REQUIRED = "wbs.identity_required"
    HEAD_ONLY = "wbs.head_only"
    TWO_FACTOR_REQUIRED = "wbs.two_factor_required"
    NOT_A_MEMBER = "wbs.not_a_member"
    NOT_WBS = "wbs.not_wbs"
    NO_IDENTITY = "wbs.no_identity"
    REASON_REQUIRED = "wbs.reason_required"
    OWN_REQUEST = "wbs.own_request"
    ALREADY_APPROVED = "wbs.already_approved"
    NOT_AN_APPROVER = "wbs.not_an_approver"
    REQUEST_CLOSED = "wbs.request_closed"
    NO_INSPECTORATE = "wbs.no_inspectorate"
    UNKNOWN_KEY = "wbs.unknown_key"
    USE_WBS_DOOR = "wbs.use_wbs_door"
    NOT_AN_OFFICER = "wbs.not_an_officer"


class ComplaintError(AduanError):
    pass


class ComplaintNotFoundError(NotFoundError):
    pass


class HolidayErrorCode(StrEnum):
    NAME_REQUIRED = "holidays.name_required"
    NAME_TOO_LONG = "holidays.name_too_long"
    ALREADY_OFF = "holidays.already_off"
    DUPLICATE = "holidays.duplicate"
    OUT_OF_RANGE = "holidays.out_of_range"
    NOT_FOUND = "holidays.not_found"


class PrivacyErrorCode(StrEnum):
    """The access log, data subjects' rights, erasure and retention (UU 27/2022)."""

    NOT_FOUND = "privacy.not_found"
    BAD_FILTER = "privacy.bad_filter"
    BAD_CODE = "privacy.bad_code"
    REASON_REQUIRED = "privacy.reason_required"
    NOTHING_REQUESTED = "privacy.nothing_requested"
    ALREADY_ERASED = "privacy.already_erased"
    RATE_LIMITED = "privacy.rate_limited"
    BAD_SETTING = "privacy.bad_setting"
