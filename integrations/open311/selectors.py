"""Open311 reads: tenants by jurisdiction, requests as the spec represents them.

What a public listing may show: never a whistleblowing (WBS) report; for a confidential
complaint no description, place, coordinates, media or response text; never the person."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from aduan.db import tenant_db
from complaints.models import Complaint, ComplaintEvent, EventKind, SopVersion
from complaints.redaction import public_text
from complaints.selectors import sop_of
from integrations.models import Open311Token
from integrations.open311 import spec
from integrations.open311.errors import Open311Error, Open311ErrorCode
from routing.models import LaporReferral
from tenants.models import Tenant, TenantStatus

# The spec's defaults for a list without dates: the last 90 days, at most 1000 requests.
DEFAULT_WINDOW = timedelta(days=90)
MAX_RESULTS = 1000


def tenant_for_jurisdiction(jurisdiction_id: str) -> Tenant | None:
    """The tenant whose slug is `jurisdiction_id`; None for the platform's own (the front
    door). Unknown or archived: 404."""
    tenant: Tenant | None = Tenant.objects.filter(slug=jurisdiction_id).first()
    if tenant is None or tenant.status == TenantStatus.ARCHIVED:
        raise Open311Error(
            Open311ErrorCode.UNKNOWN_JURISDICTION,
            _("jurisdiction_id tidak dikenal."),
            {"field": "jurisdiction_id"},
            status=404,
        )
    if tenant.schema_name == get_public_schema_name():
        return None
    return tenant


def request_id(tenant: Tenant, complaint_id: int) -> str:
    """Unique across the platform, so `requests/{id}` needs no jurisdiction."""
    return f"{tenant.slug}-{complaint_id}"


def parse_request_id(value: str) -> tuple[str, int] | None:
    slug, _sep, number = value.strip().rpartition("-")
    if not slug or not number.isdigit():
        return None
    return slug, int(number)


def public_complaints() -> QuerySet[Complaint]:
    """Complaints of the current schema that may be listed at all."""
    return Complaint.objects.filter(is_wbs=False).select_related("sop_version")


def last_public_response(complaint: Complaint) -> str:
    event = (
        ComplaintEvent.objects.filter(complaint=complaint, is_public=True, kind=EventKind.RESPONSE)
        .order_by("-at", "-pk")
        .first()
    )
    return event.message if event is not None else ""


def status_of(complaint: Complaint, tenant: Tenant) -> str:
    """open or closed under the complaint's own SOP version (a tenant's edited SOP may add or
    rename terminal states); a complaint filed before SOPs existed: the kind's template."""
    if complaint.sop_version_id is None:
        return spec.status_of(complaint.state, tenant.kind)
    version = complaint.sop_version
    assert version is not None
    state = sop_of(version, tenant_db.schema_name).state(complaint.state)
    return spec.CLOSED if state is not None and state.terminal else spec.OPEN


def closed_filter(tenant: Tenant) -> Q:
    """Complaints in a terminal state of their own SOP version, as one condition (a tenant has
    a handful of versions: one term each)."""
    closed = Q(sop_version__isnull=True, state__in=spec.closed_states(tenant.kind))
    for version in SopVersion.objects.all():
        terminal = [s.key for s in sop_of(version, tenant_db.schema_name).states if s.terminal]
        closed |= Q(sop_version=version, state__in=terminal)
    return closed


