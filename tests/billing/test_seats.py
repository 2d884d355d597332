"""Issue 21: the plan's staff seats (kursi petugas) are metered and enforced: a new person
beyond the quota is refused with a field error (page and API, Bahasa Indonesia and English);
those who already hold a seat keep it, even when a smaller plan leaves the tenant above it."""

from __future__ import annotations

from datetime import date

import pytest

from billing.actions.accounts import do_change_plan, do_cover_tenant, do_create_account
from billing.actions.plans import do_create_plan
from billing.actions.usage import do_meter_usage
from billing.models import UsageCounter, UsageKind
from tenants.actions.members import do_accept_invitation, do_invite_member
from tenants.auth.errors import AuthError, AuthErrorCode
from tenants.models import Invitation, Membership, Role, Tenant
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, sign_in

pytestmark = pytest.mark.django_db


def _cover(tenant: Tenant, seats: int) -> None:
    do_create_plan(code=f"kursi-{seats}", name=f"Kursi {seats}", monthly_price=100_000, features=[],
                   seats=seats, actor=None)  # fmt: skip
    account = do_create_account(name="Desa Sukamaju", address="Jl. Desa 1", npwp="001234567890100",
                                holder=tenant, actor=None)  # fmt: skip
    do_cover_tenant(account=account, tenant=tenant, plan_code=f"kursi-{seats}", actor=None,
                    starts_on=date(2026, 1, 1))  # fmt: skip


def test_beyond_the_seat_quota_an_invitation_is_refused_on_the_page_and_the_api(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a village on a plan of two seats, its admin and one officer: both seats taken
    village = tenant_factory()
    admin = make_member(village, Role.TENANT_ADMIN, username="admin-kursi")
    officer = make_member(village, Role.OFFICER)
    _cover(village, seats=2)
    sign_in(tenant_client, admin)
    # When the admin invites a third person through the API
    refused = tenant_client.post("/api/v1/members/", {"email": "baru@desa.example",
                                 "role": "officer"}, content_type="application/json",
                                 tenant=village)  # fmt: skip
    # Then a 400 in the one error shape, on the e-mail field, in Bahasa Indonesia
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == AuthErrorCode.SEATS_FULL
    assert body["extra"]["field"] == "email"
    assert "Kuota kursi petugas paket ini (2) sudah penuh" in body["message"]
    # and in English for a reader who switched to it
    reader = TenantClient()
    sign_in(reader, admin)
    reader.post("/i18n/setlang/", {"language": "en", "next": "/"}, tenant=village)
    english = reader.post("/api/v1/members/", {"email": "baru@desa.example", "role": "officer"},
                          content_type="application/json", tenant=village)  # fmt: skip
    assert english.status_code == 400
    assert "staff seat quota (2) is full" in english.json()["message"]
    # and the members page shows the error on its field, with nothing stored
    page = tenant_client.post("/console/members/", {"email": "baru@desa.example",
                              "role": "officer"}, tenant=village)  # fmt: skip
    assert page.status_code == 400
    assert "Kuota kursi petugas paket ini (2) sudah penuh" in page.content.decode()
    assert not Invitation.objects.filter(email="baru@desa.example").exists()
    # When someone who already holds a seat gets a second role, then it is allowed
    again = do_invite_member(tenant=village, email=officer.email, role=Role.ANSWER_TEAM,
                             invited_by=admin)  # fmt: skip
    assert again.pk is not None


def test_a_smaller_plan_keeps_every_member_but_an_old_invitation_cannot_take_a_seat(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a village on three seats with two members and one pending invitation
    village = tenant_factory()
    admin = make_member(village, Role.TENANT_ADMIN)
    officer = make_member(village, Role.OFFICER)
    _cover(village, seats=3)
    invitation = do_invite_member(tenant=village, email="ketiga@desa.example",
                                  role=Role.OFFICER, invited_by=admin)  # fmt: skip
    # then the pending invitation holds the last seat: a fourth address is refused
    with pytest.raises(AuthError) as full:
        do_invite_member(tenant=village, email="keempat@desa.example", role=Role.OFFICER,
                         invited_by=admin)  # fmt: skip
    assert full.value.code == AuthErrorCode.SEATS_FULL
    # When the plan shrinks to one seat
    do_create_plan(code="kursi-1", name="Kursi 1", monthly_price=50_000, features=[], seats=1,
                   actor=None)  # fmt: skip
    do_change_plan(tenant=village, plan_code="kursi-1", actor=None)
    village.refresh_from_db()
    # Then the invitation can no longer be accepted (on the token's field), nobody is added
    with pytest.raises(AuthError) as late:
        do_accept_invitation(token=invitation.token, username="ketiga",
                             password="Kopi-Tubruk-Pagi-42")  # fmt: skip
    assert (late.value.code, late.value.extra["field"]) == (AuthErrorCode.SEATS_FULL, "token")
    assert not Membership.objects.filter(user__email="ketiga@desa.example").exists()
    # and both members above the quota still work: the officer signs in and opens the desk
    sign_in(tenant_client, officer)
    assert tenant_client.get("/", tenant=village).status_code == 200
    # and the metering job counted the two active seats for the usage page
    do_meter_usage()
    counted = UsageCounter.objects.get(tenant=village, kind=UsageKind.SEATS)
    assert counted.quantity == 2
