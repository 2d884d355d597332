"""Whistleblowing (WBS, pelaporan pelanggaran): the pieces the actions, pages and APIs share.

- The receipt key (kunci tanda terima) of an anonymous report: 20 symbols of the unambiguous
  tracking alphabet (27 ** 20 ≈ 2 ** 95), shown once, stored only as an argon2id hash in the
  public `WbsReceipt` table. The hash is salted with a platform secret (not per row) so a key
  finds its report with one indexed look-up; its slowness is what protects keys if the table
  leaks, its length what protects them from guessing, and the limiter counts every attempt.
- The limiter's key for a WBS request: an HMAC of the client address and today's date under
  the platform secret. The counter row holds only that; tomorrow it links to nothing.
- The tenant's WBS policy: the latest `WbsRecord` of kind "policy" (enabled, deadlines and
  their legal basis); every change is a new record, so the history is the audit.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django.utils import timezone

from aduan.ratelimit import RateLimitedError, client_address, hit
from complaints.models import TRACKING_ALPHABET, Complaint, ComplaintEvent, EventKind
from complaints.public.models import WbsReceipt, WbsRecord, WbsRecordKind
from complaints.sop_templates import WBS_ACKNOWLEDGE_DAYS as WBS_ACKNOWLEDGE_DAYS
from complaints.sop_templates import WBS_FEEDBACK_DAYS as WBS_FEEDBACK_DAYS
from complaints.sop_templates import wbs_template
from tenants.models import Role, Tenant, TenantKind, User

RECEIPT_LENGTH = 20
RECEIPT_GROUP = 4
WBS_PURPOSE = "wbs"
# argon2id at OWASP's minimum (19 MiB, two passes): a fraction of a second per attempt here,
# ruinous for anyone trying keys offline.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
# A disclosure of a confidential reporter's identity lasts this long once approved.
DISCLOSURE_HOURS = 72


def new_receipt_key() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(RECEIPT_LENGTH))


def format_receipt_key(key: str) -> str:
    """In groups of four, as shown to the reporter: 7KQ2-…"""
    return "-".join(key[i : i + RECEIPT_GROUP] for i in range(0, len(key), RECEIPT_GROUP))


def normalize_receipt_key(raw: str) -> str:
    """What the reporter typed, without spaces or dashes, in capitals."""
    return re.sub(r"[^0-9A-Za-z]", "", raw or "").upper()


def _secret(purpose: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), purpose.encode(), hashlib.sha256).digest()


def receipt_hash(key: str) -> str:
    digest = hash_secret_raw(
        secret=normalize_receipt_key(key).encode(),
        salt=_secret("aduan.wbs.receipt-salt")[:16],
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    )
    return digest.hex()


def limiter_key(request: HttpRequest) -> str:
    """The client's address under a keyed hash that changes every day (UTC)."""
    day = timezone.now().date().isoformat()
    material = f"{day}|{client_address(request)}".encode()
    return hmac.new(_secret("aduan.wbs.limiter"), material, hashlib.sha256).hexdigest()


def check_limit(request: HttpRequest, scope: str) -> None:
    decision = hit(scope, limiter_key(request))
    if not decision.allowed:
        raise RateLimitedError(decision.retry_after)


def receipt_for(key: str) -> WbsReceipt | None:
    """The receipt row of a key (wherever its report is now), or None."""
    key = normalize_receipt_key(key)
    if len(key) != RECEIPT_LENGTH or any(c not in TRACKING_ALPHABET for c in key):
        return None
    return WbsReceipt.objects.select_related("tenant").filter(key_hash=receipt_hash(key)).first()


@dataclass(frozen=True)
class WbsPolicy:
    enabled: bool = False
    acknowledge_days: int = WBS_ACKNOWLEDGE_DAYS
    feedback_days: int = WBS_FEEDBACK_DAYS
    legal_basis: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "acknowledge_days": self.acknowledge_days,
            "feedback_days": self.feedback_days,
            "legal_basis": self.legal_basis,
        }


def policy_of(tenant: Tenant) -> WbsPolicy:
    """The tenant's WBS policy in force (the latest record); off until its admin turns it on.
    An inspectorate receives WBS reports by its nature."""
    record = (
        WbsRecord.objects.filter(tenant=tenant, kind=WbsRecordKind.POLICY).order_by("-at").first()
    )
    if record is None:
        return WbsPolicy(enabled=tenant.kind == TenantKind.INSPEKTORAT)
    data = record.data
    return WbsPolicy(
        enabled=bool(data.get("enabled")),
        acknowledge_days=int(data.get("acknowledge_days", WBS_ACKNOWLEDGE_DAYS)),
        feedback_days=int(data.get("feedback_days", WBS_FEEDBACK_DAYS)),
        legal_basis=str(data.get("legal_basis", "")),
    )


