"""Invitations by e-mail with expiring links, members pages and API.

E-mail goes through Django's SMTP backend to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.utils import timezone

from aduan.errors import NotFoundError
from tenants.actions.members import (
    do_accept_invitation,
    do_invite_member,
    do_revoke_invitation,
)
from tenants.actions.onboarding import do_ensure_public_tenant
from tenants.auth.errors import AuthError, AuthErrorCode
from tenants.auth.selectors import token_digest
from tenants.auth.tasks import send_invitation_email
from tenants.models import Invitation, Membership, Role, Tenant, TenantKind, User
from tests.client import TenantClient
from tests.factories import (
    DEFAULT_PASSWORD,
    TenantFactory,
    make_member,
    make_user,
    run_jobs,
    sign_in,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kopi-Tubruk-Pagi-42"
LINK = re.compile(r"http://aduan\.test(/\S+/accounts/invitation/(\S+)/)")


class Inbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server on loopback, and Django's SMTP backend pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "http://aduan.test"
    settings.DEFAULT_FROM_EMAIL = "Aduan <noreply@aduan.test>"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def invite(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> Callable[..., Invitation]:
    """do_invite_member, with its e-mail job run after commit."""

    def invite_and_send(**kwargs: Any) -> Invitation:
        with django_capture_on_commit_callbacks(execute=True):
            invitation = do_invite_member(**kwargs)
        run_jobs(send_invitation_email)
        return invitation

    return invite_and_send


def _body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def test_invitation_mail_carries_a_link_that_signs_up_and_grants_the_role(
    tenant_factory: TenantFactory,
    smtp: Inbox,
    invite: Callable[..., Invitation],
    tenant_client: TenantClient,
) -> None:
    # Given a village and its tenant admin
    village = tenant_factory()
    admin = make_member(village, Role.TENANT_ADMIN)
    # When the admin invites an officer
    invitation = invite(
        tenant=village, email="Siti@Desa.example", role=Role.OFFICER, invited_by=admin
    )
    # Then one e-mail reached the SMTP server, in Indonesian, with the link to this tenant
    assert smtp.recipients == [["siti@desa.example"]]
    mail = smtp.messages[0]
    # A long subject is folded on the wire (RFC 5322); the reader sees it unfolded.
    subject = str(mail["Subject"]).replace("\r\n ", " ")
    assert subject == f"Undangan bergabung dengan {village.name} di Aduan"
    assert mail["From"] == "Aduan <noreply@aduan.test>"
    body = _body(mail)
    assert "sebagai Petugas pengelola pengaduan" in body
    match = LINK.search(body)
    assert match is not None, body
    path, token = match.group(1), match.group(2)
    assert path == f"/t/{village.slug}/accounts/invitation/{token}/"
    # and only the token's digest is stored
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.token_hash == token_digest(token)
    assert token not in stored.token_hash

    # When the invitee opens the link and signs up
    page = tenant_client.get(path.removeprefix(f"/t/{village.slug}"), tenant=village)
    assert page.status_code == 200
    assert "siti@desa.example" in page.content.decode()
    response = tenant_client.post(
        f"/accounts/invitation/{token}/",
        {"username": "siti", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        tenant=village,
    )
    # Then they are signed in, on the console, with the role and a used invitation
    assert response.status_code == 302
    assert response["Location"] == f"/t/{village.slug}/console/"
    siti = User.objects.get(username="siti")
    assert siti.email == "siti@desa.example"
    assert siti.check_password(NEW_PASSWORD)
    assert list(Membership.objects.filter(user=siti).values_list("tenant", "role")) == [
        (village.pk, Role.OFFICER)
    ]
    assert Invitation.objects.get(pk=invitation.pk).accepted_by == siti
    console = tenant_client.get("/console/", tenant=village)
    assert console.status_code == 200
    # and the link does not work twice
    again = tenant_client.get(f"/accounts/invitation/{token}/", tenant=village)
    assert again.status_code == 400
    assert "sudah dipakai" in again.content.decode()


def test_expired_link_is_refused_and_grants_nothing(
    tenant_factory: TenantFactory, smtp: Inbox, invite: Callable[..., Invitation]
) -> None:
    # Given an invitation sent at a fixed time
    village = tenant_factory()
    admin = make_member(village, Role.TENANT_ADMIN)
    sent_at = timezone.now()
    with time_machine.travel(sent_at, tick=False):
        invitation = invite(
            tenant=village, email="budi@desa.example", role=Role.LIAISON, invited_by=admin
        )
    # When it is accepted one second after its 7 days
    with (
        time_machine.travel(sent_at + timedelta(days=7, seconds=1), tick=False),
        pytest.raises(AuthError) as raised,
    ):
        do_accept_invitation(token=invitation.token, username="budi", password=NEW_PASSWORD)
    # Then it is refused as expired, and no user nor role was made
    assert raised.value.code == AuthErrorCode.INVITATION_EXPIRED
    assert raised.value.extra == {"field": "token"}
    assert not User.objects.filter(username="budi").exists()
    assert not Membership.objects.filter(tenant=village, role=Role.LIAISON).exists()
    # while one second before the end it still works
    with time_machine.travel(sent_at + timedelta(days=7, seconds=-1), tick=False):
        user = do_accept_invitation(token=invitation.token, username="budi", password=NEW_PASSWORD)
    assert Membership.objects.filter(user=user, tenant=village, role=Role.LIAISON).exists()


def test_expired_link_page_says_so(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given an invitation that expired
    village = tenant_factory()
    sent_at = timezone.now() - timedelta(days=8)
    with time_machine.travel(sent_at, tick=False):
        invitation = do_invite_member(
            tenant=village, email="a@desa.example", role=Role.OFFICER, invited_by=None
        )
    # When its page is opened, and posted to
    page = tenant_client.get(f"/accounts/invitation/{invitation.token}/", tenant=village)
    posted = tenant_client.post(
        f"/accounts/invitation/{invitation.token}/",
        {"username": "a", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        tenant=village,
    )
    # Then both explain it expired, and nobody was created
    assert page.status_code == posted.status_code == 400
    assert "sudah kedaluwarsa" in page.content.decode()
    assert not User.objects.filter(username="a").exists()


def test_existing_user_accepts_with_their_own_password(tenant_factory: TenantFactory) -> None:
    # Given a staffer of a regency who is invited to a village desk with the same address
    village = tenant_factory()
    staffer = make_member(tenant_factory(kind=TenantKind.OPD, region_code="33.01"), Role.OFFICER)
    invitation = do_invite_member(
        tenant=village, email=staffer.email.upper(), role=Role.OFFICER, invited_by=None
    )
    # When the wrong password is given, then nothing is granted
    with pytest.raises(AuthError) as raised:
        do_accept_invitation(token=invitation.token, username="", password="salah")
    assert raised.value.code == AuthErrorCode.WRONG_PASSWORD
    assert not Membership.objects.filter(user=staffer, tenant=village).exists()
    # When their own password is given, then the same user gains the role: one login
    user = do_accept_invitation(token=invitation.token, username="", password=DEFAULT_PASSWORD)
    assert user == staffer
    assert User.objects.filter(email__iexact=staffer.email).count() == 1
    assert Membership.objects.filter(user=staffer, tenant=village, role=Role.OFFICER).exists()


def test_revoked_and_unknown_tokens_are_refused(tenant_factory: TenantFactory) -> None:
    # Given an invitation its admin revoked
    village = tenant_factory()
    admin = make_member(village, Role.TENANT_ADMIN)
    invitation = do_invite_member(
        tenant=village, email="c@desa.example", role=Role.OFFICER, invited_by=admin
    )
    do_revoke_invitation(invitation=invitation, actor=admin)
    # When it, or a made-up token, is accepted
    for token, code in [
        (invitation.token, AuthErrorCode.INVITATION_REVOKED),
        ("bukan-token", AuthErrorCode.INVITATION_NOT_FOUND),
    ]:
        with pytest.raises(AuthError) as raised:
            do_accept_invitation(token=token, username="c", password=NEW_PASSWORD)
        # Then each is refused with its reason, and nobody was created
        assert raised.value.code == code
    assert not User.objects.filter(username="c").exists()


def test_reinviting_replaces_the_pending_invitation(tenant_factory: TenantFactory) -> None:
    village = tenant_factory()
    first = do_invite_member(
        tenant=village, email="d@desa.example", role=Role.OFFICER, invited_by=None
    )
    second = do_invite_member(
        tenant=village, email="d@desa.example", role=Role.OFFICER, invited_by=None
    )
    with pytest.raises(AuthError) as raised:
        do_accept_invitation(token=first.token, username="d", password=NEW_PASSWORD)
    assert raised.value.code == AuthErrorCode.INVITATION_REVOKED
    assert do_accept_invitation(token=second.token, username="d", password=NEW_PASSWORD)


def test_who_may_invite_whom(tenant_factory: TenantFactory) -> None:
    # Given a regency, one of its villages, and another village elsewhere
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    village = tenant_factory(parent=regency)
    elsewhere = tenant_factory(region_code="33.01.02.2014")
    village_admin = make_member(village, Role.TENANT_ADMIN)
    officer = make_member(village, Role.OFFICER)
    regency_admin = make_member(regency, Role.REGENCY_ADMIN)
    operator = make_member(do_ensure_public_tenant(), Role.PLATFORM_OPERATOR)
    # Then a tenant admin may invite staff, not a regency admin
    with pytest.raises(AuthError) as raised:
        do_invite_member(
            tenant=village, email="e@x.example", role=Role.REGENCY_ADMIN, invited_by=village_admin
        )
    assert raised.value.code == AuthErrorCode.ROLE_NOT_GRANTABLE
    assert raised.value.extra == {"field": "role"}
    # and an officer, or an admin of another tenant, may not invite at all (not found)
    for tenant, inviter in [(village, officer), (elsewhere, village_admin)]:
        with pytest.raises(NotFoundError):
            do_invite_member(
                tenant=tenant, email="f@x.example", role=Role.OFFICER, invited_by=inviter
            )
    # while the regency admin reaches the village from above, and the operator the regency
    assert do_invite_member(
        tenant=village, email="g@x.example", role=Role.TENANT_ADMIN, invited_by=regency_admin
    )
    assert do_invite_member(
        tenant=regency, email="h@x.example", role=Role.REGENCY_ADMIN, invited_by=operator
    )
    assert list(
        Invitation.objects.order_by("email").values_list("tenant__slug", "email", "role")
    ) == [
        (village.slug, "g@x.example", Role.TENANT_ADMIN),
        (regency.slug, "h@x.example", Role.REGENCY_ADMIN),
    ]


def test_bad_input_gets_field_errors(tenant_factory: TenantFactory) -> None:
    village = tenant_factory()
    admin = make_member(village, Role.TENANT_ADMIN)
    member = make_member(village, Role.OFFICER)
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"email": "bukan-email", "role": Role.OFFICER}, AuthErrorCode.INVALID_EMAIL, "email"),
        ({"email": "i@x.example", "role": "raja"}, AuthErrorCode.INVALID_ROLE, "role"),
        ({"email": member.email, "role": Role.OFFICER}, AuthErrorCode.ALREADY_MEMBER, "email"),
    ]
    for given, code, field in cases:
        with pytest.raises(AuthError) as raised:
            do_invite_member(tenant=village, invited_by=admin, **given)
        assert (raised.value.code, raised.value.extra) == (code, {"field": field})
    assert not Invitation.objects.exists()
    # A sign-up with a taken username or a weak password creates nothing
    invitation = do_invite_member(
        tenant=village, email="j@x.example", role=Role.OFFICER, invited_by=admin
    )
    for username, password, code in [
        (member.username.upper(), NEW_PASSWORD, AuthErrorCode.USERNAME_TAKEN),
        ("jaka", "12345678", AuthErrorCode.INVALID_PASSWORD),
        ("ja ka!", NEW_PASSWORD, AuthErrorCode.INVALID_USERNAME),
    ]:
        with pytest.raises(AuthError) as raised:
            do_accept_invitation(token=invitation.token, username=username, password=password)
        assert raised.value.code == code
    assert not User.objects.filter(email="j@x.example").exists()


def test_members_page_invites_lists_and_revokes(
    tenant_factory: TenantFactory,
    smtp: Inbox,
    tenant_client: TenantClient,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # Given a tenant admin signed in on the members page
    village = tenant_factory()
    admin = make_member(village, Role.TENANT_ADMIN, username="admin-desa")
    sign_in(tenant_client, admin)
    # When they invite through the form
    with django_capture_on_commit_callbacks(execute=True):
        response = tenant_client.post(
            "/console/members/", {"email": "k@desa.example", "role": "officer"}, tenant=village
        )
    run_jobs(send_invitation_email)
    # Then the mail left and the page lists the pending invitation and the admin
    assert response.status_code == 302
    assert smtp.recipients == [["k@desa.example"]]
    page = tenant_client.get("/console/members/", tenant=village).content.decode()
    assert "k@desa.example" in page
    assert "admin-desa" in page
    # When the form gets a bad address, then it says so and sends nothing
    bad = tenant_client.post(
        "/console/members/", {"email": "k@", "role": "officer"}, tenant=village
    )
    assert bad.status_code == 400
    assert 'aria-invalid="true"' in bad.content.decode()
    # When the invitation is revoked from the page, then it is no longer pending
    invitation = Invitation.objects.get(email="k@desa.example")
    revoked = tenant_client.post(
        f"/console/members/invitations/{invitation.pk}/revoke/", tenant=village
    )
    assert revoked.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).revoked
    assert len(smtp.messages) == 1


def test_members_api_invites_and_lists(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a tenant admin of a village, and an admin of another village
    village = tenant_factory()
    other = tenant_factory(region_code="33.01.02.2014")
    admin = make_member(village, Role.TENANT_ADMIN, username="admin-api")
    sign_in(tenant_client, admin)
    # When they invite through the API
    created = tenant_client.post(
        "/api/v1/members/",
        {"email": "l@desa.example", "role": "answer_team"},
        content_type="application/json",
        tenant=village,
    )
    # Then the invitation is created and listed
    assert created.status_code == 201
    assert created.json()["email"] == "l@desa.example"
    listed = tenant_client.get("/api/v1/members/", tenant=village).json()
    assert [m["username"] for m in listed["members"]] == ["admin-api"]
    assert [(i["email"], i["role"]) for i in listed["invitations"]] == [
        ("l@desa.example", "answer_team")
    ]
    # When the input is bad, then the error names the field
    bad = tenant_client.post(
        "/api/v1/members/",
        {"email": "l@desa.example", "role": "regency_admin"},
        content_type="application/json",
        tenant=village,
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == AuthErrorCode.ROLE_NOT_GRANTABLE
    assert list(bad.json()["extra"]["fields"]) == ["role"]
    # When the invitation is revoked through the other village, then it is not found there
    invitation_id = created.json()["id"]
    sign_in(tenant_client, make_member(other, Role.TENANT_ADMIN))
    foreign = tenant_client.delete(f"/api/v1/members/invitations/{invitation_id}/", tenant=other)
    assert foreign.status_code == 404
    assert not Invitation.objects.get(pk=invitation_id).revoked


def test_accept_api_signs_up_on_the_right_tenant_only(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village = tenant_factory()
    other = tenant_factory(region_code="33.01.02.2014")
    invitation = do_invite_member(
        tenant=village, email="m@desa.example", role=Role.HEAD, invited_by=None
    )
    body = {"token": invitation.token, "username": "kades", "password": NEW_PASSWORD}
    # When the token is used on another tenant's API, then it is unknown there
    wrong = tenant_client.post(
        "/api/v1/invitations/accept/", body, content_type="application/json", tenant=other
    )
    assert wrong.status_code == 400
    assert json.loads(wrong.content)["code"] == AuthErrorCode.INVITATION_NOT_FOUND
    assert not User.objects.filter(username="kades").exists()
    # When it is used on its own tenant, then the user is created with the role
    right = tenant_client.post(
        "/api/v1/invitations/accept/", body, content_type="application/json", tenant=village
    )
    assert right.status_code == 201
    assert right.json() == {"username": "kades", "tenant": village.slug, "role": "head"}
    assert Membership.objects.filter(
        user__username="kades", tenant=village, role=Role.HEAD
    ).exists()


def test_last_tenant_admin_cannot_be_removed(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village: Tenant = tenant_factory()
    admin = make_member(village, Role.TENANT_ADMIN)
    sign_in(tenant_client, admin)
    membership = Membership.objects.get(user=admin, tenant=village)
    response = tenant_client.delete(f"/api/v1/members/{membership.pk}/", tenant=village)
    assert response.status_code == 400
    assert response.json()["code"] == AuthErrorCode.LAST_ADMIN
    assert Membership.objects.filter(pk=membership.pk).exists()
    # With a second admin, the first may go
    make_member(village, Role.TENANT_ADMIN)
    removed = tenant_client.delete(f"/api/v1/members/{membership.pk}/", tenant=village)
    assert removed.status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_make_user_is_not_a_member_anywhere() -> None:
    assert not Membership.objects.filter(user=make_user()).exists()
