"""How complaints and their timeline read to people, in the current language. Events keep
structured facts (`after`); the words are made here, when shown, so each reader gets their
language and the stored audit never holds a translation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aduan.db import tenant_db
from complaints import selectors, sla, sop_hooks
from complaints.calendar import WorkingCalendar, tenant_zone, zone_label
from complaints.models import Channel, Complaint, ComplaintEvent, EventKind, Urgency
from complaints.models import element_labels as element_labels  # re-exported
from complaints.sla_clock import DueDate, LimitUnit
from complaints.sop import InputSpec, Sop
from routing.models import Category
from tenants.models import Tenant

# The values a complaint's summary shows, each the latest a step entered: what it is about,
# how urgent, and what came of it.
SUMMARY_INPUTS = ("classification", "urgency", "priority", "outcome_kind", "outcome_action")


def user_label(user: AbstractBaseUser) -> str:
    """A staff member as others see them: the full name, else the username."""
    full_name = getattr(user, "get_full_name", lambda: "")()
    return str(full_name or user.get_username())


def state_label(complaint: Complaint) -> str:
    """The name of the complaint's current step (the SOP names its own steps)."""
    return sop_hooks.state_label(complaint)


def state_name(complaint: Complaint) -> str:
    """The complaint's current step as the citizen reads it (Bahasa Indonesia)."""
    with translation.override(settings.LANGUAGE_CODE):
        return state_label(complaint)


def channel_label(key: str) -> str:
    try:
        return str(Channel(key).label)
    except ValueError:
        return key


def describe(event: ComplaintEvent) -> str:
    after = event.after or {}
    if event.kind == EventKind.FILED:
        return _("Dicatat di buku pengaduan dengan nomor %(number)s melalui %(channel)s.") % {
            "number": after.get("number", ""),
            "channel": channel_label(str(after.get("channel", ""))),
        }
    if event.kind == EventKind.INFO_REQUESTED:
        return _(
            "Pengaduan belum lengkap. Mohon lengkapi: %(elements)s (lewat halaman lacak ini)."
        ) % {"elements": element_labels(list(after.get("missing", [])))}
    if event.kind == EventKind.MERGED:
        return _("Pengaduan ini digabungkan ke pengaduan nomor %(number)s.") % {
            "number": after.get("number", "")
        }
    if event.kind == EventKind.MERGE_RECEIVED:
        text = _("Pengaduan nomor %(number)s digabungkan ke pengaduan ini.") % {
            "number": after.get("number", "")
        }
        return f"{text} {event.message}".strip()
    if event.kind == EventKind.COMPLETED:
        filled = [k for k in after if k != "missing"]
        return _("Data dilengkapi: %(elements)s.") % {"elements": element_labels(filled)}
    return str(event.message)


def event_files(event: ComplaintEvent) -> list[dict[str, Any]]:
    """The files a step stored (file inputs such as the minutes, berita acara), with the
    staff download link; internal: never on the tracking page."""
    if event.kind != EventKind.TRANSITION:
        return []
    inputs = (event.after or {}).get("inputs") or {}
    files = []
    for key, value in inputs.items():
        if isinstance(value, dict) and isinstance(value.get("attachment"), int):
            files.append(
                {
                    "input": key,
                    "attachment": value["attachment"],
                    "name": str(value.get("name") or ""),
                    "url": reverse(
                        "complaints:attachment",
                        kwargs={
                            "complaint_id": event.complaint_id,
                            "attachment_id": value["attachment"],
                        },
                    ),
                }
            )
    return files


def complaint_sop_or_none(complaint: Complaint) -> Sop | None:
    """The SOP the complaint runs under (labels of its steps' inputs); None before one."""
    if complaint.sop_version_id is None:
        return None
    return selectors.sop_by_id(complaint.sop_version_id, tenant_db.schema_name)


