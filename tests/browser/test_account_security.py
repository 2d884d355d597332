"""Account security in a real browser: an admin makes recovery codes from a link in the header
and signs in with one instead of the phone; a forgotten password is reset from the sign-in
page through the mailed link. No page breaks its Content-Security-Policy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.models import Role
from tests.factories import DEFAULT_PASSWORD, TenantFactory, make_member

pytestmark = pytest.mark.browser


def _watch_csp(page: Any) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _password_step(page: Any, base: str, slug: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/t/{slug}/accounts/login/?next=/t/{slug}/console/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Masuk", exact=True).click()


def test_an_admin_signs_in_with_a_recovery_code(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    violations = _watch_csp(page)
    tenant = tenant_factory(slug="desa-pulih")
    admin = make_member(tenant, Role.TENANT_ADMIN, username="admin-pulih")
    device = TOTPDevice.objects.create(user=admin, name="Aduan", confirmed=True)
    base = live_server.url
    # Given the admin passed the second factor with the phone
    _password_step(page, base, tenant.slug, "admin-pulih", DEFAULT_PASSWORD)
    page.wait_for_url("**/accounts/two-factor/**")
    page.fill("#two-factor-form input[name=code]", f"{TOTP(device.bin_key).token():06d}")
    page.locator("#two-factor-form button[type=submit]").click()
    page.wait_for_url(f"**/t/{tenant.slug}/console/")
    # When they follow the header's link and make recovery codes
    page.get_by_role("link", name="Kode pemulihan").click()
    page.get_by_role("button", name="Buat kode pemulihan baru").click()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    # Then, having lost the phone, they sign in with one of them
    _password_step(page, base, tenant.slug, "admin-pulih", DEFAULT_PASSWORD)
    page.wait_for_url("**/accounts/two-factor/**")
    page.locator("#recovery summary").click()
    page.fill("#recovery-form input[name=code]", codes[0])
    page.locator("#recovery-form button[type=submit]").click()
    page.wait_for_url(f"**/t/{tenant.slug}/console/")
    assert violations == []


def test_a_forgotten_password_is_reset_from_the_sign_in_page(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    violations = _watch_csp(page)
    tenant = tenant_factory(slug="desa-lupa")
    officer = make_member(tenant, Role.OFFICER, username="petugas-lupa")
    officer.email = "petugas@desa-lupa.example.id"
    officer.save(update_fields=["email"])
    base = live_server.url
    page.goto(f"{base}/t/{tenant.slug}/accounts/login/")
    page.get_by_role("link", name="Lupa kata sandi?").click()
    page.fill("input[name=email]", "petugas@desa-lupa.example.id")
    page.get_by_role("button", name="Kirim tautan").click()
    page.wait_for_selector("#reset-sent")
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", str(mail.outbox[0].body))
    assert link is not None
    page.goto(link.group(0))
    new_password = "teh-manis-sore-2026"
    page.fill("input[name=new_password1]", new_password)
    page.fill("input[name=new_password2]", new_password)
    page.get_by_role("button", name="Simpan kata sandi").click()
    page.wait_for_selector("#reset-done")
    _password_step(page, base, tenant.slug, "petugas-lupa", new_password)
    page.wait_for_url(f"**/t/{tenant.slug}/console/")
    assert violations == []
