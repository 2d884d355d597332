"""Sending to SP4N-LAPOR! the complaints whose authority is not on Aduan.

The router marks them (routing.models.LaporReferral, written by complaints.actions.dispose:
at intake, by "bukan wewenang", or at the front door with nobody on Aduan to hold them). The
job `send_lapor_referrals` sends each unsent one with the holder's LAPOR! credentials, or the
platform's (ADUAN_LAPOR_CLIENT_ID/SECRET) when the holder has none or there is no holder; the
idempotency key is the tracking code, so a send whose answer was lost is not a second
complaint on LAPOR!. LAPOR!'s id and TrackingID are stored on the referral and shown with the
complaint (tracking page and API).
"""

from __future__ import annotations

import base64
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from aduan import crypto
from complaints.models import Complaint
from integrations.backoff import next_attempt
from integrations.errors import IntegrationError, IntegrationErrorCode, IntegrationNotFoundError
from integrations.lapor.protocol import Credentials, LaporClient, LaporRejectedError
from integrations.models import LaporConnection
from integrations.queue import send_after_commit
from routing.models import Category, LaporReferral
from tenants.models import Tenant

logger = logging.getLogger("aduan.integrations")
BATCH = 100
MAX_ATTEMPTS = 12
# A Retry hands the referral to its job; the periodic sender takes over if the job is lost.
LEASE = timedelta(minutes=1)


def credentials_for(referral: LaporReferral) -> Credentials | None:
    own = (
        LaporConnection.objects.filter(tenant_id=referral.holder_id, is_active=True).first()
        if referral.holder_id
        else None
    )
    if own is not None:
        return Credentials(own.client_id, crypto.decrypt(own.secret_encrypted))
    if settings.ADUAN_LAPOR_CLIENT_ID and settings.ADUAN_LAPOR_CLIENT_SECRET:
        return Credentials(settings.ADUAN_LAPOR_CLIENT_ID, settings.ADUAN_LAPOR_CLIENT_SECRET)
    return None


def _topic(key: str) -> str:
    category = Category.objects.filter(key=key).first() if key else None
    return category.topic if category else ""


def complaint_body(referral: LaporReferral) -> dict[str, Any] | None:
    """What LAPOR! gets: the complaint as its holder has it, or the front door's payload.
    None when there is nothing to send (the holder's complaint is gone)."""
    if referral.holder is None:
        data: dict[str, Any] = referral.payload or {}
        fields = {
            "title": data.get("subject") or "",
            "content": data.get("description") or "",
            "name": data.get("name") or "",
            "phone": data.get("phone") or "",
            "email": data.get("email") or "",
            "address": data.get("address") or "",
            "address_text": data.get("address_text") or "",
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
            "is_anonymous": data.get("is_anonymous") == "True",
            "is_secret": True,  # the front door files rahasia (not public)
        }
        files = [
            (str(a["original_name"] or a["file"]), str(a["content_type"]), str(a["file"]))
            for a in data.get("attachments") or []
        ]
    else:
        with schema_context(referral.holder.schema_name):
            complaint = Complaint.objects.filter(tracking_code=referral.tracking_code).first()
        if complaint is None or complaint.is_wbs:
            return None
        fields = {
            "title": complaint.subject,
            "content": complaint.description,
            "name": complaint.name,
            "phone": complaint.phone,
            "email": complaint.email,
            "address": complaint.address,
            "address_text": complaint.address_text,
            "latitude": str(complaint.latitude) if complaint.latitude is not None else None,
            "longitude": str(complaint.longitude) if complaint.longitude is not None else None,
            "is_anonymous": complaint.is_anonymous,
            "is_secret": complaint.is_confidential,
        }
        with schema_context(referral.holder.schema_name):
            files = [
                (a.original_name or str(a.file.name), a.content_type, str(a.file.name))
                for a in complaint.attachments.order_by("pk")
            ]
    anonymous = bool(fields["is_anonymous"])
    return {
        "title": fields["title"],
        "content": fields["content"],
        "topic": _topic(referral.category),
        "is_secret": fields["is_secret"],
        "is_anonymous": anonymous,
        "reporter": {
            k: ("" if anonymous else fields[k]) for k in ("name", "phone", "email", "address")
        },
        "location": {
            "address": fields["address_text"],
            "village_code": referral.village_code,
            "latitude": fields["latitude"],
            "longitude": fields["longitude"],
        },
        "reference": referral.tracking_code,
        "attachments": [
            {"name": name, "content_type": content_type, "content_base64": _read(path)}
            for name, content_type, path in files
        ],
    }