def input_value(spec: InputSpec | None, value: Any) -> str:
    """A stored step input as people read it: a choice by its label, yes/no, a file's name."""
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, dict):
        return str(value.get("name") or "")
    if spec is not None and spec.type == "choice":
        choice = spec.choice(str(value))
        if choice is not None:
            return choice.label.text()
    if spec is not None and spec.type == "date":
        try:
            return f"{dt.date.fromisoformat(str(value)):%d-%m-%Y}"
        except ValueError:
            return str(value)
    return str(value)


def step_inputs(event: ComplaintEvent, sop: Sop | None) -> list[dict[str, str]]:
    """Every value entered at a step (its timeline entry keeps them), labelled in the reader's
    language in the SOP's order. A public response is its own entry, shown after it."""
    if event.kind != EventKind.TRANSITION:
        return []
    after = event.after or {}
    entered = after.get("inputs") or {}
    step = sop.transition(str(after.get("transition", ""))) if sop is not None else None
    specs = list(step.inputs) if step is not None else []
    known = {spec.key for spec in specs}
    rows = [
        {"key": spec.key, "label": spec.label.text(), "value": input_value(spec, entered[spec.key])}
        for spec in specs
        if spec.key in entered
    ]
    rows += [
        {"key": key, "label": key, "value": input_value(None, value)}
        for key, value in entered.items()
        if key not in known
    ]
    return rows


def summary(complaint: Complaint, sop: Sop | None) -> list[dict[str, str]]:
    """The complaint's current category, urgency and outcome: the router's category, then the
    latest value each step entered for SUMMARY_INPUTS (classification, urgency or priority,
    outcome kind and action)."""
    rows: list[dict[str, str]] = []
    if complaint.category:
        category = Category.objects.filter(key=complaint.category).first()
        rows.append(
            {
                "key": "category",
                "label": _("Kategori"),
                "value": category.name if category else complaint.category,
            }
        )
    latest: dict[str, dict[str, str]] = {}
    for event in selectors.timeline(complaint).filter(kind=EventKind.TRANSITION):
        for row in step_inputs(event, sop):
            if row["key"] in SUMMARY_INPUTS:
                latest[row["key"]] = row
    if complaint.urgency and not ({"urgency", "priority"} & latest.keys()):
        latest["urgency"] = {
            "key": "urgency",
            "label": _("Urgensi"),
            "value": str(Urgency(complaint.urgency).label),
        }
    rows += [latest[key] for key in SUMMARY_INPUTS if key in latest]
    return rows


def suggestion_of(event: ComplaintEvent | None) -> dict[str, Any] | None:
    """The router's pending proposal (complaints.selectors.route_suggestion) as shown."""
    if event is None:
        return None
    after = event.after or {}
    return {
        "to": str(after.get("to", "")),
        "to_name": str(after.get("to_name", "")),
        "reason": event.message,
        "at": event.at,
    }


def public_actor(event: ComplaintEvent) -> str:
    """Who did it, as the complainant may see it: never a staff member's name."""
    if event.kind in (EventKind.REPLY, EventKind.COMPLETED) and event.actor_id is None:
        return _("Pengadu")
    if event.actor_id is not None:
        return _("Petugas")
    return event.actor_label


def local_time(moment: datetime, tenant: Tenant) -> datetime:
    """A stored UTC time in the tenant's zone."""
    return timezone.localtime(moment, tenant_zone(tenant))


def format_local(moment: datetime, tenant: Tenant) -> str:
    zone = tenant_zone(tenant)
    return f"{timezone.localtime(moment, zone):%d-%m-%Y %H:%M} {zone_label(zone)}"


@dataclass
class CaseTime:
    """The whole case's time limit as people read it: its due date and what remains."""

    due: DueDate
    overdue: bool
    finished: bool
    remaining: str

    @property
    def due_at(self) -> dt.datetime | None:
        return self.due.due_at

    def as_dict(self) -> dict[str, Any]:
        return {
            "due_at": self.due.due_at,
            "limit": self.due.limit.as_dict(),
            "overdue": self.overdue,
            "finished": self.finished,
            "paused": self.due.is_paused,
            "remaining": self.remaining,
        }


