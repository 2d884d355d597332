"""The authorization matrix engine: every routed endpoint, every method, every kind of caller.

The endpoints are ENUMERATED from `aduan.urls_tenants` and `aduan.urls_public`, so a new
endpoint is covered the moment it is routed. Each endpoint belongs to the app of its view's
top-level package (`complaints.api.X` -> complaints; a view of Django or a library mounted by
the platform's URLconfs -> aduan) and is checked by that app's `tests/<app>/test_authorization.py`
(`check_app`); an app with endpoints but no such file fails `test_every_app_has_its_matrix`.
Each view's declared access (tenants.access) says who may reach it; a view that declares nothing
fails here. For every endpoint and method:

- anonymous: a page redirects to the login page, an API answers 401/403;
- a user of another tenant (every staff role there): 404, and nothing changed;
- a user of this tenant without one of the declared roles (every other role here, and the
  regency admin / operator reaching from above when they are not declared): 404, nothing changed;
- a declared role that requires two-factor, before the OTP step: sent to it (page) or 403
  `auth.two_factor_required` (API), nothing changed;
- each declared role (anonymous for a public endpoint): for an API, a success (2xx) or a
  redirect (3xx). An API write sends the example request body of its operation in the
  published OpenAPI schema (aduan/openapi_examples.py), with the values that must exist in the
  world under test (ids, slugs, codes, files) put in by `BODY_SAMPLES`. A page (sent an empty
  form) or an endpoint with a protocol of its own (Open311, webhooks): neither 401, 403 nor
  404 (nor an error).

URL kwargs need example values that exist in the tenant under test: add a maker to `SAMPLES`
(by kwarg name) or to `URL_SAMPLES` (by URL name, for a kwarg whose meaning differs per URL);
a body field that must name something of the world goes to `BODY_SAMPLES`.
A maker takes the `World` and returns the value; it is called before each request, so an
endpoint that deletes its object still finds one for the next caller.
"""

from __future__ import annotations

import copy
import io
import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import get_public_schema_name, schema_context
from pypdf import PdfWriter

from aduan import onetime
from aduan.db import tenant_db
from billing.actions.accounts import do_cover_tenant, do_create_account
from billing.actions.invoices import do_issue_credit_note, do_issue_invoice
from billing.actions.payments import do_submit_transfer_proof
from billing.actions.plans import do_create_plan, do_set_tax_rate
from billing.models import Account, Invoice, Plan
from complaints import forwarding
from complaints.actions import privacy
from complaints.actions import wbs as wbs_actions
from complaints.actions.assign import do_assign_complaint
from complaints.actions.canned import do_create_canned_answer
from complaints.actions.forward import do_forward_complaint
from complaints.actions.route import do_route_filed_complaint
from complaints.actions.sop import do_edit_sop
from complaints.actions.teams import do_save_team
from complaints.actions.workflow import (
    NOT_OUR_AUTHORITY,
    REFERRED_UP,
    complaint_sop,
    do_transition_complaint,
    waiting_answer,
)
from complaints.calendar import WIB
from complaints.models import Complaint
from complaints.public.models import (
    Export,
    LocalHoliday,
    MonthlyReport,
    Notification,
    StatisticsRefresh,
)
from complaints.redaction import public_text
from complaints.selectors import current_definition
from complaints.sop import InputSpec, parse_sop
from integrations.models import InboundMessage, InboundStatus, OutboxMessage, OutboxStatus
from integrations.open311.actions import do_create_open311_client
from routing.models import Category, LaporReferral, TriageEntry, TriageStatus
from tenants.access import Access, Scope, declared_access
from tenants.actions import lifecycle
from tenants.actions.members import do_grant_role, do_invite_member
from tenants.actions.onboarding import do_ensure_public_tenant, do_request_desk
from tenants.models import Invitation, Role, Tenant, TenantKind, User
from tenants.permissions import STAFF_ROLES, TWO_FACTOR_ROLES, roles_in
from tests.client import TenantClient, contract
from tests.complaints.files import photo
from tests.factories import TenantFactory, file_complaint, make_member, make_user, sign_in

URLCONFS = ("aduan.urls_tenants", "aduan.urls_public")
TENANT_LEVEL_ROLES = frozenset(STAFF_ROLES)
# Rows a request may legitimately change on its own: sessions, bookkeeping.
UNWATCHED_TABLES = frozenset(
    {
        "django_session",
        "django_migrations",
        "tenants_region",
        "tenants_schematemplate",
        "aduan_heartbeat",
    }
)


@dataclass
class World:
    """The tenant under test (a village under its regency) and another regency's tenant."""

    tenant: Tenant
    regency: Tenant
    other: Tenant
    public: Tenant
    made: dict[str, Any] = field(default_factory=dict)
    # A session per (user, second factor passed), made with the world: each endpoint's
    # savepoint rolls back what a request did to it, so a caller signs in by cookie.
    sessions: dict[tuple[int, bool], str] = field(default_factory=dict)


Sample = Callable[[World], str]


def _invitation(world: World) -> Invitation:
    return do_invite_member(
        tenant=world.tenant,
        email=f"{make_user().username}@example.test",
        role=Role.OFFICER,
        invited_by=None,
    )


def _local_holiday(world: World) -> str:

    LocalHoliday.objects.get_or_create(
        tenant=world.tenant, date="2026-11-23", defaults={"name": "Hari Jadi"}
    )
    return "2026-11-23"


def _notification(world: World) -> str:
    """A notification of the signed-in caller (`world.made["caller"]`, set at each sign-in), so
    an allowed caller reads their own and an outsider theirs in another tenant's world."""
    user = world.made.get("caller") or make_user()
    notification, _made = Notification.objects.get_or_create(
        tenant=world.tenant,
        recipient=user,
        defaults={
            "kind": "sla_reminder",
            "title": "Pengingat",
            "body": "Batas waktu",
            "created_at": "2026-11-23T08:00:00+07:00",
        },
    )
    return str(notification.pk)


def _failed_inbound(world: World) -> str:

    message, _ = InboundMessage.objects.get_or_create(
        channel="sms",
        external_id="matrix-failed",
        defaults={"tenant": world.tenant, "payload": {"text": "x"}},
    )
    InboundMessage.objects.filter(pk=message.pk).update(
        status=InboundStatus.FAILED, last_error="matrix"
    )
    return str(message.pk)


def _failed_outbox(world: World) -> str:

    message, _ = OutboxMessage.objects.get_or_create(
        key=f"matrix-failed:{world.tenant.schema_name}",
        defaults={
            "tenant": world.tenant,
            "channel": "sms",
            "kind": "receipt",
            "recipient": "+6281234567890",
            "body": "x",
        },
    )
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.FAILED, last_error="matrix"
    )
    return str(message.pk)


