"""Error codes of members, invitations and sign-in (see aduan.errors for the shape)."""

from __future__ import annotations

from enum import StrEnum

from aduan.errors import AduanError


class AuthErrorCode(StrEnum):
    INVALID_EMAIL = "members.invalid_email"
    INVALID_ROLE = "members.invalid_role"
    ROLE_NOT_GRANTABLE = "members.role_not_grantable"
    ALREADY_MEMBER = "members.already_member"
    INVITATION_NOT_FOUND = "members.invitation_not_found"
    INVITATION_EXPIRED = "members.invitation_expired"
    INVITATION_USED = "members.invitation_used"
    INVITATION_REVOKED = "members.invitation_revoked"
    INVALID_USERNAME = "members.invalid_username"
    USERNAME_TAKEN = "members.username_taken"
    INVALID_PASSWORD = "members.invalid_password"  # noqa: S105 (an error code)
    WRONG_PASSWORD = "members.wrong_password"  # noqa: S105 (an error code)
    LAST_ADMIN = "members.last_admin"
    SEATS_FULL = "members.seats_full"
    TWO_FACTOR_REQUIRED = "auth.two_factor_required"
    INVALID_OTP = "auth.invalid_otp"
    ALREADY_ENROLLED = "auth.already_enrolled"
    NOT_ENROLLED = "auth.not_enrolled"
    SECOND_FACTOR_LOCKED = "auth.second_factor_locked"
    RESET_LINK_INVALID = "auth.reset_link_invalid"


class AuthError(AduanError):
    pass
