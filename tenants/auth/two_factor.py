"""The sign-in steps after the password: TOTP two-factor enrollment and verification
(django-otp), and the lockout page after repeated failed logins (django-axes).

Who must use two-factor: anyone holding a role in `permissions.TWO_FACTOR_ROLES` in any tenant
(admins and heads). tenants.access sends them here (pages) or answers 403
`auth.two_factor_required` (APIs) until this session has passed the step. Enrollment shows a
QR code (SVG, no JavaScript) and the secret for typing in; the first valid code confirms it.
"""

from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan import onetime, ratelimit
from tenants import permissions
from tenants.access import SignedIn, signed_in_required, two_factor_pending
from tenants.auth.errors import AuthError, AuthErrorCode
from tenants.models import User

DEVICE_NAME = "Aduan"
# Recovery codes for a lost phone: each works once; regenerating replaces them all.
RECOVERY_CODE_COUNT = 10


# --- reads and writes -----------------------------------------------------------------------


def confirmed_device(user: User) -> TOTPDevice | None:
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    )
    return device


def enrollment_device(user: User) -> TOTPDevice:
    """The user's unconfirmed device (a new secret the first time)."""
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The secret as authenticator apps want it typed: base32."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg: str = image.to_string(encoding="unicode")
    return svg


def _lockout_key(user: User) -> str:
    return str(user.pk)


def do_verify_second_factor(*, request: HttpRequest, code: str) -> TOTPDevice:
    """Check a TOTP code (or a recovery code) for the signed-in user and mark this session
    verified. Without a confirmed device, a TOTP code confirms the enrollment device (the
    first sign-in).

    Failed codes are counted per user in the shared limiter and lock the step out like
    failed passwords (AXES_FAILURE_LIMIT per AXES_COOLOFF_TIME). The count is written outside
    any transaction: an error raised after it must not roll it back."""
    user: User = request.user  # type: ignore[assignment]
    key = _lockout_key(user)
    locked = ratelimit.peek(ratelimit.Scope.SECOND_FACTOR, key)
    if not locked.allowed:
        raise _locked_out(locked.retry_after)
    cleaned = "".join(code.split())
    device = confirmed_device(user)
    enrolling = device is None
    if device is None:
        device = enrollment_device(user)
    if cleaned.isdigit():
        passed = bool(device.verify_token(cleaned))
    else:
        # A recovery code stands in for the phone, once; never for the enrollment.
        passed = not enrolling and onetime.do_use_code(
            purpose=onetime.Purpose.RECOVERY, subject=key, code=cleaned
        )
    if not passed:
        ratelimit.hit(ratelimit.Scope.SECOND_FACTOR, key)
        # Like the password lockout, the failure that reaches the limit locks.
        now_locked = ratelimit.peek(ratelimit.Scope.SECOND_FACTOR, key)
        if not now_locked.allowed:
            raise _locked_out(now_locked.retry_after)
        raise AuthError(
            AuthErrorCode.INVALID_OTP,
            _("Kode salah atau sudah kedaluwarsa. Masukkan kode terbaru dari aplikasi."),
            {"field": "code"},
        )
    ratelimit.reset(ratelimit.Scope.SECOND_FACTOR, key)
    if enrolling:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return device


