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

from complaints import selectors, sla, sop_hooks
from complaints.calendar import WorkingCalendar, tenant_zone, zone_label
from complaints.models import Channel, Complaint, ComplaintEvent, EventKind
from complaints.models import element_labels as element_labels  # re-exported
from complaints.sla_clock import DueDate, LimitUnit
from tenants.models import Tenant


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
    return event.message


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
    """The timeline as a page shows it: the public one has no files and no staff names."""
    return [
        {
            "at": format_local(event.at, tenant),
            "kind": event.kind,
            "kind_label": event.kind_label,
            "actor": public_actor(event) if public else (event.actor_label or "-"),
            "text": describe(event),
            "is_public": event.is_public,
            "files": [] if public else event_files(event),
        }
        for event in selectors.timeline(complaint, public_only=public)
    ]


def missing_labels(complaint: Complaint) -> list[str]:
    """What an incomplete complaint still lacks, one label per element."""
    return [element_labels([key]) for key in complaint.missing_elements]