def _failing_referral(world: World) -> str:

    referral, _ = LaporReferral.objects.get_or_create(
        tracking_code="MATRIXREF1",
        defaults={"holder": world.tenant, "reason": "matrix"},
    )
    LaporReferral.objects.filter(pk=referral.pk).update(
        holder=world.tenant, sent_at=None, last_error="matrix"
    )
    return str(referral.pk)


# Example values per URL kwarg name. Extend for your endpoints' kwargs.
SAMPLES: dict[str, Sample] = {
    "format": lambda world: "json",
    "date": _local_holiday,  # complaints.urls: a tenant's local holiday
    "notification_id": _notification,  # complaints.urls: the caller's own notification
    "token": lambda world: _invitation(world).token,
    "invitation_id": lambda world: str(_invitation(world).pk),
    "membership_id": lambda world: str(
        do_grant_role(user=make_user(), tenant=world.tenant, role=Role.AUDITOR).pk
    ),
    "complaint_id": lambda world: str(_sample_complaint(world).pk),
    "code": lambda world: _sample_complaint(world).tracking_code,
    "attachment_id": lambda world: str(_sample_attachment_id(world)),
    "message_id": _failed_inbound,  # integrations.urls: a failed inbound message
    "outbox_id": _failed_outbox,  # integrations.urls: a notification that used up its attempts
    "referral_id": _failing_referral,  # integrations.urls: a LAPOR! referral that fails
}


# No wrong door (tenants.routing_urls): a complaint held by the tenant under test, an entry of
# its regency's triage queue, and the tenant itself in the authority directory.
def _held_complaint(world: World) -> str:
    """One complaint, made again only when a request moved it away."""
    made = world.made.get("complaint")
    with schema_context(world.tenant.schema_name):
        if made is None or not Complaint.objects.filter(pk=made.pk).exists():
            made = world.made["complaint"] = file_complaint(world.tenant)
    return str(made.pk)


def _triage_entry(world: World) -> str:
    """One open entry of the regency's triage queue, made again once it was decided."""
    code = world.made.get("triage")
    if (
        code is None
        or not TriageEntry.objects.filter(tracking_code=code, status=TriageStatus.OPEN).exists()
    ):
        unsure = file_complaint(world.regency, subject="Mohon perhatian", description="Tolong.")
        do_route_filed_complaint(schema_name=world.regency.schema_name, complaint_id=unsure.pk)
        tenant_db.set_schema_to_public()
        code = world.made["triage"] = unsure.tracking_code
    return str(code)


_FORWARDING: dict[str, Sample] = {"complaint_id": _held_complaint}


def _desk_request(world: World) -> str:
    """A pending desk request of a village in the world's regency (made once per world)."""
    if "desk_request" not in world.made:
        writer = PdfWriter()
        writer.add_blank_page(width=200, height=200)
        pdf = io.BytesIO()
        writer.write(pdf)
        world.made["desk_request"] = do_request_desk(
            village_code="33.01.02.2014",
            officer_name="Petugas Desa",
            officer_phone="081234567890",
            officer_email="desa@example.test",
            letter=SimpleUploadedFile("surat.pdf", pdf.getvalue()),
        ).public_id
    return str(world.made["desk_request"])


def _regency_slug(world: World) -> str:
    return world.regency.slug


def _governed_slug(world: World) -> str:
    return world.tenant.slug


def _under_changed_sop(
    world: World, change: Callable[[dict[str, Any]], None]
) -> tuple[Complaint, Any]:
    """A complaint of the tenant under test filed under a version of its SOP whose first step
    from the initial state without a required input was changed by `change`, and that step;
    the active SOP is restored after (a running complaint keeps its version)."""
    with schema_context(world.tenant.schema_name):
        admin = _holder(world, Role.TENANT_ADMIN)
        definition = current_definition(world.tenant)[1]
        sop = parse_sop(definition)
        step = next(
            t for t in sop.transitions_from(sop.initial) if not any(i.required for i in t.inputs)
        )
        changed = copy.deepcopy(definition)
        change(next(t for t in changed["transitions"] if t["key"] == step.key))
        do_edit_sop(tenant=world.tenant, definition=changed, actor=admin)
    filed = file_complaint(world.tenant)
    with schema_context(world.tenant.schema_name):
        do_edit_sop(tenant=world.tenant, definition=definition, actor=admin)
    return filed, step


def _held_answer(world: World) -> str:
    """A complaint whose step waits for the head's approval, assigned to the liaison holder
    (who reads only what is theirs); made anew once a decision ended the wait."""
    held: Complaint | None = world.made.get("held")
    if held is not None:
        with schema_context(world.tenant.schema_name):
            if waiting_answer(Complaint.objects.get(pk=held.pk)) is not None:
                return str(held.pk)
    filed, step = _under_changed_sop(world, lambda raw: raw.update(approval=["head"]))
    with schema_context(world.tenant.schema_name):
        do_transition_complaint(
            complaint=filed, transition=step.key, actor=_holder(world, sorted(step.roles)[0])
        )
        do_assign_complaint(
            tenant=world.tenant,
            complaint=filed,
            assignee=_holder(world, Role.LIAISON),
            actor=_holder(world, Role.OFFICER),
        )
    world.made["held"] = filed
    return str(filed.pk)


def _response_file(world: World) -> tuple[str, str]:
    """(tracking code, file id) of a complaint answered with a response file (made once)."""
    if "response_file" not in world.made:
        letter = {"key": "letter", "label": "Surat", "type": "file", "public": True}
        filed, step = _under_changed_sop(
            world, lambda raw: raw.update(inputs=[*raw.get("inputs", []), letter])
        )
        with schema_context(world.tenant.schema_name):
            do_transition_complaint(
                complaint=filed,
                transition=step.key,
                actor=_holder(world, sorted(step.roles)[0]),
                inputs={"letter": _pdf_file()},
            )
            attachment = filed.attachments.get(is_response=True)
        world.made["response_file"] = (filed.tracking_code, str(attachment.pk))
    found: tuple[str, str] = world.made["response_file"]
    return found


def _canned_answer(world: World) -> str:
    """A canned answer of the tenant under test (made anew: a request may delete it)."""
    world.made["canned"] = world.made.get("canned", 0) + 1
    with schema_context(world.tenant.schema_name):
        answer = do_create_canned_answer(
            actor=_holder(world, Role.OFFICER),
            title=f"Templat {world.made['canned']}",
            body="Yth. {nama}, pengaduan {nomor} sudah kami terima.",
        )
    return str(answer.pk)


def _unique(prefix: str) -> Callable[[World], str]:
    """A value not used before in this world (a correction must change something)."""

    def make(world: World) -> str:
        world.made[prefix] = world.made.get(prefix, 0) + 1
        return f"{prefix} {world.made[prefix]}"

    return make