def _locked_out(retry_after: int) -> ratelimit.RateLimitedError:
    return ratelimit.RateLimitedError(
        retry_after,
        code=AuthErrorCode.SECOND_FACTOR_LOCKED,
        message=_(
            "Terlalu banyak kode yang salah. Verifikasi dua langkah dikunci; coba lagi dalam "
            "%(minutes)s menit."
        )
        % {"minutes": max(1, -(-retry_after // 60))},
    )


def do_regenerate_recovery_codes(*, user: User) -> list[str]:
    """New recovery codes for a user with a confirmed device who passed the second factor in
    this session (django-otp's is_verified); the old codes stop working."""
    if not bool(getattr(user, "is_verified", lambda: False)()):
        raise AuthError(
            AuthErrorCode.TWO_FACTOR_REQUIRED,
            _("Selesaikan verifikasi dua langkah terlebih dahulu."),
        )
    if confirmed_device(user) is None:
        raise AuthError(
            AuthErrorCode.NOT_ENROLLED,
            _("Aktifkan verifikasi dua langkah terlebih dahulu."),
        )
    return onetime.do_issue_codes(
        purpose=onetime.Purpose.RECOVERY,
        subject=_lockout_key(user),
        count=RECOVERY_CODE_COUNT,
        length=10,
    )


def recovery_codes_left(user: User) -> int:
    return onetime.remaining(purpose=onetime.Purpose.RECOVERY, subject=_lockout_key(user))


# --- pages ------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Kode 6 angka"), max_length=20)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


@signed_in_required
@ratelimit.limited_page(ratelimit.Scope.SIGN_IN)
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enroll (QR code and secret) or verify a TOTP code, then continue to `next`."""
    user: User = request.user  # type: ignore[assignment]
    if not two_factor_pending(request) and confirmed_device(user) is not None:
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                do_verify_second_factor(request=request, code=form.cleaned_data["code"])
            except ratelimit.RateLimitedError as error:
                form.add_error("code", error.message)
                status = 429
            except AuthError as error:
                form.add_error("code", error.message)
                status = 400
            else:
                return redirect(_next_url(request))
        else:
            status = 400
    device = confirmed_device(user)
    context: dict[str, Any] = {"form": form, "next": _next_url(request), "enrolling": False}
    if device is None:
        pending = enrollment_device(user)
        context.update(
            enrolling=True,
            # Our own SVG, drawn by qrcode from the device's otpauth:// URL: no user input.
            qr=mark_safe(qr_svg(pending)),  # noqa: S308
            secret=secret_of(pending),
        )
    return render(request, "tenants/two_factor.html", context, status=status)


@signed_in_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left; POST makes new ones and shows them, once."""
    user: User = request.user  # type: ignore[assignment]
    codes: list[str] = []
    error = ""
    status = 200
    if request.method == "POST":
        try:
            codes = do_regenerate_recovery_codes(user=user)
        except AuthError as problem:
            error, status = problem.message, 400
    context = {"codes": codes, "left": recovery_codes_left(user), "error": error}
    return render(request, "tenants/recovery_codes.html", context, status=status)


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): 429 and a clear message."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "tenants/locked_out.html", {"minutes": minutes}, status=429)


# --- API --------------------------------------------------------------------------------


class TwoFactorStatus(serializers.Serializer[Any]):
    needed = serializers.BooleanField(help_text="the user's roles require a second factor")
    enrolled = serializers.BooleanField()
    verified = serializers.BooleanField()


class CodeInput(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=20)


class EnrollmentOutput(serializers.Serializer[Any]):
    secret = serializers.CharField()
    otpauth_url = serializers.CharField()


def _status(request: HttpRequest) -> dict[str, bool]:
    user: User = request.user  # type: ignore[assignment]
    return {
        "needed": permissions.requires_two_factor(user),
        "enrolled": confirmed_device(user) is not None,
        "verified": bool(getattr(user, "is_verified", lambda: False)()),
    }


class TwoFactorApi(APIView):
    """GET: whether this session needs, has set up and has passed the second factor.
    POST a code: verify it (the first valid code also confirms the enrollment); a recovery
    code works once instead of a TOTP code."""

    permission_classes = [SignedIn]
    throttle_classes = [ratelimit.SignInThrottle]

    @extend_schema(responses=TwoFactorStatus, operation_id="auth_two_factor_status")
    def get(self, request: Request) -> Response:
        return Response(TwoFactorStatus(_status(request)).data)

    @extend_schema(
        request=CodeInput, responses=TwoFactorStatus, operation_id="auth_two_factor_verify"
    )
    def post(self, request: Request) -> Response:
        given = CodeInput(data=request.data)
        given.is_valid(raise_exception=True)
        do_verify_second_factor(request=request._request, code=given.validated_data["code"])
        return Response(TwoFactorStatus(_status(request)).data)


class TwoFactorEnrollmentApi(APIView):
    """POST: the secret and otpauth:// URL to put in an authenticator app (until a code is
    verified, the same unconfirmed secret is returned)."""

    permission_classes = [SignedIn]

    @extend_schema(request=None, responses=EnrollmentOutput, operation_id="auth_two_factor_enroll")
    def post(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        if confirmed_device(user) is not None:
            raise AuthError(
                AuthErrorCode.ALREADY_ENROLLED,
                _("Verifikasi dua langkah sudah aktif untuk akun ini."),
            )
        device = enrollment_device(user)
        data = {"secret": secret_of(device), "otpauth_url": device.config_url}
        return Response(EnrollmentOutput(data).data)


class RecoveryStatus(serializers.Serializer[Any]):
    remaining = serializers.IntegerField(help_text="unused recovery codes")


class RecoveryCodes(serializers.Serializer[Any]):
    codes = serializers.ListField(
        child=serializers.CharField(), help_text="shown once; each works once"
    )


class RecoveryCodesApi(APIView):
    """GET: how many recovery codes are left. POST: new codes (the old ones stop working);
    only after the second factor was passed in this session."""

    permission_classes = [SignedIn]

    @extend_schema(responses=RecoveryStatus, operation_id="auth_recovery_codes_status")
    def get(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        return Response(RecoveryStatus({"remaining": recovery_codes_left(user)}).data)

    @extend_schema(
        request=None, responses={201: RecoveryCodes}, operation_id="auth_recovery_codes_create"
    )
    def post(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        codes = do_regenerate_recovery_codes(user=user)
        return Response(RecoveryCodes({"codes": codes}).data, status=201)