def _read(path: str) -> str:
    with default_storage.open(path, "rb") as stored:
        return base64.b64encode(stored.read()).decode()


def do_send_referral(referral_id: int, now: datetime | None = None) -> LaporReferral | None:
    """Send one referral to LAPOR! (safe to repeat: a sent one is left alone)."""
    now = now or timezone.now()
    with transaction.atomic():
        referral = (
            LaporReferral.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("holder")
            .filter(pk=referral_id, sent_at__isnull=True)
            .first()
        )
        if referral is None:
            return None
        referral.attempts += 1
        credentials = credentials_for(referral)
        body = complaint_body(referral)
        try:
            if credentials is None:
                raise LaporRejectedError(
                    "integrations.lapor_not_configured",
                    "no SP4N-LAPOR! credentials for this holder nor for the platform",
                )
            if body is None:
                raise LaporRejectedError("integrations.lapor_nothing", "the complaint is gone")
            lapor_id, tracking_id = LaporClient(credentials).create_complaint(
                body, idempotency_key=f"aduan-referral:{referral.tracking_code}"
            )
        except Exception as error:
            logger.warning("LAPOR! referral %s not sent", referral.tracking_code, exc_info=True)
            referral.last_error = str(getattr(error, "message", error))[:2000]
            # Retried with backoff; after MAX_ATTEMPTS it waits for a person (next_attempt_at
            # empty) and stays listed as unsent.
            referral.next_attempt_at = (
                next_attempt(referral.attempts, now) if referral.attempts < MAX_ATTEMPTS else None
            )
        else:
            referral.lapor_id, referral.lapor_tracking_id = lapor_id, tracking_id
            referral.sent_at = now
            referral.last_error = ""
            referral.next_attempt_at = None
        referral.save()
        return referral


def send_due(now: datetime | None = None) -> int:
    """Send every unsent referral that is due (new ones have no attempt time yet)."""
    now = now or timezone.now()
    due = list(
        LaporReferral.objects.filter(sent_at__isnull=True)
        .filter(Q(next_attempt_at__isnull=True, attempts=0) | Q(next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    return sum(1 for pk in due if (sent := do_send_referral(pk, now)) and sent.sent_at)


def failing_referrals(tenant: Tenant | None) -> QuerySet[LaporReferral]:
    """Referrals LAPOR! does not have yet because sending them failed: retried with backoff,
    or, after MAX_ATTEMPTS, waiting for a person (no next attempt). The platform's (every
    holder, and those without one) or those one tenant holds."""
    found = (
        LaporReferral.objects.filter(sent_at__isnull=True)
        .exclude(last_error="")
        .order_by("-created_at")
    )
    return found if tenant is None else found.filter(holder=tenant)


def access_failing_referral(referral_id: int, tenant: Tenant | None) -> LaporReferral:
    referral = failing_referrals(tenant).filter(pk=referral_id).first()
    if referral is None:
        raise IntegrationNotFoundError(IntegrationErrorCode.NOT_FOUND, _("Pesan tidak ditemukan."))
    return referral


def do_retry_referral(*, referral: LaporReferral, actor: Any = None) -> LaporReferral:
    """Send a failing referral again now (the admin's Retry). Like a retried notification it
    is pending again: its error is cleared, so it leaves the failing list and a second Retry
    is refused until the send fails again (then it is back, with the new error). Sending is
    safe to repeat anyway (a sent referral is left alone, the idempotency key is the tracking
    code); its attempts are kept."""

    with transaction.atomic():
        locked = LaporReferral.objects.select_for_update().get(pk=referral.pk)
        # Checked again under the lock: two Retries at once pass the list's read together.
        if locked.sent_at is not None or not locked.last_error:
            raise IntegrationError(
                IntegrationErrorCode.NOT_FAILED, _("Pesan ini tidak sedang gagal.")
            )
        locked.last_error = ""
        locked.next_attempt_at = timezone.now() + LEASE
        locked.save(update_fields=["last_error", "next_attempt_at"])
        send_after_commit("send_lapor_referral", locked.pk)
    return locked