def _public_word(world: World) -> str:
    """A word of the sample complaint's description still shown to the public."""
    complaint = _sample_complaint(world)
    with schema_context(world.tenant.schema_name):
        shown = public_text(Complaint.objects.get(pk=complaint.pk), "description")
    return next(w for w in shown.split() if "[" not in w and "]" not in w)


def _team(world: World) -> str:
    """A team of the tenant under test (complaints.urls), made once per world."""
    if "team" not in world.made:
        with schema_context(world.tenant.schema_name):
            world.made["team"] = do_save_team(
                tenant=world.tenant,
                team=None,
                name="Tim Matriks",
                member_ids=[],
                actor=_holder(world, Role.OFFICER),
            )
    return str(world.made["team"].pk)


SAMPLES["team_id"] = _team
SAMPLES["answer_id"] = _canned_answer


def _export(world: World) -> str:
    """A finished export of the signed-in caller (only its requester may read it)."""
    user = world.made.get("caller") or make_user()
    export = Export.objects.filter(tenant=world.tenant, requested_by=user).first()
    if export is None:
        name = default_storage.save(
            f"{world.tenant.schema_name}/exports/matrix.csv", ContentFile(b"Nomor\r\n")
        )
        export = Export.objects.create(
            tenant=world.tenant, requested_by=user, kind="csv", status="done", file=name,
            created_at=timezone.now(),
        )  # fmt: skip
    return str(export.pk)


SAMPLES["export_id"] = _export


def _sent_report(world: World) -> str:
    """A monthly report sent to the tenant under test's heads, its PDF kept."""
    report = MonthlyReport.objects.filter(tenant=world.tenant).first()
    if report is None:
        name = default_storage.save(
            f"{world.tenant.schema_name}/reports/matrix.pdf", ContentFile(b"%PDF-1.4\n")
        )
        report = MonthlyReport.objects.create(
            tenant=world.tenant, year=2026, month=1, file=name, sent_at=timezone.now()
        )
    return str(report.pk)


def _statistics_refresh(world: World) -> str:
    """A finished re-publication asked for at the tenant under test."""
    refresh = StatisticsRefresh.objects.filter(tenant=world.tenant).first()
    if refresh is None:
        refresh = StatisticsRefresh.objects.create(
            tenant=world.tenant, status="done", created_at=timezone.now()
        )
    return str(refresh.pk)


SAMPLES["report_id"] = _sent_report
SAMPLES["refresh_id"] = _statistics_refresh
SAMPLES["request_id"] = lambda world: _disclosure_request(world)
SAMPLES["public_id"] = _desk_request
# integrations.open311: a service of the catalogue and a request of the tenant under test.
SAMPLES["service_code"] = lambda world: "lainnya"
SAMPLES["service_request_id"] = lambda world: f"{world.tenant.slug}-1"
# tenants.auth.password: a reset link (its answer, valid or not, is a public page).
SAMPLES["uidb64"] = lambda world: "MQ"


def _open311_client(world: World, *, platform: bool) -> str:

    tenant = None if platform else world.tenant
    client, _key = do_create_open311_client(name="Matrix", tenant=tenant, actor=None)
    return str(client.pk)


# Example values per URL name and kwarg, where a kwarg means different things per URL.
URL_SAMPLES: dict[str, dict[str, Sample]] = {
    **{
        name: {"client_id": lambda world: _open311_client(world, platform=False)}
        for name in ("open311-client-revoke", "api-open311-client-revoke")
    },
    **{
        name: {"client_id": lambda world: _open311_client(world, platform=True)}
        for name in ("open311-platform-client-revoke", "api-open311-platform-client-revoke")
    },
    "desk-request-new": {"code": lambda world: "33.01.02.2014"},
    # integrations.instagram: the webhook of the tenant under test (unsigned calls: 403)
    "integrations-instagram-webhook": {"slug": lambda world: world.tenant.slug},
    **{
        name: {"slug": _regency_slug}
        for name in (
            "regency-statistics",
            "api-regency-statistics",
            "public-regency-statistics",
            "api-public-regency-statistics",
        )
    },
    **{
        name: {"slug": _regency_slug}
        for name in ("agencies", "agency-import", "api-agencies", "api-agency-import")
    },
    **{
        name: {"slug": _governed_slug}
        for name in (
            "tenant-lifecycle",
            "tenant-archive",
            "api-tenant-suspend",
            "api-tenant-archive",
        )
    },
    "forwarding-accept": _FORWARDING,
    "forwarding-return": _FORWARDING,
    "api-forwarding-forward": _FORWARDING,
    "api-triage-send": {"code": _triage_entry},
    # The platform's tracking page finds a code of any tenant (routing's journeys).
    "api-track": {"code": lambda world: _sample_complaint(world).tracking_code},
    # Steps that only a closed complaint takes.
    "complaints:api-rating": {"code": lambda world: _closed_complaint(world).tracking_code},
    "complaints:api-track-reopen": {"code": lambda world: _closed_complaint(world).tracking_code},
    "complaints:api-reopen": {"complaint_id": lambda world: str(_closed_complaint(world).pk)},
    # Accept or return: a complaint forwarded to the tenant under test, waiting there.
    "api-forwarding-accept": {"complaint_id": lambda world: _incoming_complaint(world)},
    "api-forwarding-return": {"complaint_id": lambda world: _incoming_complaint(world)},
    "api-tenant-reactivate": {"slug": lambda world: _governed_in(world, "suspended")},
    # Read, or deleted: only an archived tenant may be.
    "api-governed-tenant": {"slug": lambda world: _governed_in(world, "archived")},
    "api-tenant-archive-download": {"slug": lambda world: _governed_in(world, "archived")},
    "api-authority": {"slug": lambda world: world.tenant.slug},
    # Answer approval: a complaint whose answer waits for the head.
    "complaints:api-approval": {"complaint_id": _held_answer},
    "complaints:approval": {"complaint_id": _held_answer},
    # A response file, downloadable with the tracking code.
    "complaints:track-file": {
        "code": lambda world: _response_file(world)[0],
        "file_id": lambda world: _response_file(world)[1],
    },
    # A WBS officer's pages of a WBS report.
    "complaints:wbs-disclosure": {"complaint_id": lambda world: str(_wbs_report(world).pk)},
    "complaints:api-wbs-disclosures": {"complaint_id": lambda world: str(_wbs_report(world).pk)},
    "complaints:wbs-inspectorate": {"complaint_id": lambda world: str(_wbs_report(world).pk)},
    "complaints:api-wbs-inspectorate": {"complaint_id": lambda world: str(_wbs_report(world).pk)},
}


