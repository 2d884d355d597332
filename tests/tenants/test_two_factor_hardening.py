"""The second factor cannot be guessed: failures counted and locked out like passwords,
surviving the error path; recovery codes work once and can be regenerated."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.models import OneTimeCode, RateCounter
from tenants.models import Role
from tests.client import TenantClient
from tests.factories import DEFAULT_PASSWORD, TenantFactory, make_member

pytestmark = pytest.mark.django_db


def _enrolled_admin(tenant_factory: TenantFactory, client: TenantClient) -> tuple[Any, Any]:
    village = tenant_factory()
    admin = make_member(village, Role.TENANT_ADMIN, username="admin-2fa")
    device = TOTPDevice.objects.create(user=admin, name="Aduan", confirmed=True)
    signed = client.post(
        "/accounts/login/",
        {"username": "admin-2fa", "password": DEFAULT_PASSWORD},
        tenant=village,
    )
    assert signed.status_code == 302
    return village, device


def _code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key).token():06d}"


def _wrong(device: TOTPDevice) -> str:
    return f"{(int(_code(device)) + 1) % 1_000_000:06d}"


def _verify(client: TenantClient, village: Any, code: str) -> Any:
    return client.post(
        "/api/v1/auth/two-factor/", {"code": code}, content_type="application/json", tenant=village
    )


def test_wrong_codes_lock_the_second_factor_even_for_the_right_code(
    tenant_factory: TenantFactory, tenant_client: TenantClient, settings: Any
) -> None:
    # Given an enrolled admin and the password's limit of 5 failures
    settings.ADUAN_RATE_LIMITS = {**settings.ADUAN_RATE_LIMITS, "second_factor": "5/15m"}
    village, device = _enrolled_admin(tenant_factory, tenant_client)
    # When five wrong codes are sent
    answers = [_verify(tenant_client, village, _wrong(device)) for _ in range(5)]
    # Then four are refused as wrong and the fifth locks the step, in the error shape
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 429]
    assert answers[0].json()["code"] == "auth.invalid_otp"
    locked = answers[4]
    assert locked.json()["code"] == "auth.second_factor_locked"
    assert set(locked.json()) == {"code", "message", "extra"}
    assert 0 < int(locked["Retry-After"]) <= 900
    # and the count was kept although each failure raised an error
    assert RateCounter.objects.get(scope="second_factor").hits == 5
    # When the right code comes now, then it is refused too and the session stays unverified
    right = _verify(tenant_client, village, _code(device))
    assert right.status_code == 429
    assert tenant_client.get("/api/v1/auth/two-factor/", tenant=village).json()["verified"] is (
        False
    )
    # and the page says so
    page = tenant_client.post("/accounts/two-factor/", {"code": _code(device)}, tenant=village)
    assert page.status_code == 429
    assert "dikunci" in page.content.decode()


def test_a_right_code_resets_the_failures(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village, device = _enrolled_admin(tenant_factory, tenant_client)
    for _ in range(3):
        assert _verify(tenant_client, village, _wrong(device)).status_code == 400
    assert _verify(tenant_client, village, _code(device)).json()["verified"] is True
    assert not RateCounter.objects.filter(scope="second_factor").exists()


def test_recovery_codes_are_hashed_work_once_and_regenerate(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a verified admin
    village, device = _enrolled_admin(tenant_factory, tenant_client)
    # Before passing the second factor, no codes can be made
    early = tenant_client.post("/api/v1/auth/two-factor/recovery-codes/", tenant=village)
    assert early.status_code == 400
    assert early.json()["code"] == "auth.two_factor_required"
    assert _verify(tenant_client, village, _code(device)).status_code == 200
    # When they make recovery codes
    made = tenant_client.post("/api/v1/auth/two-factor/recovery-codes/", tenant=village)
    assert made.status_code == 201
    codes = made.json()["codes"]
    assert len(codes) == 10
    # Then only hashes are stored
    stored = list(OneTimeCode.objects.values_list("digest", flat=True))
    assert len(stored) == 10
    assert not set(codes) & set(stored)
    # When they sign in again and use a recovery code instead of the phone, it works once
    tenant_client.post("/accounts/logout/", tenant=village)
    tenant_client.post(
        "/accounts/login/", {"username": "admin-2fa", "password": DEFAULT_PASSWORD}, tenant=village
    )
    spaced = f"{codes[0][:5].lower()}-{codes[0][5:]}"
    assert _verify(tenant_client, village, spaced).json()["verified"] is True
    status = tenant_client.get("/api/v1/auth/two-factor/recovery-codes/", tenant=village)
    assert status.json() == {"remaining": 9}
    tenant_client.post("/accounts/logout/", tenant=village)
    tenant_client.post(
        "/accounts/login/", {"username": "admin-2fa", "password": DEFAULT_PASSWORD}, tenant=village
    )
    assert _verify(tenant_client, village, codes[0]).status_code == 400
    # When they regenerate (on the page, after passing), the old codes stop working
    assert _verify(tenant_client, village, codes[1]).status_code == 200
    page = tenant_client.post("/accounts/two-factor/recovery-codes/", tenant=village)
    assert page.status_code == 200
    assert 'id="recovery-codes"' in page.content.decode()
    tenant_client.post("/accounts/logout/", tenant=village)
    tenant_client.post(
        "/accounts/login/", {"username": "admin-2fa", "password": DEFAULT_PASSWORD}, tenant=village
    )
    assert _verify(tenant_client, village, codes[2]).status_code == 400
    assert OneTimeCode.objects.filter(used_at__isnull=True).count() == 10