def sop_definition(policy: WbsPolicy) -> dict[str, Any]:
    """The WBS SOP with the policy's deadlines (the SLA engine reminds and escalates them)."""
    return wbs_template(
        acknowledge_days=policy.acknowledge_days,
        feedback_days=policy.feedback_days,
        legal_basis=policy.legal_basis,
    )


def history(tenant: Tenant) -> list[WbsRecord]:
    return list(
        WbsRecord.objects.filter(tenant=tenant).select_related("actor").order_by("-at", "-id")[:50]
    )


# --- disclosure of a confidential reporter's identity (written by complaints.actions.wbs) ---


@dataclass(frozen=True)
class Disclosure:
    request: ComplaintEvent
    approvals: list[ComplaintEvent]
    granted_until: datetime | None

    @property
    def active(self) -> bool:
        return self.granted_until is not None and self.granted_until > timezone.now()


def disclosure_of(request: ComplaintEvent) -> Disclosure:
    events = list(
        ComplaintEvent.objects.filter(
            complaint_id=request.complaint_id,
            kind__in=[EventKind.DISCLOSURE_APPROVED, EventKind.DISCLOSURE_GRANTED],
            after__request=request.pk,
        ).order_by("at", "id")
    )
    approvals = [e for e in events if e.kind == EventKind.DISCLOSURE_APPROVED]
    granted = [e for e in events if e.kind == EventKind.DISCLOSURE_GRANTED]
    until = datetime.fromisoformat(str((granted[0].after or {})["until"])) if granted else None
    return Disclosure(request, approvals, until)


def identity_disclosed_to(complaint: Complaint, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether this user asked for this report's reporter identity and it was granted, and
    the time has not run out. Nobody else ever sees it."""
    if not user.is_authenticated:
        return False
    now = timezone.now()
    requests = ComplaintEvent.objects.filter(
        complaint=complaint, kind=EventKind.DISCLOSURE_REQUESTED, actor_id=user.pk
    )
    for granted in ComplaintEvent.objects.filter(
        complaint=complaint,
        kind=EventKind.DISCLOSURE_GRANTED,
        after__request__in=[r.pk for r in requests],
    ):
        if datetime.fromisoformat(str((granted.after or {})["until"])) > now:
            return True
    return False


def disclosure_request(request_id: int) -> ComplaintEvent | None:
    """A disclosure request of this tenant (current schema), or None."""
    return (
        ComplaintEvent.objects.filter(pk=request_id, kind=EventKind.DISCLOSURE_REQUESTED)
        .select_related("complaint")
        .first()
    )


def disclosures_of(complaint: Complaint) -> list[Disclosure]:
    requests = ComplaintEvent.objects.filter(
        complaint=complaint, kind=EventKind.DISCLOSURE_REQUESTED
    ).order_by("-at", "-id")
    return [disclosure_of(r) for r in requests]


def pending_disclosures() -> list[Disclosure]:
    """Requests not yet granted (current schema), newest first: few, on one page."""
    requests = (
        ComplaintEvent.objects.filter(kind=EventKind.DISCLOSURE_REQUESTED)
        .select_related("complaint")
        .order_by("-at", "-id")[:50]
    )
    found = [disclosure_of(r) for r in requests]
    return [d for d in found if d.granted_until is None]


def report_counts() -> dict[str, int]:
    """What anyone but a WBS officer may know of WBS reports: how many (current schema)."""
    reports = Complaint.objects.filter(is_wbs=True)
    return {"total": reports.count(), "open": reports.filter(closed_at__isnull=True).count()}


def officers(tenant: Tenant) -> list[User]:
    return list(
        User.objects.filter(memberships__tenant=tenant, memberships__role=Role.WBS_OFFICER)
        .distinct()
        .order_by("username")
    )


def appointable_members(tenant: Tenant) -> list[User]:
    """Members of this tenant who are not WBS officers yet."""
    return list(
        User.objects.filter(memberships__tenant=tenant)
        .exclude(memberships__tenant=tenant, memberships__role=Role.WBS_OFFICER)
        .distinct()
        .order_by("username")
    )