def _sample_complaint(world: World) -> Complaint:
    """One complaint (with a photo) in the tenant under test, made once per world."""
    if "complaint" not in world.made:
        filed = file_complaint(world.tenant, attachments=[photo()])
        # A liaison officer reaches only what is assigned to them: hand it to the holder.
        with schema_context(world.tenant.schema_name):
            do_assign_complaint(
                tenant=world.tenant,
                complaint=filed,
                assignee=_holder(world, Role.LIAISON),
                actor=_holder(world, Role.OFFICER),
            )
        world.made["complaint"] = filed
    complaint: Complaint = world.made["complaint"]
    return complaint


# Ends that hand the complaint to another body: it would leave the tenant under test.
HANDED_AWAY = {NOT_OUR_AUTHORITY, REFERRED_UP}


def _closed_complaint(world: World) -> Complaint:
    """A complaint of the tenant under test closed by its SOP's shortest way to an end that
    keeps it here (made once)."""
    if "closed" not in world.made:
        filed = file_complaint(world.tenant)
        with schema_context(world.tenant.schema_name):
            sop = complaint_sop(filed)
            for step in _shortest_way_to_an_end(sop, filed.state):
                # the officer where the step is theirs, else a role the SOP names for it
                role = Role.OFFICER if Role.OFFICER in step.roles else sorted(step.roles)[0]
                filed = do_transition_complaint(
                    complaint=filed,
                    transition=step.key,
                    actor=_holder(world, Role(role)),
                    inputs={i.key: _input_value(i) for i in step.inputs if i.required},
                )
        world.made["closed"] = filed
    closed: Complaint = world.made["closed"]
    return closed


def _shortest_way_to_an_end(sop: Any, start: str) -> list[Any]:
    """The steps (breadth first) from `start` to a terminal state that is not a hand-over."""
    ways: dict[str, list[Any]] = {start: []}
    todo = [start]
    while todo:
        here = todo.pop(0)
        state = sop.state(here)
        if state is not None and state.terminal and here not in HANDED_AWAY:
            return ways[here]
        for step in sop.transitions_from(here):
            if step.target not in ways and step.target not in HANDED_AWAY:
                ways[step.target] = [*ways[here], step]
                todo.append(step.target)
    raise AssertionError(f"no end reachable from {start} that keeps the complaint")


def _input_value(spec: InputSpec) -> Any:
    """A valid value for a step's required input (sop.InputType; a file is a one-page PDF,
    such as the minutes of a village's review meeting)."""
    if spec.type == "file":
        return _pdf_file()
    if spec.type == "choice":
        return spec.choices[0].key
    if spec.type == "boolean":
        return True
    if spec.type == "date":
        return "2026-11-23"
    return "Contoh isian."


def _incoming_complaint(world: World) -> str:
    """A complaint the regency forwarded to the tenant under test, waiting to be accepted
    (made again once a request took it)."""
    made: Complaint | None = world.made.get("incoming")
    if made is None or forwarding.pending_hop(world.tenant, made.tracking_code) is None:
        filed = file_complaint(world.regency)
        made = world.made["incoming"] = do_forward_complaint(
            tenant=world.regency,
            complaint_id=filed.pk,
            to=world.tenant,
            reason="Kewenangan desa.",
            actor=_holder(world, Role.REGENCY_ADMIN),
        ).complaint
    tenant_db.set_schema_to_public()
    return str(made.pk)


def _governed_in(world: World, status: str) -> str:
    """The tenant under test, suspended or archived by its regency (undone with the
    endpoint's savepoint)."""
    world.tenant.refresh_from_db()
    if world.tenant.status != status:
        admin = _holder(world, Role.REGENCY_ADMIN)
        if status == "suspended":
            lifecycle.do_suspend_tenant(tenant=world.tenant, reason="Matriks", actor=admin)
        else:
            lifecycle.do_archive_tenant(tenant=world.tenant, reason="Matriks", actor=admin)
    return world.tenant.slug


def _sample_attachment_id(world: World) -> int:
    complaint = _sample_complaint(world)
    with schema_context(world.tenant.schema_name):
        return int(complaint.attachments.get().pk)


@dataclass(frozen=True)
class Endpoint:
    urlconf: str
    route: str
    name: str | None
    kwargs: tuple[str, ...]
    callback: Callable[..., Any]
    is_api: bool
    methods: tuple[str, ...]

    @property
    def label(self) -> str:
        where = "tenant" if self.urlconf.endswith("tenants") else "public"
        return f"{where}:/{self.route}"

    @property
    def app(self) -> str:
        return app_of(self.callback)

    @property
    def callback_module(self) -> str:
        return view_module(self.callback)

    @property
    def openapi_path(self) -> str:
        """The path template of this route in the OpenAPI schema."""
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.route)


# The top-level packages that are apps with an authorization matrix of their own.
APPS = frozenset({"aduan", "tenants", "complaints", "integrations", "billing", "routing"})


def view_module(callback: Callable[..., Any]) -> str:
    """The module of a routed view: its class's (DRF, class-based) or its function's."""
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None) or callback
    return str(getattr(view, "__module__", ""))


def app_of(callback: Callable[..., Any]) -> str:
    """The app whose matrix checks a view: its module's top-level package. A view of Django or
    a library (the schema, the language switch) is mounted by the platform's URLconfs, so it is
    the platform's (aduan)."""
    package = view_module(callback).split(".")[0]
    return package if package in APPS else "aduan"


def _methods(callback: Callable[..., Any]) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # a DRF viewset route
        return tuple(sorted(m.upper() for m in actions))
    view_class = getattr(callback, "view_class", None)
    if view_class is None:  # a function view: whatever it does with a read and a write
        return ("GET", "POST")
    return tuple(
        m.upper()
        for m in view_class.http_method_names
        if m not in {"options", "head"} and hasattr(view_class, m)
    )


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, namespace: str, kwargs: tuple[str, ...]
) -> Iterator[tuple[str, str | None, tuple[str, ...], URLPattern]]:
    for entry in patterns:
        regex = entry.pattern.regex
        names = kwargs + tuple(regex.groupindex)
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner, names)
        else:
            name = f"{namespace}{entry.name}" if entry.name else None
            yield route, name, names, entry


def endpoints() -> list[Endpoint]:
    found = []
    for urlconf in URLCONFS:
        for route, name, kwargs, entry in _walk(get_resolver(urlconf).url_patterns, "", "", ()):
            callback = entry.callback
            found.append(
                Endpoint(
                    urlconf=urlconf,
                    route=route,
                    name=name,
                    kwargs=kwargs,
                    callback=callback,
                    is_api=hasattr(callback, "cls"),
                    methods=_methods(callback),
                )
            )
    return found