def case_time(
    complaint: Complaint, calendar: WorkingCalendar, now: dt.datetime | None = None
) -> CaseTime | None:
    """The case limit's due date and the time left (or over), in the active language; None
    when the complaint's SOP has no case limit or its clock has not started."""
    due = sla.explain_case_due(complaint, calendar=calendar)
    if due is None:
        return None
    now = now or timezone.now()
    ended = complaint.case_ended_at
    if due.due_at is None:
        return CaseTime(due, False, False, _("dihentikan sementara, menunggu tanggapan pengadu"))
    if ended is not None:
        late = ended > due.due_at
        text = _("selesai melewati batas waktu") if late else _("selesai dalam batas waktu")
        return CaseTime(due, late, True, text)
    if now > due.due_at:
        days = (calendar.local_date(now) - calendar.local_date(due.due_at)).days
        text = _("lewat batas waktu %(n)d hari") % {"n": days} if days else _("lewat batas waktu")
        return CaseTime(due, True, False, text)
    if due.limit.unit == LimitUnit.HOURS:
        hours = int((due.due_at - now).total_seconds() // 3600)
        return CaseTime(due, False, False, _("sisa %(n)d jam") % {"n": hours})
    today, last = calendar.local_date(now), calendar.local_date(due.due_at)
    if today == last:
        return CaseTime(due, False, False, _("jatuh tempo hari ini"))
    days_left = [
        today + dt.timedelta(days=i) for i in range(1, (last - today).days + 1)
    ]  # today itself is running; count the days after it up to the due day
    if due.limit.unit == LimitUnit.WORKING_DAYS:
        n = sum(1 for day in days_left if calendar.is_working_day(day))
        return CaseTime(due, False, False, _("sisa %(n)d hari kerja") % {"n": n})
    return CaseTime(due, False, False, _("sisa %(n)d hari") % {"n": len(days_left)})


def timeline_rows(complaint: Complaint, tenant: Tenant, *, public: bool) -> list[dict[str, Any]]:
    """The timeline as a page shows it: the public one has no files, no staff names and no
    step inputs (internal notes)."""
    sop = None if public else complaint_sop_or_none(complaint)
    return [
        {
            "at": format_local(event.at, tenant),
            "kind": event.kind,
            "kind_label": event.kind_label,
            "actor": public_actor(event) if public else (event.actor_label or "-"),
            "text": public_text(event) if public else describe(event),
            "is_public": event.is_public,
            "files": [] if public else event_files(event),
            "inputs": [] if public else step_inputs(event, sop),
        }
        for event in selectors.timeline(complaint, public_only=public)
    ]


def public_text(event: ComplaintEvent) -> str:
    """An entry as the citizen reads it: a forward says where it went, in the reader's
    language; the officer's reason for it stays on the staff side."""
    if event.kind == EventKind.FORWARDED:
        before, after = event.before or {}, event.after or {}
        return _("Diteruskan dari %(origin)s ke %(target)s.") % {
            "origin": before.get("tenant", ""),
            "target": after.get("tenant", ""),
        }
    return describe(event)


def missing_labels(complaint: Complaint) -> list[str]:
    """What an incomplete complaint still lacks, one label per element."""
    return [element_labels([key]) for key in complaint.missing_elements]


def transparency_rows(complaints: list[Complaint], tenant: Tenant) -> list[dict[str, Any]]:
    """What the public may read of each complaint: no name, address, phone or text body."""
    names = dict(
        Category.objects.filter(key__in={c.category for c in complaints if c.category}).values_list(
            "key", "name"
        )
    )
    return [
        {
            "number": c.number,
            "subject": c.subject,
            "category": names.get(c.category, ""),
            "step": state_label(c),
            "received_at": format_local(c.created_at, tenant),
            "due_at": local_time(c.due_at, tenant) if c.due_at else None,
            "latitude": c.latitude,
            "longitude": c.longitude,
        }
        for c in complaints
    ]
