"""Password reset by e-mail, for every role (users live in the public schema, so one flow
serves staff of every tenant and the platform's operators).

Django's own views and forms do the work: a signed, single-use token (invalidated by the
password change and by a sign-in), mail through the configured EMAIL_BACKEND (the same path
as invitations). The request page answers the same whether or not the address is known, and
is rate-limited per client address like sign-in.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan import ratelimit
from tenants.access import Public, public_page
from tenants.auth.errors import AuthError, AuthErrorCode
from tenants.models import User

EMAIL_TEMPLATE = "tenants/email/password_reset.txt"
SUBJECT_TEMPLATE = "tenants/email/password_reset_subject.txt"

# --- pages ------------------------------------------------------------------------------

reset_request = public_page(
    ratelimit.limited_page(ratelimit.Scope.SIGN_IN)(
        auth_views.PasswordResetView.as_view(
            template_name="tenants/password/reset.html",
            email_template_name=EMAIL_TEMPLATE,
            subject_template_name=SUBJECT_TEMPLATE,
            success_url=reverse_lazy("password-reset-sent"),
        )
    )
)
reset_sent = public_page(
    auth_views.PasswordResetDoneView.as_view(template_name="tenants/password/sent.html")
)
reset_confirm = public_page(
    ratelimit.limited_page(ratelimit.Scope.SIGN_IN)(
        auth_views.PasswordResetConfirmView.as_view(
            template_name="tenants/password/confirm.html",
            success_url=reverse_lazy("password-reset-complete"),
        )
    )
)
reset_complete = public_page(
    auth_views.PasswordResetCompleteView.as_view(template_name="tenants/password/complete.html")
)


# --- API --------------------------------------------------------------------------------


class ResetRequestInput(serializers.Serializer[Any]):
    email = serializers.EmailField()


class ResetConfirmInput(serializers.Serializer[Any]):
    uid = serializers.CharField(max_length=64, help_text="from the e-mailed link")
    token = serializers.CharField(max_length=128, help_text="from the e-mailed link")
    new_password = serializers.CharField(max_length=128)


class ResetOutput(serializers.Serializer[Any]):
    status = serializers.CharField()


class PasswordResetApi(APIView):
    """POST an e-mail address: a reset link is mailed if an account has it (the answer is the
    same either way, so the API reveals no accounts)."""

    permission_classes = [Public]
    authentication_classes: list[Any] = []
    throttle_classes = [ratelimit.SignInThrottle]

    @extend_schema(
        request=ResetRequestInput,
        responses={202: ResetOutput},
        operation_id="auth_password_reset",
    )
    def post(self, request: Request) -> Response:
        given = ResetRequestInput(data=request.data)
        given.is_valid(raise_exception=True)
        form = PasswordResetForm({"email": given.validated_data["email"]})
        if form.is_valid():
            form.save(
                request=request._request,
                email_template_name=EMAIL_TEMPLATE,
                subject_template_name=SUBJECT_TEMPLATE,
                use_https=request.is_secure(),
            )
        return Response({"status": "sent"}, status=202)


class PasswordResetConfirmApi(APIView):
    """POST the link's uid and token with a new password (Django's password rules apply)."""

    permission_classes = [Public]
    authentication_classes: list[Any] = []
    throttle_classes = [ratelimit.SignInThrottle]

    @extend_schema(
        request=ResetConfirmInput,
        responses={200: ResetOutput},
        operation_id="auth_password_reset_confirm",
    )
    def post(self, request: Request) -> Response:
        given = ResetConfirmInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        user = _user_of(data["uid"])
        if user is None or not default_token_generator.check_token(user, data["token"]):
            raise AuthError(
                AuthErrorCode.RESET_LINK_INVALID,
                _("Tautan ini tidak berlaku lagi (sudah dipakai atau kedaluwarsa)."),
                {"field": "token"},
            )
        form = SetPasswordForm(
            user, {"new_password1": data["new_password"], "new_password2": data["new_password"]}
        )
        if not form.is_valid():
            messages = [str(m) for m in form.errors.get("new_password2", [])] or [
                _("Kata sandi tidak memenuhi syarat.")
            ]
            raise AuthError(
                AuthErrorCode.INVALID_PASSWORD, " ".join(messages), {"field": "new_password"}
            )
        form.save()
        return Response({"status": "changed"})


def _user_of(uid: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uid))
        return User.objects.filter(pk=int(pk), is_active=True).first()
    except (ValueError, TypeError, OverflowError):
        return None