ENDPOINTS = endpoints()


def endpoints_of(app: str) -> list[Endpoint]:
    return [e for e in ENDPOINTS if e.app == app]


def _url(endpoint: Endpoint, world: World) -> str:
    values = {}
    for kwarg in endpoint.kwargs:
        maker = URL_SAMPLES.get(endpoint.name or "", {}).get(kwarg) or SAMPLES.get(kwarg)
        assert maker is not None, (
            f"{endpoint.label}: no example value for URL kwarg {kwarg!r}; add one to SAMPLES"
            " or URL_SAMPLES in tests/authorization.py"
        )
        values[kwarg] = maker(world)
    tenant_db.set_schema_to_public()
    assert endpoint.name is not None or not values, f"{endpoint.label}: name the URL pattern"
    if endpoint.name is None:
        return "/" + endpoint.route
    return reverse(endpoint.name, urlconf=endpoint.urlconf, kwargs=values)


class Fingerprint:
    """The row writes (inserted, updated, deleted) this transaction made to each watched table
    so far, in one query on PostgreSQL's per-transaction statistics: any write a request makes
    changes it, even one that leaves the row as it was or is rolled back to a savepoint (the
    requests run in the test's transaction, on this connection)."""

    def __init__(self, schemas: list[str]) -> None:
        self.schemas = schemas

    def __call__(self) -> dict[str, tuple[int, int, int]]:
        tenant_db.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT schemaname || '.' || relname, n_tup_ins, n_tup_upd, n_tup_del"
                " FROM pg_stat_xact_user_tables"
                " WHERE schemaname = ANY(%s) AND NOT relname = ANY(%s)",
                [self.schemas, sorted(UNWATCHED_TABLES)],
            )
            return {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}


def _sign_in(
    client: TenantClient, world: World, user: User | None, *, two_factor: bool = True
) -> None:
    world.made["caller"] = user
    client.cookies = SimpleCookie()  # as logout() leaves it, without deleting the session
    if user is None:
        return
    key = world.sessions.get((user.pk, two_factor))
    if key is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        return
    sign_in(client, user, two_factor=two_factor)


def _request(
    client: TenantClient, endpoint: Endpoint, method: str, world: World, url: str | None = None
) -> Any:
    url = url or _url(endpoint, world)
    data, content_type = _body(endpoint, method, world)
    tenant = world.tenant if endpoint.urlconf == "aduan.urls_tenants" else None
    try:
        return client.generic(method, url, data=data, content_type=content_type, tenant=tenant)
    finally:
        tenant_db.set_schema_to_public()


def _body(endpoint: Endpoint, method: str, world: World) -> tuple[bytes | str, str]:
    """An API write's example request body from the OpenAPI schema, completed from the world
    (BODY_SAMPLES); for anything else an empty JSON object."""
    if not endpoint.is_api:
        return "{}", "application/json"
    operation = contract(endpoint.urlconf).operation(endpoint.openapi_path, method)
    if operation is None or operation.request_body is None:
        return "{}", "application/json"
    content: dict[str, Any] = operation.request_body["content"]
    media_type = "application/json" if "application/json" in content else next(iter(content))
    examples: dict[str, Any] = content[media_type].get("examples", {})
    if not examples:
        return "{}", "application/json"  # the allowed caller's check then names what is missing
    value = dict(next(iter(examples.values()))["value"])
    for field_name in value:
        for key in (endpoint.label, endpoint.name or "", ""):
            maker = BODY_SAMPLES.get(key, {}).get(field_name)
            if maker is not None:
                value[field_name] = maker(world)
                break
    tenant_db.set_schema_to_public()
    if media_type == "application/json":
        return json.dumps(value), media_type
    assert media_type == "multipart/form-data", f"{endpoint.openapi_path}: {media_type}"
    return encode_multipart(BOUNDARY, value), MULTIPART_CONTENT


def _pdf(world: World) -> SimpleUploadedFile:
    return _pdf_file()


def _pdf_file() -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    pdf = io.BytesIO()
    writer.write(pdf)
    return SimpleUploadedFile("surat.pdf", pdf.getvalue(), content_type="application/pdf")


def _agencies_csv(world: World) -> SimpleUploadedFile:
    rows = "name,kind,region_code,slug\nDinas Kesehatan,OPD,33.01,dinkes-matriks\n"
    return SimpleUploadedFile("instansi.csv", rows.encode(), content_type="text/csv")


def _other_complaint_number(world: World) -> str:
    """Another complaint of the tenant under test (a merge's target)."""
    if "other_complaint" not in world.made:
        world.made["other_complaint"] = file_complaint(world.tenant)
    return str(world.made["other_complaint"].number)


def _transition(world: World) -> str:
    """A step the caller may take on the sample complaint now, with no required input."""
    if world.made.get("caller") is None:
        return "verify"  # an anonymous caller is refused before the body is read
    complaint = _sample_complaint(world)
    with schema_context(world.tenant.schema_name):
        Complaint.objects.filter(pk=complaint.pk).get()  # still there
        steps = [
            t
            for t in complaint_sop(complaint).transitions_from(complaint.state)
            if t.roles & roles_in(world.made["caller"], world.tenant)
            and not any(i.required for i in t.inputs)
        ]
    # An outsider has no step here: any name will do, they are refused before it is read.
    return steps[0].key if steps else "verify"


def _wbs_report(world: World) -> Complaint:
    """A confidential WBS report of the tenant under test (WBS is on there), made once."""
    if "wbs" not in world.made:
        with schema_context(world.tenant.schema_name):
            world.made["wbs"] = wbs_actions.do_file_wbs_report(
                tenant=world.tenant, anonymous=False, subject="Pungutan liar",
                description="Petugas meminta uang.", name="Rina Saksi", phone="0812-1111-2222",
            )  # fmt: skip
    report: Complaint = world.made["wbs"].complaint
    return report


def _receipt_key(world: World) -> str:
    _wbs_report(world)
    return str(world.made["wbs"].receipt_key)


def _disclosure_request(world: World) -> str:
    """A disclosure request on the WBS report by a WBS officer who is not the caller."""
    report = _wbs_report(world)
    asker = world.made.get("wbs_asker")
    if asker is None:
        asker = world.made["wbs_asker"] = make_member(world.tenant, Role.WBS_OFFICER)
    with schema_context(world.tenant.schema_name):
        asked = wbs_actions.do_request_disclosure(complaint=report, reason="Saksi", actor=asker)
    return str(asked.pk)


def _appointable(world: World) -> int:
    """A member of the tenant under test whom the head may appoint WBS officer."""
    return _holder(world, Role.AUDITOR).pk


def _category(world: World) -> str:
    return str(Category.objects.order_by("key").values_list("key", flat=True)[0])