def represent(complaint: Complaint, tenant: Tenant) -> dict[str, Any]:
    """One request, field by field as GeoReport v2 lists them."""
    service = spec.find_service(complaint.category)
    hidden = complaint.is_confidential
    open311: dict[str, Any] = (complaint.raw_payload or {}).get("open311") or {}
    return {
        "service_request_id": request_id(tenant, complaint.pk),
        "status": status_of(complaint, tenant),
        "status_notes": "" if hidden else spec.clip_description(last_public_response(complaint)),
        "service_name": service.name if service else "",
        "service_code": complaint.category,
        "description": ""
        if hidden
        else spec.clip_description(public_text(complaint, "description")),
        "agency_responsible": tenant.name,
        "service_notice": "",
        "requested_datetime": spec.w3c(complaint.created_at),
        "updated_datetime": spec.w3c(complaint.updated_at),
        "expected_datetime": spec.w3c(complaint.due_at),
        "address": "" if hidden else complaint.address_text or complaint.incident_place,
        "address_id": "" if hidden else str(open311.get("address_id") or ""),
        "zipcode": "",
        "lat": None if hidden or complaint.latitude is None else float(complaint.latitude),
        "long": None if hidden or complaint.longitude is None else float(complaint.longitude),
        "media_url": "" if hidden else str(open311.get("media_url") or ""),
    }


def represent_referral(referral: LaporReferral, platform: Tenant) -> dict[str, Any]:
    """A request the platform's front door could not place on Aduan, kept for SP4N-LAPOR!
    (the national system routes it). Nothing the citizen wrote is shown: the front door
    keeps a referral rahasia, like every complaint by default."""
    sent = referral.sent_at is not None
    notice = (
        _("Diteruskan ke SP4N-LAPOR!, nomor pelacakan %(id)s. Kode lacak Aduan: %(code)s.")
        % {"id": referral.lapor_tracking_id or referral.lapor_id, "code": referral.tracking_code}
        if sent
        else _("Menunggu dikirim ke SP4N-LAPOR!. Kode lacak Aduan: %(code)s.")
        % {"code": referral.tracking_code}
    )
    service = spec.find_service(referral.category)
    return {
        "service_request_id": request_id(platform, referral.pk),
        "status": "open",
        "status_notes": "",
        "service_name": service.name if service else "",
        "service_code": referral.category,
        "description": "",
        "agency_responsible": "SP4N-LAPOR!",
        "service_notice": notice,
        "requested_datetime": spec.w3c(referral.created_at),
        "updated_datetime": spec.w3c(referral.sent_at or referral.created_at),
        "expected_datetime": None,
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def parse_w3c(raw: str, name: str) -> datetime | None:
    if not raw.strip():
        return None
    value = parse_datetime(raw.strip().replace(" ", "+"))  # a "+" arrives as a space
    if value is None:
        raise Open311Error(
            Open311ErrorCode.INVALID,
            _("%(name)s bukan tanggal-waktu W3C (misalnya 2026-11-24T09:00:00+07:00).")
            % {"name": name},
            {"field": name},
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def find_requests(
    *,
    ids: Sequence[int] = (),
    service_codes: Sequence[str] = (),
    statuses: Sequence[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
    tenant: Tenant,
) -> list[Complaint]:
    """GET requests: by id (then the other filters are ignored, as the spec says), else by
    service, status and a date window (default the last 90 days)."""
    complaints = public_complaints()
    if ids:
        return list(complaints.filter(pk__in=ids).order_by("pk"))
    for status in statuses:
        if status not in (spec.OPEN, spec.CLOSED):
            raise Open311Error(
                Open311ErrorCode.INVALID,
                _("status hanya open atau closed."),
                {"field": "status"},
            )
    if service_codes:
        complaints = complaints.filter(category__in=service_codes)
    if set(statuses) == {spec.OPEN}:
        complaints = complaints.exclude(closed_filter(tenant))
    elif set(statuses) == {spec.CLOSED}:
        complaints = complaints.filter(closed_filter(tenant))
    if start is None and end is None:
        start = timezone.now() - DEFAULT_WINDOW
    if start is not None:
        complaints = complaints.filter(created_at__gte=start)
    if end is not None:
        complaints = complaints.filter(created_at__lte=end)
    return list(complaints.order_by("-created_at", "-pk")[:MAX_RESULTS])


def find_token(token: str) -> Open311Token | None:
    return Open311Token.objects.select_related("tenant").filter(token=token).first()
