"""URL patterns of members, invitations and sign-in; included by the aduan URLconfs."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tenants.auth import api as auth_api
from tenants.auth import password
from tenants.auth import two_factor as auth_two_factor
from tenants.auth import views as auth_views

# On every host: the invitation link (the platform's own invitations live on the front door).
common_urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "accounts/invitation/<str:token>/",
        auth_views.accept_invitation,
        name="invitation-accept",
    ),
    path("accounts/two-factor/", auth_two_factor.two_factor, name="two-factor"),
    path("accounts/password/reset/", password.reset_request, name="password-reset"),
    path("accounts/password/reset/sent/", password.reset_sent, name="password-reset-sent"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        password.reset_confirm,
        name="password-reset-confirm",
    ),
    path("accounts/password/reset/done/", password.reset_complete, name="password-reset-complete"),
    path(
        "api/v1/auth/password-reset/",
        password.PasswordResetApi.as_view(),
        name="api-password-reset",
    ),
    path(
        "api/v1/auth/password-reset/confirm/",
        password.PasswordResetConfirmApi.as_view(),
        name="api-password-reset-confirm",
    ),
    path(
        "accounts/two-factor/recovery-codes/",
        auth_two_factor.recovery_codes,
        name="recovery-codes",
    ),
    path(
        "api/v1/auth/two-factor/recovery-codes/",
        auth_two_factor.RecoveryCodesApi.as_view(),
        name="api-recovery-codes",
    ),
    path(
        "api/v1/auth/two-factor/",
        auth_two_factor.TwoFactorApi.as_view(),
        name="api-two-factor",
    ),
    path(
        "api/v1/auth/two-factor/enrollment/",
        auth_two_factor.TwoFactorEnrollmentApi.as_view(),
        name="api-two-factor-enrollment",
    ),
    path(
        "api/v1/invitations/accept/",
        auth_api.AcceptInvitationApi.as_view(),
        name="api-invitation-accept",
    ),
]

tenant_urlpatterns: list[URLPattern | URLResolver] = [
    path("console/members/", auth_views.members, name="members"),
    path(
        "console/members/invitations/<int:invitation_id>/revoke/",
        auth_views.revoke_invitation,
        name="member-invitation-revoke",
    ),
    path(
        "console/members/<int:membership_id>/remove/",
        auth_views.remove_member,
        name="member-remove",
    ),
    path("api/v1/members/", auth_api.MembersApi.as_view(), name="api-members"),
    path(
        "api/v1/members/<int:membership_id>/",
        auth_api.MemberApi.as_view(),
        name="api-member",
    ),
    path(
        "api/v1/members/invitations/<int:invitation_id>/",
        auth_api.InvitationApi.as_view(),
        name="api-member-invitation",
    ),
]
