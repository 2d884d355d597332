"""Intake: the ONE function that creates a complaint. The web form, the public API, the staff
desk and every channel (WhatsApp, SMS, e-mail, Open311, SP4N-LAPOR!) call it.

The rule on bad input, the same for every caller:
- a required element (Permenpan-RB 24/2014: name, address, phone/WhatsApp, subject,
  description) that is MISSING does not stop intake: the complaint is kept, `is_complete` is
  False, `missing_elements` lists what is missing, it starts in the "incomplete" state and a
  public timeline entry asks the complainant for it (they complete it on the tracking page).
  Nothing a citizen sent is dropped.
- a value that is PRESENT but INVALID (a phone that is not an Indonesian number, a malformed
  e-mail, an unknown village code, a disguised or oversized file) is refused with a field
  error and nothing is stored: an interactive form re-shows it for correction. A channel
  adapter that cannot vouch for a value passes it as missing and keeps the original in
  `raw_payload`.
- a submission with no subject, no description and no file holds nothing to keep: refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.jobs import enqueue_on_commit
from complaints import forwarding, notifications, register, search, sop_hooks
from complaints.actions.doors import confirm_phone
from complaints.attachments import discard_files as discard_files  # re-exported
from complaints.attachments import store_attachments as store_attachments  # re-exported
from complaints.audit import NewEvent, record_events
from complaints.calendar import tenant_zone
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.models import (
    Attachment,
    Channel,
    Complaint,
    EventKind,
    RequiredElement,
    new_tracking_code,
)
from complaints.validation import (
    FieldProblem,
    check_attachments,
    checked_phone,
    coordinates_problem,
    email_problem,
    length_problem,
)
from complaints.wbs import WBS_PURPOSE
from routing.selectors import category_questions
from tenants.models import RegionLevel, Tenant
from tenants.regions import region_at

Actor = AbstractBaseUser | AnonymousUser | None

LIMITS = {"name": 200, "subject": 200, "incident_place": 300, "address_text": 300}


def raise_problems(problems: Sequence[FieldProblem | None]) -> None:
    """One error for every field at fault; the first one names the code and message."""
    found = [p for p in problems if p is not None]
    if not found:
        return
    fields: dict[str, list[str]] = {}
    for problem in found:
        fields.setdefault(problem.field, []).append(problem.message)
    first = found[0]
    raise ComplaintError(first.code, first.message, {"field": first.field, "fields": fields})


IDENTITY_ELEMENTS = frozenset(
    {RequiredElement.NAME, RequiredElement.ADDRESS, RequiredElement.PHONE}
)


ANSWER_LIMIT = 300


def check_answers(
    category: str, answers: dict[str, str] | None
) -> tuple[dict[str, str], list[FieldProblem]]:
    """The answers to the category's questions that it asks (others dropped), and a problem
    for each required one left blank (field `q_<key>`)."""
    if answers is None:
        return {}, []
    kept: dict[str, str] = {}
    problems: list[FieldProblem] = []
    for question in category_questions(category):
        value = str(answers.get(question.key) or "").strip()[:ANSWER_LIMIT]
        if value:
            kept[question.key] = value
        elif question.required:
            problems.append(
                FieldProblem(
                    question.field,
                    ComplaintErrorCode.ANSWER_REQUIRED,
                    _("Wajib dijawab untuk kategori ini: %(label)s.") % {"label": question.label},
                )
            )
    return kept, problems


def missing_elements(complaint: Complaint) -> list[str]:
    # A whistleblower may stay anonymous (Perbup Labura 34/2022): a WBS report never waits
    # for an identity.
    skipped = IDENTITY_ELEMENTS if complaint.is_wbs else frozenset()
    return [
        element.value
        for element in RequiredElement
        if element not in skipped and not getattr(complaint, element.value)
    ]


def do_file_complaint(
    *,
    tenant: Tenant,
    channel: Channel | str,
    name: str,
    address: str,
    phone: str,
    subject: str,
    description: str,
    email: str = "",
    incident_at: datetime | None = None,
    incident_place: str = "",
    category: str = "",
    village_code: str = "",
    address_text: str = "",
    latitude: Decimal | float | str | None = None,
    longitude: Decimal | float | str | None = None,
    desired_outcome: str = "",
    attachments: Sequence[File] = (),  # type: ignore[type-arg]
    is_confidential: bool = True,
    is_anonymous: bool = False,
    is_wbs: bool = False,
    actor: Actor = None,
    actor_label: str = "",
    raw_payload: dict[str, Any] | None = None,
    route: bool = True,
    answers: dict[str, str] | None = None,
    village_known: bool = False,
    phone_code: str | None = None,
    phone_code_schema: str = "",
    routed: str = "",
) -> Complaint:
    """File a complaint in `tenant`'s register (the current schema must be the tenant's).

    `actor` is the staff member entering it (desk, box, phone), None when the complainant or a
    channel files it; `actor_label` names the latter on the timeline. `route`: after commit
    the router looks at it (complaints.tasks.after_filing sends route_filed_complaint); False
    when its door routed it already (a front door) or SP4N-LAPOR! disposed it here. WBS
    reports never are.
    `answers`: to the category's own questions, from a door that asks them (a form, the API,
    Open311, the desk): its required ones must be answered; None from a door that cannot ask
    (SMS, e-mail, an import), which files without them. `village_known`: the door has read
    `village_code`'s village already (the front door's router), so it is not read again.
    `phone_code`: the one-time code of the phone, from a self-service door (form, embed, API)
    of a tenant that confirms phones (complaints.actions.doors.confirm_phone); None from a door
    that vouches for the number. `phone_code_schema`: whose code it is (the front door's are
    the platform's). `routed`: why a front door chose this body (its disposition's reason):
    the routing entry is written with the filing's own."""
    if channel not in Channel.values:
        raise ComplaintError(
            ComplaintErrorCode.INVALID_CHANNEL,
            _("Kanal pengaduan tidak dikenal."),
            {"field": "channel", "value": str(channel)},
        )
    values = {
        "name": name.strip(),
        "address": address.strip(),
        "subject": subject.strip(),
        "description": description.strip(),
        "incident_place": incident_place.strip(),
        "address_text": address_text.strip(),
    }
    phone, email, village_code = phone.strip(), email.strip(), village_code.strip()
    if not (values["subject"] or values["description"] or attachments):
        raise ComplaintError(
            ComplaintErrorCode.EMPTY,
            _("Tuliskan pokok atau uraian pengaduan."),
            {"field": "description"},
        )
    coord_problem, lat, lon = coordinates_problem(latitude, longitude)
    checked, file_problem = check_attachments(attachments, strip_metadata=is_wbs)
    kept_answers, answer_problems = check_answers(category.strip(), answers)
    stored_phone, phone_error = checked_phone(phone) if phone else ("", None)
    raise_problems(
        [
            *answer_problems,
            *(length_problem(f, values[f], limit) for f, limit in LIMITS.items()),
            phone_error,
            email_problem(email) if email else None,
            village_problem(village_code) if village_code and not village_known else None,
            coord_problem,
            file_problem,
        ]
    )
    phone_confirmed = confirm_phone(
        tenant=tenant, phone=phone, code=phone_code, code_schema=phone_code_schema
    )
    now = timezone.now()
    # The register year is the tenant's own: 00:30 WIT on 1 January is a new year there.
    year = timezone.localtime(now, tenant_zone(tenant)).year
    stored: list[Attachment] = []
    try:
        # No savepoint inside a caller's transaction (a front door's): an error here fails
        # the whole filing anyway, and a savepoint pair costs two round trips.
        with transaction.atomic(savepoint=False):
            taken = register.take_number_and_active_sop(year, WBS_PURPOSE if is_wbs else "")
            seq = taken.seq
            complaint = Complaint(
                number=register.format_number(seq, register.tenant_code(tenant), year),
                register_year=year,
                register_seq=seq,
                # A WBS report's code opens nothing (its receipt key does): unique here only.
                tracking_code=unused_tracking_code() if is_wbs else "",
                channel=channel,
                phone=stored_phone,
                email=email,
                incident_at=incident_at,
                category=category.strip()[:40],
                village_code=village_code,
                latitude=lat,
                longitude=lon,
                desired_outcome=desired_outcome.strip(),
                # A whistleblower's report is never public.
                is_confidential=is_confidential or is_wbs,
                is_anonymous=is_anonymous,
                is_wbs=is_wbs,
                raw_payload=raw_payload,
                answers=kept_answers,
                created_at=now,
                **values,
            )
            complaint.missing_elements = missing_elements(complaint)
            complaint.is_complete = not complaint.missing_elements
            placed = sop_hooks.place_filed(
                complaint, tenant=tenant, active_sop_id=taken.sop_id, at=now,
                sop_digest=taken.sop_digest,
            )  # fmt: skip
            if not is_wbs:
                forwarding.claim_tracking_code(tenant, complaint)
                # The search document goes in with the row (a WBS description is sealed: the
                # document is refreshed from the stored row instead).
                complaint.search_text = search.filed_document(
                    complaint.number,
                    complaint.subject,
                    complaint.description,
                    complaint.incident_place,
                    complaint.address_text,
                )
            complaint.save()
            if not is_wbs:
                del complaint.__dict__["search_text"]  # the stored text, if ever read
            store_attachments(complaint, checked, stored)
            label = actor_label or (str(Channel(channel).label) if actor is None else "")
            entries = [
                NewEvent(
                    EventKind.FILED,
                    actor,
                    label,
                    is_public=True,
                    after={
                        "number": complaint.number,
                        "channel": complaint.channel,
                        "attachments": len(stored),
                        **({"phone_confirmed": True} if phone_confirmed else {}),
                    },
                )
            ]
            if not complaint.is_complete:
                missing = {"missing": complaint.missing_elements}
                entries.append(
                    NewEvent(EventKind.INFO_REQUESTED, actor, label, is_public=True, after=missing)
                )
            if routed:
                entries.append(NewEvent(EventKind.ROUTED, actor_label="Aduan", message=routed))
            # One statement for the filing's entries (a front door's routing entry with them).
            record_events(complaint, entries, document_written=not is_wbs)
            sop_hooks.on_filed(complaint, tenant=tenant, placed=placed)
            # integrations: the receipt (tanda terima) through the transactional outbox,
            # written in this transaction (the one outbox call of intake).
            notifications.on_filed(tenant=tenant, complaint=complaint)
            # What follows a filing (the router's look, the duplicate finder's key, the search
            # words, the statistics) is sent by one job after commit, from the worker: one
            # message on the request path instead of four (complaints.tasks.after_filing).
            enqueue_on_commit(
                "after_filing",
                tenant.schema_name,
                complaint.pk,
                route=route and not complaint.is_wbs,
                index=not complaint.is_wbs,
            )
    except BaseException:
        discard_files(stored)
        raise
    return complaint


def village_problem(code: str) -> FieldProblem | None:
    if region_at(code, RegionLevel.VILLAGE) is not None:
        return None
    return unknown_village(code)


def unknown_village(code: str) -> FieldProblem:
    return FieldProblem(
        "village_code",
        ComplaintErrorCode.UNKNOWN_VILLAGE,
        _("Kode desa/kelurahan %(code)s tidak dikenal.") % {"code": code},
    )


def unused_tracking_code() -> str:
    # 2**47 codes per tenant: a clash is all but impossible, but never give a code twice.
    while True:
        code = new_tracking_code()
        if not Complaint.objects.filter(tracking_code=code).exists():
            return code
