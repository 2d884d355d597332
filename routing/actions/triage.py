"""The regency triage queue's writer: a complaint the router was unsure about waits there,
filed with (held by) the regency government, until its regency admin sends it on (the move
itself closes the entry: complaints.forwarding, `close_triage`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from routing.models import TriageEntry, TriageStatus
from routing.router import Proposal
from tenants.models import Region, Tenant


def do_open_triage_entry(
    *, tracking_code: str, subject: str, holder: Tenant, proposal: Proposal
) -> TriageEntry:
    """Idempotent: a complaint already in a queue keeps its entry."""
    code = proposal.regency_code or (holder.region_id or "")[:5]
    region = Region.objects.filter(code=code).first() or holder.region
    assert region is not None  # a regency government (the only triage holder) has a region
    with transaction.atomic():
        entry, _created = TriageEntry.objects.get_or_create(
            tracking_code=tracking_code,
            defaults={
                "regency": region,
                "holder": holder,
                "subject": subject,
                "proposal": proposal.as_dict(),
                "reason": proposal.reason,
                "status": TriageStatus.OPEN,
            },
        )
    return entry


def do_close_triage_entry(*, tracking_code: str) -> bool:
    """The complaint's holder took it on or closed it: it leaves the triage queue, so nobody
    decides it twice. Whether an entry was still open."""
    closed = TriageEntry.objects.filter(
        tracking_code=tracking_code, status=TriageStatus.OPEN
    ).update(status=TriageStatus.DONE, decided_at=timezone.now())
    return closed > 0
