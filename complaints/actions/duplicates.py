"""The duplicate finder's key of a complaint (complaints.duplicates): written after the
complaint's transaction commits, by the job `record_similarity_key`, in the public schema. The
only writer of `complaints.public.models.SimilarityKey`."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from complaints import duplicates
from complaints.models import Complaint
from complaints.public.models import SimilarityKey
from tenants.models import Tenant


def week_of(moment: dt.datetime) -> dt.date:
    day = timezone.localtime(moment).date()
    return day - dt.timedelta(days=day.weekday())


def do_record_similarity_key(*, schema_name: str, complaint_id: int) -> SimilarityKey | None:
    """Write (or rewrite: idempotent, keyed by tracking code) the complaint's key. A WBS
    report, a complaint gone, or one with no regency known gets none."""
    tenant = Tenant.objects.filter(schema_name=schema_name).select_related("region").first()
    if tenant is None:
        return None
    with schema_context(schema_name):
        complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None or complaint.is_wbs:
        return None
    regency = (complaint.village_code or (tenant.region_id or ""))[:5]
    if len(regency) < 5:
        return None
    with transaction.atomic():
        key, _created = SimilarityKey.objects.update_or_create(
            tracking_code=complaint.tracking_code,
            defaults={
                "tenant": tenant,
                "complaint_id": complaint.pk,
                "regency_code": regency,
                "category": complaint.category,
                "village_code": complaint.village_code,
                "latitude": float(complaint.latitude) if complaint.latitude is not None else None,
                "longitude": float(complaint.longitude)
                if complaint.longitude is not None
                else None,
                "week": week_of(complaint.created_at),
                "signature": duplicates.signature(f"{complaint.subject} {complaint.description}"),
                "created_at": timezone.now(),
            },
        )
    return key
