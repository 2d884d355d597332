"""The ONE executor of routing's dispositions (routing.disposition.dispose), for every door
and every caller: the front door's page and API, Open311's front door, the router's look at
a complaint a tenant received (web, WhatsApp, SMS, e-mail, Open311 with a jurisdiction) and
an officer's "bukan wewenang". It is the only code that branches on `Disposition.action`
(tests/routing/test_disposition.py scans the source for any other).

Two kinds of complaint are disposed of:
- a HELD one (a tenant has it): forwarded (moved), put in a triage queue (moved there first
  when that is another tenant), referred to SP4N-LAPOR! by its holder, or kept;
- a NEW one (a front door, nothing filed yet): filed with the tenant chosen (`NewComplaint`
  says how its door files it), put in that tenant's triage queue, or kept whole for
  SP4N-LAPOR! when no body on Aduan can hold it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from complaints.actions.forward import do_forward_complaint
from complaints.audit import record_event
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.forwarding import Actor, in_schema
from complaints.models import Complaint, EventKind, new_tracking_code
from complaints.validation import CheckedFile
from routing.actions.referrals import do_refer_held_complaint, do_refer_unfiled_complaint
from routing.actions.triage import do_open_triage_entry
from routing.disposition import Action, Disposition
from routing.models import LaporReferral
from routing.selectors import tracking_code_taken
from tenants.models import Tenant


@dataclass(frozen=True)
class NewComplaint:
    """A complaint at a front door, not filed anywhere yet.

    `file_at(tenant, reason)` files it with that tenant the way its door does (channel,
    labels, raw payload), with the router's job off (it is routed already) and its routing
    entry, saying `reason`, written with the filing's (complaints.actions.intake). `fields`
    are the intake fields, kept as SP4N-LAPOR!'s payload when no body on Aduan can hold it;
    `files` the attachments, checked by content already."""

    file_at: Callable[[Tenant, str], Complaint]
    fields: dict[str, Any]
    files: Sequence[CheckedFile] = ()


@dataclass(frozen=True)
class Carried:
    """What came of a disposition: who holds the complaint now and under which codes."""

    disposition: Disposition
    tracking_code: str
    holder: Tenant | None  # None: kept for SP4N-LAPOR!
    complaint: Complaint | None  # as its holder has it now; None when kept for SP4N-LAPOR!
    referral: LaporReferral | None = None

    @property
    def number(self) -> str:
        return self.complaint.number if self.complaint is not None else ""


def do_carry_out_disposition(
    *,
    disposition: Disposition,
    complaint: Complaint | None = None,
    holder: Tenant | None = None,
    new: NewComplaint | None = None,
    actor: Actor = None,
) -> Carried:
    """Carry out `disposition` for a complaint `holder` holds, or for a `new` one."""
    if new is not None:
        return _carry_out_new(disposition, new)
    assert complaint is not None and holder is not None, "a held complaint and its holder"
    action, to = disposition.action, disposition.to
    with transaction.atomic():
        if action is Action.LAPOR:
            referral = do_refer_held_complaint(
                tracking_code=complaint.tracking_code,
                holder=holder,
                proposal=disposition.proposal,
                reason=disposition.reason,
            )
            return Carried(disposition, complaint.tracking_code, holder, complaint, referral)
        if action is Action.KEEP:
            return Carried(disposition, complaint.tracking_code, holder, complaint)
        if action is Action.SUGGEST:
            assert to is not None
            with in_schema(holder):
                record_event(
                    complaint,
                    kind=EventKind.ROUTE_SUGGESTED,
                    actor_label="Aduan",
                    message=disposition.reason,
                    after={"to": to.slug, "to_name": to.name},
                )
            return Carried(disposition, complaint.tracking_code, holder, complaint)
        assert to is not None
        if to.pk != holder.pk:
            moved = do_forward_complaint(
                tenant=holder,
                complaint_id=complaint.pk,
                to=to,
                reason=disposition.reason,
                actor=actor,
                kind=disposition.hop_kind,
            )
            complaint, holder = moved.complaint, to
        if action is Action.TRIAGE:
            do_open_triage_entry(
                tracking_code=complaint.tracking_code,
                subject=complaint.subject,
                holder=holder,
                proposal=disposition.proposal,
            )
    return Carried(disposition, complaint.tracking_code, holder, complaint)


def _carry_out_new(disposition: Disposition, new: NewComplaint) -> Carried:
    action, to = disposition.action, disposition.to
    if action is Action.LAPOR:
        return _keep_for_lapor(disposition, new)
    assert to is not None and action in (Action.FORWARD, Action.TRIAGE)
    with transaction.atomic(), schema_context(to.schema_name):
        complaint = new.file_at(to, disposition.reason)
        if action is Action.TRIAGE:
            do_open_triage_entry(
                tracking_code=complaint.tracking_code,
                subject=complaint.subject,
                holder=to,
                proposal=disposition.proposal,
            )
    return Carried(disposition, complaint.tracking_code, to, complaint)


def _keep_for_lapor(disposition: Disposition, new: NewComplaint) -> Carried:
    """Nobody on Aduan can hold it: keep it here, whole (its files too), for SP4N-LAPOR!.
    The tracking code works at once."""
    fields, checked = new.fields, new.files
    text = str(fields.get("subject") or "").strip() or str(fields.get("description") or "").strip()
    if not (text or checked):
        raise ComplaintError(
            ComplaintErrorCode.EMPTY,
            _("Tuliskan pokok atau uraian pengaduan."),
            {"field": "description"},
        )
    payload: dict[str, Any] = {
        k: (v.isoformat() if isinstance(v, datetime) else str(v) if v is not None else None)
        for k, v in fields.items()
        if k != "raw_payload"
    }
    code = new_tracking_code()
    while tracking_code_taken(code):
        code = new_tracking_code()
    # Kept in the platform's folder until the channels work sends them to SP4N-LAPOR!; saved
    # before the transaction (a file system is not transactional), removed if it fails.
    saved: list[str] = []
    try:
        for index, item in enumerate(checked, start=1):
            name = f"{get_public_schema_name()}/lapor/{code}/{index}.{item.extension}"
            item.file.seek(0)
            saved.append(default_storage.save(name, item.file))
        payload["attachments"] = [
            {
                "file": stored,
                "original_name": item.original_name,
                "content_type": item.content_type,
                "size": item.size,
                "sha256": item.sha256,
            }
            for stored, item in zip(saved, checked, strict=True)
        ]
        referral = do_refer_unfiled_complaint(
            tracking_code=code,
            proposal=disposition.proposal,
            reason=disposition.reason,
            payload=payload,
        )
    except BaseException:
        for stored in saved:
            default_storage.delete(stored)
        raise
    return Carried(disposition, code, None, None, referral)
