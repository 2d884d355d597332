"""Password reset by e-mail, for every role: the page flow and the API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from tenants.models import Role
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "kopi-tubruk-pagi-2026"


def _link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/(?:\S+/)?accounts/password/reset/[^/\s]+/[^/\s]+/)", body)
    assert match is not None, body
    return match.group(1)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.TENANT_ADMIN])
def test_a_forgotten_password_is_reset_through_the_mailed_link(
    tenant_factory: TenantFactory, tenant_client: TenantClient, role: Role
) -> None:
    # Given a member with an e-mail address, reaching the reset page from the sign-in page
    village = tenant_factory()
    user = make_member(village, role, username="lupa")
    user.email = "lupa@desa.example.id"
    user.save(update_fields=["email"])
    login = tenant_client.get("/accounts/login/", tenant=village).content.decode()
    assert 'id="forgot-password"' in login
    # When they ask for a link
    asked = tenant_client.post(
        "/accounts/password/reset/", {"email": "lupa@desa.example.id"}, tenant=village
    )
    assert asked.status_code == 302
    # Then one mail carries it, and an unknown address gets the same answer and no mail
    unknown = tenant_client.post(
        "/accounts/password/reset/", {"email": "siapa@example.id"}, tenant=village
    )
    assert unknown.status_code == 302
    assert [m.to for m in mail.outbox] == [["lupa@desa.example.id"]]
    link = _link(str(mail.outbox[0].body))
    # When they follow it and choose a new password
    form = tenant_client.get(link, follow=True)
    assert form.status_code == 200
    assert 'id="password-set-form"' in form.content.decode()
    done = tenant_client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    # Then the new password signs in, and the link is spent
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    again = tenant_client.get(link, follow=True).content.decode()
    assert 'id="reset-invalid"' in again


def test_the_reset_api_mails_a_token_that_sets_the_password_once(
    reference_data: Any, tenant_client: TenantClient
) -> None:
    user = make_user(username="lupa-api")
    user.email = "api@desa.example.id"
    user.save(update_fields=["email"])
    asked = tenant_client.post(
        "/api/v1/auth/password-reset/",
        {"email": "api@desa.example.id"},
        content_type="application/json",
    )
    assert asked.status_code == 202
    uid, token = _link(str(mail.outbox[0].body)).rstrip("/").split("/")[-2:]
    weak = tenant_client.post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "new_password": "123"},
        content_type="application/json",
    )
    assert weak.status_code == 400
    assert list(weak.json()["extra"]["fields"]) == ["new_password"]
    changed = tenant_client.post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "new_password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert changed.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    replay = tenant_client.post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "new_password": "lain-lagi-2026-xyz"},
        content_type="application/json",
    )
    assert replay.status_code == 400
    assert replay.json()["code"] == "auth.reset_link_invalid"
