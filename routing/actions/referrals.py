"""SP4N-LAPOR! referrals' writers: a complaint whose responsible body is not on Aduan is
marked for SP4N-LAPOR! (integrations.lapor.referrals sends it). Either a tenant holds it (the
router found no one at intake, or its holder said "not ours"), or the front door found no
body to file it with and keeps it here, whole, in `payload`."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from routing.models import LaporReferral, TrackingCode
from routing.router import Proposal
from tenants.models import Tenant


def _fields(proposal: Proposal) -> dict[str, str]:
    return {
        "category": proposal.category.key if proposal.category else "",
        "village_code": proposal.village.code if proposal.village else "",
    }


def do_refer_held_complaint(
    *, tracking_code: str, holder: Tenant, proposal: Proposal, reason: str
) -> LaporReferral:
    """Idempotent: a complaint marked once stays marked once."""
    with transaction.atomic():
        referral, _created = LaporReferral.objects.get_or_create(
            tracking_code=tracking_code,
            defaults={"holder": holder, "reason": reason, **_fields(proposal)},
        )
    return referral


def do_refer_unfiled_complaint(
    *, tracking_code: str, proposal: Proposal, reason: str, payload: dict[str, Any]
) -> LaporReferral:
    """No tenant holds it: the tracking code points nowhere on Aduan (it still answers on the
    tracking page) and the referral keeps everything the citizen sent."""
    with transaction.atomic():
        TrackingCode.objects.create(code=tracking_code, tenant=None)
        referral: LaporReferral = LaporReferral.objects.create(
            tracking_code=tracking_code,
            holder=None,
            payload=payload,
            reason=reason,
            **_fields(proposal),
        )
    return referral