# Body values that must name something of the world under test, by endpoint label or URL
# name, and field name ("" for every URL); the rest of an example body comes from the OpenAPI
# schema as published.
BODY_SAMPLES: dict[str, dict[str, Callable[[World], Any]]] = {
    "": {
        "letter": _pdf,
        "file": _agencies_csv,
        "token": lambda world: _invitation(world).token,
        "assignee": lambda world: _holder(world, Role.OFFICER).pk,
        "team": lambda world: int(_team(world)),
        "into": _other_complaint_number,
        "transition": _transition,
        "to": lambda world: world.regency.slug,
        "categories": lambda world: [_category(world)],
        "coverage_code": lambda world: world.tenant.region.code if world.tenant.region else "",
        "region_code": lambda world: "12.23",  # a regency of the reference data, not on Aduan
        "definition": lambda world: _sop_definition(world),
    },
}


def _current_otp(world: World) -> str:
    """The caller's current TOTP code (their authenticator app's), for the two-factor step."""
    user = world.made.get("caller")
    if user is None:
        return "000000"
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="matriks", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _invitation_for_a_newcomer(tenant: Tenant, role: str) -> str:
    """An invitation to an address that has no account yet (accepting creates it)."""
    email = f"baru-{make_user().pk}@undangan.example.test"
    return do_invite_member(tenant=tenant, email=email, role=role, invited_by=None).token


def _reset_user(world: World) -> User:
    """Whose password the reset API sets: one user of the world, made once."""
    user = world.made.get("reset")
    if user is None:
        user = world.made["reset"] = make_user()
    return user


BODY_SAMPLES["api-two-factor"] = {"code": _current_otp}


# Billing (billing.urls): an account the tenant under test holds, covering it since 2000 on a
# plan, with one invoice; a pending transfer (made again once decided); a new period per issue.
def _billing_plan(world: World) -> Plan:
    if "plan" not in world.made:
        world.made["plan"] = do_create_plan(
            code="matriks", name="Matriks", monthly_price=100000, features=[], actor=None
        )
        do_set_tax_rate(rate=Decimal("12"), base_numerator=11, base_denominator=12,
                        valid_from=date(2000, 1, 1), actor=None)  # fmt: skip
    plan: Plan = world.made["plan"]
    return plan


def _billing_account(world: World) -> Account:
    if "account" not in world.made:
        _billing_plan(world)
        account = do_create_account(
            name="Akun Matriks", address="Jl. Uji 1", npwp="001234567890100",
            holder=world.tenant, actor=None,
        )  # fmt: skip
        do_cover_tenant(account=account, tenant=world.tenant, plan_code="matriks", actor=None,
                        starts_on=date(2000, 1, 1))  # fmt: skip
        world.made["account"] = account
    found: Account = world.made["account"]
    return found


def _billing_invoice(world: World) -> str:
    if "invoice" not in world.made:
        world.made["invoice"] = do_issue_invoice(
            account=_billing_account(world), period=date(2001, 1, 1), actor=None
        )
    return str(world.made["invoice"].pk)


def _billing_payment(world: World) -> str:
    invoice = Invoice.objects.get(pk=_billing_invoice(world))
    payment = do_submit_transfer_proof(
        invoice=invoice, amount=1000, proof=_pdf_file().read(), proof_name="bukti.pdf",
        actor=None,
    )  # fmt: skip
    return str(payment.pk)


