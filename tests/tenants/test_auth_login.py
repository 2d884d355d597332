"""Staff sign-in: lockout after failed logins (django-axes), TOTP two-factor for admins and
heads (django-otp), logout."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.models import Role
from tests.client import TenantClient
from tests.factories import DEFAULT_PASSWORD, TenantFactory, make_member

pytestmark = pytest.mark.django_db


def _login(client: TenantClient, tenant: Any, username: str, password: str, ip: str) -> Any:
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password, "next": f"/t/{tenant.slug}/console/"},
        tenant=tenant,
        REMOTE_ADDR=ip,
    )


def test_repeated_failures_lock_the_username_at_that_address_for_a_while(
    tenant_factory: TenantFactory, tenant_client: TenantClient, settings: Any
) -> None:
    # Given an officer, and a limit of 3 failures
    settings.AXES_FAILURE_LIMIT = 3
    village = tenant_factory()
    make_member(village, Role.OFFICER, username="petugas1")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        # When the password is wrong three times from one address
        for _ in range(2):
            failed = _login(tenant_client, village, "petugas1", "salah", "10.0.0.1")
            assert failed.status_code == 200  # the form again, with its error
        locked = _login(tenant_client, village, "petugas1", "salah", "10.0.0.1")
        # Then the third answer is the lockout, in Indonesian, and even the right password
        # is refused from there
        assert locked.status_code == 429
        assert "Terlalu banyak percobaan masuk yang gagal" in locked.content.decode()
        assert "15 menit" in locked.content.decode()
        right = _login(tenant_client, village, "petugas1", DEFAULT_PASSWORD, "10.0.0.1")
        assert right.status_code == 429
        assert "_auth_user_id" not in tenant_client.session
        # while the same username from another address still signs in
        elsewhere = _login(tenant_client, village, "petugas1", DEFAULT_PASSWORD, "10.0.0.2")
        assert elsewhere.status_code == 302
    # When the lockout time has passed, then the right password works again
    tenant_client.logout()
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        later = _login(tenant_client, village, "petugas1", DEFAULT_PASSWORD, "10.0.0.1")
    assert later.status_code == 302
    assert later["Location"] == f"/t/{village.slug}/console/"


def test_a_successful_login_resets_the_failure_count(
    tenant_factory: TenantFactory, tenant_client: TenantClient, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    village = tenant_factory()
    make_member(village, Role.OFFICER, username="petugas2")
    for _ in range(2):
        _login(tenant_client, village, "petugas2", "salah", "10.0.0.3")
    assert (
        _login(tenant_client, village, "petugas2", DEFAULT_PASSWORD, "10.0.0.3").status_code == 302
    )
    tenant_client.logout()
    for _ in range(2):
        again = _login(tenant_client, village, "petugas2", "salah", "10.0.0.3")
    # Two more failures after a success are not a lockout
    assert again.status_code == 200


def _secret(page: str) -> str:
    match = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page)
    assert match is not None, page
    return match.group(1)


def test_admin_must_enroll_and_pass_totp_before_any_staff_page_or_api(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a tenant admin who signs in with the password
    village = tenant_factory()
    admin = make_member(village, Role.TENANT_ADMIN, username="admin-totp")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        signed_in = _login(tenant_client, village, "admin-totp", DEFAULT_PASSWORD, "10.0.1.1")
        assert signed_in.status_code == 302
        # When they open the console, then they are sent to the two-factor step first
        console = tenant_client.get("/console/", tenant=village)
        assert console.status_code == 302
        assert console["Location"] == (
            f"/t/{village.slug}/accounts/two-factor/?next=%2Ft%2F{village.slug}%2Fconsole%2F"
        )
        # and the API refuses with its code, changing nothing
        api = tenant_client.get("/api/v1/members/", tenant=village)
        assert api.status_code == 403
        assert api.json()["code"] == "auth.two_factor_required"
        # When they open the step, then it shows a QR code (SVG, no script) and the secret
        page = tenant_client.get(
            console["Location"].removeprefix(f"/t/{village.slug}"), tenant=village
        )
        html = page.content.decode()
        assert page.status_code == 200
        assert '<figure id="totp-qr" class="qr"><svg' in html
        assert "<script" not in html
        device = TOTPDevice.objects.get(user=admin)
        assert not device.confirmed
        assert _secret(html) == base64.b32encode(device.bin_key).decode().rstrip("=")
        # When a wrong code is sent, then it is refused and the device stays unconfirmed
        wrong = tenant_client.post(
            "/accounts/two-factor/", {"code": "000000", "next": "/t/x/"}, tenant=village
        )
        assert wrong.status_code == 400
        assert "Kode salah" in wrong.content.decode()
        assert not TOTPDevice.objects.get(pk=device.pk).confirmed
        # When the code from the authenticator is sent
        code = f"{TOTP(device.bin_key).token():06d}"
        passed = tenant_client.post(
            "/accounts/two-factor/",
            {"code": code, "next": f"/t/{village.slug}/console/"},
            tenant=village,
        )
        # Then the device is confirmed and the console and API open
        assert passed.status_code == 302
        assert passed["Location"] == f"/t/{village.slug}/console/"
        assert TOTPDevice.objects.get(pk=device.pk).confirmed
        assert tenant_client.get("/console/", tenant=village).status_code == 200
        assert tenant_client.get("/api/v1/members/", tenant=village).status_code == 200
    # When they sign in again later, then only a code is asked (no new secret)
    tenant_client.post("/accounts/logout/", tenant=village)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        _login(tenant_client, village, "admin-totp", DEFAULT_PASSWORD, "10.0.1.1")
        step = tenant_client.get("/accounts/two-factor/", tenant=village).content.decode()
        assert 'id="totp-secret"' not in step
        status = tenant_client.get("/api/v1/auth/two-factor/", tenant=village).json()
        assert status == {"needed": True, "enrolled": True, "verified": False}
        code = f"{TOTP(device.bin_key).token():06d}"
        verified = tenant_client.post(
            "/api/v1/auth/two-factor/",
            {"code": code},
            content_type="application/json",
            tenant=village,
        )
        assert verified.json() == {"needed": True, "enrolled": True, "verified": True}
        assert tenant_client.get("/console/", tenant=village).status_code == 200
    assert TOTPDevice.objects.filter(user=admin).count() == 1


def test_officer_needs_no_second_factor_and_logout_ends_the_session(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village = tenant_factory()
    make_member(village, Role.OFFICER, username="petugas3")
    assert (
        _login(tenant_client, village, "petugas3", DEFAULT_PASSWORD, "10.0.2.1").status_code == 302
    )
    assert tenant_client.get("/console/", tenant=village).status_code == 200
    # When they log out, then the console asks to sign in again
    assert tenant_client.post("/accounts/logout/", tenant=village).status_code == 302
    after = tenant_client.get("/console/", tenant=village)
    assert after.status_code == 302
    assert "/accounts/login/" in after["Location"]
