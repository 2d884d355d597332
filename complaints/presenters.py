"""How complaints and their timeline read to people, in the current language. Events keep
structured facts (`after`); the words are made here, when shown, so each reader gets their
language and the stored audit never holds a translation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import sop_hooks
from complaints.calendar import tenant_zone, zone_label
from complaints.models import Channel, Complaint, ComplaintEvent, EventKind, RequiredElement
from tenants.models import Tenant


def state_label(complaint: Complaint) -> str:
    """The name of the complaint's current step (the SOP names its own steps)."""
    return sop_hooks.state_label(complaint)


def element_labels(keys: list[str]) -> str:
    labels = []
    for key in keys:
        try:
            labels.append(str(RequiredElement(key).label))
        except ValueError:
            labels.append(key)
    return ", ".join(labels)


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