def _billing_period(world: World) -> str:
    _billing_account(world)
    n = world.made["periods"] = world.made.get("periods", 0) + 1
    return date(2002 + n // 12, n % 12 + 1, 1).isoformat()


def _billing_credit_note(world: World) -> str:
    """A credit note of the sample invoice (issue 21), made once."""
    if "credit_note" not in world.made:
        world.made["credit_note"] = do_issue_credit_note(
            invoice=Invoice.objects.get(pk=_billing_invoice(world)), amount=1,
            reason="matriks", actor=None,
        )  # fmt: skip
    return str(world.made["credit_note"].pk)


_PLAN_CODES = itertools.count(1)
SAMPLES["account_id"] = lambda world: str(_billing_account(world).pk)
SAMPLES["invoice_id"] = _billing_invoice
SAMPLES["payment_id"] = _billing_payment
SAMPLES["note_id"] = _billing_credit_note
BODY_SAMPLES["api-billing-credit-notes"] = {"amount": lambda world: 1}
BODY_SAMPLES["api-billing-plans"] = {
    "code": lambda world: f"paket-{next(_PLAN_CODES)}",
}
BODY_SAMPLES["api-billing-accounts"] = {"holder": lambda world: world.tenant.slug}
BODY_SAMPLES["api-billing-coverages"] = {
    "tenant": lambda world: world.tenant.slug,
    "plan": lambda world: _billing_plan(world).code,
}
BODY_SAMPLES["api-billing-issue"] = {"period": _billing_period}
BODY_SAMPLES["api-billing-transfer-proof"] = {"proof": _pdf}
BODY_SAMPLES["complaints:api-wbs-return"] = {"receipt_key": _receipt_key}
BODY_SAMPLES["complaints:api-wbs-return-reply"] = {"receipt_key": _receipt_key}
BODY_SAMPLES["api-wbs-officers"] = {"user": _appointable}
# The head dismisses the world's WBS officer (each endpoint's requests are rolled back).
BODY_SAMPLES["api-wbs-dismissal"] = {"user": lambda world: _holder(world, Role.WBS_OFFICER).pk}
# A link as the reset mail carries it, made for the current password (a reset changes it).
BODY_SAMPLES["api-password-reset-confirm"] = {
    "uid": lambda world: urlsafe_base64_encode(force_bytes(_reset_user(world).pk)),
    "token": lambda world: default_token_generator.make_token(_reset_user(world)),
}
BODY_SAMPLES["api-triage-send"] = {"to": lambda world: world.tenant.slug}
# Statistics: a month the tenant under test has lived (it was made today).
BODY_SAMPLES["api-statistics-publish"] = {
    "months": lambda world: [f"{timezone.now().astimezone(WIB):%Y-%m}"]
}
BODY_SAMPLES["api-statistics-refreshes"] = {
    "months": lambda world: [f"{timezone.now().astimezone(WIB):%Y-%m}"],
    "regency": lambda world: False,
}
BODY_SAMPLES["complaints:api-corrections"] = {"subject": _unique("Pokok dikoreksi")}
BODY_SAMPLES["complaints:api-redactions"] = {"passage": _public_word}
BODY_SAMPLES["api-canned"] = {"title": _unique("Templat baru")}
BODY_SAMPLES["api-canned-answer"] = {"title": _unique("Templat diubah")}
# The same URL name on both hosts: an invitation of that host's tenant (by label).
BODY_SAMPLES["tenant:/api/v1/invitations/accept/"] = {
    "token": lambda world: _invitation_for_a_newcomer(world.tenant, Role.OFFICER)
}
BODY_SAMPLES["public:/api/v1/invitations/accept/"] = {
    "token": lambda world: _invitation_for_a_newcomer(world.public, Role.PLATFORM_OPERATOR)
}


def _sop_definition(world: World) -> dict[str, Any]:
    with schema_context(world.tenant.schema_name):
        return current_definition(world.tenant)[1]


def _is_signed_webhook_refusal(response: Any) -> bool:
    """A public webhook refusing an unsigned call: 403 with the bad-signature code."""
    if response.status_code != 403 or "json" not in response.get("Content-Type", ""):
        return False
    code = str(json.loads(response.content).get("code", ""))
    return code in {"integrations.bad_signature", "billing.bad_signature"}


def _describe(response: Any) -> str:
    body = response.content[:300].decode(errors="replace")
    return f"{response.status_code} {response.get('Location', '')} {body}"


def _holder(world: World, role: str) -> User:
    """A user holding exactly this role for the tenant under test (made once per world)."""
    key = f"holder:{role}"
    if key not in world.made:
        if role == Role.PLATFORM_OPERATOR:
            world.made[key] = make_member(world.public, role)
        elif role == Role.REGENCY_ADMIN:
            world.made[key] = make_member(world.regency, role)
        else:
            world.made[key] = make_member(world.tenant, role)
    user: User = world.made[key]
    return user


def _outsiders(world: World, access: Access, method: str) -> list[tuple[str, User]]:
    """Signed-in callers who must get 404."""
    allowed = access.roles_for(method)
    callers = [("user of another tenant", world.made["other"])]
    if access.scope is Scope.TENANT:
        missing = sorted(TENANT_LEVEL_ROLES - allowed)
        if missing:
            callers.append((f"same tenant with {missing}", make_member(world.tenant, *missing)))
        else:
            callers.append(("signed in, no role anywhere", world.made["nobody"]))
    for role in (Role.REGENCY_ADMIN, Role.PLATFORM_OPERATOR):
        if role not in allowed:
            callers.append((role, _holder(world, role)))
    return callers


def make_world(tenant_factory: TenantFactory, tenant_client: TenantClient) -> World:
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    made = World(
        tenant=tenant_factory(kind=TenantKind.PEMDES, parent=regency),
        regency=regency,
        other=tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="62.05"),
        public=do_ensure_public_tenant(),
    )
    made.made["other"] = make_member(made.other, *TENANT_LEVEL_ROLES)
    # The tenant under test receives whistleblowing reports (complaints.wbs), and its
    # regency's inspectorate runs Aduan (a WBS report's hand-over).
    made.made["inspectorate"] = tenant_factory(kind=TenantKind.INSPEKTORAT, region_code="33.01")
    with schema_context(made.tenant.schema_name):
        wbs_actions.do_set_wbs_policy(tenant=made.tenant, enabled=True, actor=None)
    made.made["nobody"] = make_user()
    # Every caller signs in once here, so their second-factor devices exist before any
    # snapshot is taken.
    # ("nobody" has no second-factor device: enrolling one is what some endpoints test.)
    callers = [(made.made["nobody"], False)] + [
        (user, two_factor)
        for user in [made.made["other"], *(_holder(made, role) for role in Role)]
        for two_factor in (True, False)
    ]
    for user, two_factor in callers:
        tenant_client.cookies = SimpleCookie()
        sign_in(tenant_client, user, two_factor=two_factor)
        cookie = tenant_client.cookies[settings.SESSION_COOKIE_NAME]
        made.sessions[(user.pk, two_factor)] = cookie.value
    tenant_client.cookies = SimpleCookie()
    return made


class _RollBackError(Exception):
    """Undo what one endpoint's requests did, so the next one starts from the same world."""


def check_app(
    app: str,
    request: pytest.FixtureRequest,
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
) -> list[Endpoint]:
    """Check every endpoint of `app` (run by tests/<app>/test_authorization.py); returns them.

    One world for all of them (tenants are the slow part), made only when there is something
    to check; each endpoint runs in a savepoint rolled back after it. The test passes
    `tenant_factory` as its own argument: asked for lazily, inside the test's transaction, the
    session's template schema would be captured there and rolled back with it. Every failure is
    collected and reported together."""
    selected = endpoints_of(app)
    if not selected:
        return selected
    # Attachments, letters and archives the requests write go to a folder of this test.
    request.getfixturevalue("settings").MEDIA_ROOT = request.getfixturevalue("tmp_path") / "media"
    world = make_world(tenant_factory, tenant_client)
    schemas = [get_public_schema_name(), world.tenant.schema_name, world.other.schema_name]
    fingerprint = Fingerprint(schemas)
    failures = []
    for endpoint in selected:
        made = dict(world.made)  # what the samples make inside the savepoint goes with it
        try:
            with transaction.atomic():
                _check_endpoint(endpoint, world, tenant_client, fingerprint)
                raise _RollBackError
        except _RollBackError:
            pass
        except AssertionError as failed:
            failures.append(f"{endpoint.label}: {failed}")
        finally:
            tenant_db.set_schema_to_public()
            world.made.clear()
            world.made.update(made)
    assert not failures, "\n".join(failures)
    return selected


def _check_endpoint(
    endpoint: Endpoint, world: World, tenant_client: TenantClient, fingerprint: Fingerprint
) -> None:
    # Given the endpoint's declared access
    access = declared_access(endpoint.callback)
    assert access is not None, (
        "declares no access: use a tenants.access decorator or permission class"
    )
    for method in endpoint.methods:
        _check_method(endpoint, method, access, world, tenant_client, fingerprint)


def _check_method(
    endpoint: Endpoint,
    method: str,
    access: Access,
    world: World,
    tenant_client: TenantClient,
    fingerprint: Fingerprint,
) -> None:
    # When an anonymous caller asks
    _sign_in(tenant_client, world, None)
    anonymous = _request(tenant_client, endpoint, method, world)
    # Then a restricted endpoint sends them to sign in; a public one serves them
    if access.is_public:
        if _is_signed_webhook_refusal(anonymous):
            return  # a webhook checks its caller's signature itself (integrations/)
        # Then it serves them (an API write with its documented example body)
        assert _served(endpoint, method, anonymous, frozenset({401, 403})), (
            f"{method} {_describe_refusal(endpoint, method, anonymous)}"
        )
        assert "/accounts/login/" not in anonymous.get("Location", ""), method
        return
    if endpoint.is_api:
        assert anonymous.status_code in {401, 403}, f"{method} {_describe(anonymous)}"
        assert json.loads(anonymous.content)["code"] == "not_authenticated"
    else:
        assert anonymous.status_code == 302, f"{method} {_describe(anonymous)}"
        assert "/accounts/login/?next=" in anonymous["Location"]

    if access.scope is Scope.SIGNED_IN:
        # When any signed-in user asks (before the two-factor step, unless the endpoint is the
        # second factor's own and needs it passed), then it serves them
        passed = (endpoint.name, method) in AFTER_SECOND_FACTOR
        _sign_in(tenant_client, world, world.made["nobody"], two_factor=passed)
        response = _request(tenant_client, endpoint, method, world)
        assert _served(endpoint, method, response), (
            f"{method} {_describe_refusal(endpoint, method, response)}"
        )
        return

    # When signed-in callers without a declared role ask
    for who, user in _outsiders(world, access, method):
        _sign_in(tenant_client, world, user)
        url = _url(endpoint, world)  # the samples exist before the snapshot
        before = fingerprint()
        response = _request(tenant_client, endpoint, method, world, url)
        # Then they get 404, exactly as for a missing page, and nothing changed
        assert response.status_code == 404, f"{method} {who}: {_describe(response)}"
        assert fingerprint() == before, f"{method} {who} changed data"

    # When a declared role that requires two-factor asks before passing that step
    for role in sorted(access.roles_for(method) & TWO_FACTOR_ROLES)[:1]:
        _sign_in(tenant_client, world, _holder(world, role), two_factor=False)
        url = _url(endpoint, world)
        before = fingerprint()
        response = _request(tenant_client, endpoint, method, world, url)
        # Then it is sent to the two-factor step, and nothing changed
        if endpoint.is_api:
            assert response.status_code == 403, f"{method} {role}: {_describe(response)}"
            assert json.loads(response.content)["code"] == "auth.two_factor_required"
        else:
            assert response.status_code == 302, f"{method} {role}: {_describe(response)}"
            assert "/accounts/two-factor/?next=" in response["Location"]
        assert fingerprint() == before, f"{method} {role} changed data before 2FA"

    # When each declared role asks (for a write one of them, the officer where allowed: the
    # SOP's steps are theirs; the rest is the same code)
    roles = sorted(access.roles_for(method), key=lambda r: (r != Role.OFFICER, r))
    for role in roles if method in {"GET", "HEAD"} else roles[:1]:
        _sign_in(tenant_client, world, _holder(world, role))
        response = _request(tenant_client, endpoint, method, world)
        if endpoint.name in ONLY_AT_A_REGENCY:
            # The tenant under test is a village: not a regency, so "not found" even for the
            # roles (tests/complaints/test_statistics_pages.py serves them at a regency)
            assert response.status_code == 404, f"{method} {role}: {_describe(response)}"
            continue
        # Then the endpoint serves them: a success or a redirect (an API write with its
        # documented example body), never a denial nor a refusal of the input
        assert _served(endpoint, method, response), (
            f"{method} {role}: {_describe_refusal(endpoint, method, response)}"
        )
        assert "/accounts/login/" not in response.get("Location", ""), f"{method} {role}"


# The roll-up on a regency government's own host: the matrix's tenant (a village) has none.
ONLY_AT_A_REGENCY = {"statistics-regency", "api-statistics-regency"}


# Endpoints of any signed-in user that act only once the second factor was passed in the
# session (new recovery codes): the matrix asks as a user who passed it.
AFTER_SECOND_FACTOR = {("api-recovery-codes", "POST")}


# API writes whose success needs an outside system, or a state, the matrix does not have;
# there, as for pages, it is enough that the allowed caller is not refused.
NEEDS_OUTSIDE_SYSTEM = {
    # it calls SP4N-LAPOR! with the tenant's credentials (tests/integrations/test_lapor.py
    # runs it against a local fake of that API)
    ("api-integrations-lapor-test", "POST"),
    # a decision on the router's proposal needs a pending proposal, which only the router's job
    # makes (tests/complaints/test_working_a_complaint.py decides real ones both ways)
    ("api-route-suggestion", "POST"),
}


def _served(
    endpoint: Endpoint,
    method: str,
    response: Any,
    refusals: frozenset[int] = frozenset({401, 403, 404}),
) -> bool:
    """An API (documented in the OpenAPI schema, with its example body) must succeed: 2xx or
    3xx. A page or a protocol endpoint of its own (Open311) is sent an empty form, so there it
    is enough that it was not refused: a form shown again with its errors counts."""
    if endpoint.is_api and (endpoint.name, method) not in NEEDS_OUTSIDE_SYSTEM:
        return 200 <= int(response.status_code) < 400
    return response.status_code not in refusals and response.status_code != 500


def _describe_refusal(endpoint: Endpoint, method: str, response: Any) -> str:
    described = _describe(response)
    operation = contract(endpoint.urlconf).operation(endpoint.openapi_path, method)
    if endpoint.is_api and operation and operation.request_body and response.status_code == 400:
        content = operation.request_body["content"]
        if not any(c.get("examples") for c in content.values()):
            described += (
                " (the OpenAPI schema has no request example for it: add an OpenApiExample,"
                " request_only, to its extend_schema or input serializer)"
            )
    return described


# Personal data (UU 27/2022): each call gets its own complaint (the one-time code's tries are
# limited per complaint), its fresh one-time code and session token; a staff decision needs a
# pending erasure request.
def _privacy_complaint(world: World) -> str:
    filed = world.made["privacy"] = file_complaint(world.tenant, email="siti@example.org")
    return filed.tracking_code


def _privacy_otp(world: World) -> str:
    filed = world.made["privacy"]
    [code] = onetime.do_issue_codes(
        purpose=privacy.CODE_PURPOSE,
        subject=f"{world.tenant.schema_name}:{filed.tracking_code}",
        length=6,
        digits_only=True,
    )
    return code


def _privacy_token(world: World) -> str:
    return privacy.subject_token(world.tenant, world.made["privacy"])


def _erasure_requested(world: World) -> str:
    filed = file_complaint(world.tenant)
    with schema_context(world.tenant.schema_name):
        privacy.do_request_erasure(complaint=filed, reason="Mohon dihapus.")
    return str(filed.pk)


for _name in ("api-personal-data", "api-personal-data-code", "api-personal-data-erasure"):
    URL_SAMPLES[f"complaints:{_name}"] = {"code": _privacy_complaint}
URL_SAMPLES["complaints:api-erasure-decide"] = {"complaint_id": _erasure_requested}
BODY_SAMPLES["complaints:api-personal-data"] = {"code": _privacy_otp, "token": _privacy_token}
BODY_SAMPLES["complaints:api-personal-data-erasure"] = {"token": _privacy_token}
