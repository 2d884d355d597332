"""A lost tracking code sent again (issue 22, built with issue 19's platform-wide blind
index): the citizen types the phone or e-mail given at filing; every complaint filed with it
gets its code sent to that contact, through the outbox (integrations.notify). Rate-limited per
contact and per address, and the answer is the same whether or not anything was found."""

from __future__ import annotations

from django.db import transaction
from django_tenants.utils import schema_context

from aduan import envelope, ratelimit
from aduan.phones import InvalidPhoneError
from complaints.models import Complaint
from complaints.validation import intake_phone
from integrations.notify import notify_tracking_code
from routing.models import TrackingCode

SMS, EMAIL = "sms", "email"  # the outbox's channel names (integrations.models.ChannelName)
MAX_SENT = 10  # codes sent for one contact at most, newest first


def _contact(given: str) -> tuple[str, str] | None:
    """(channel, normalised contact), or None for something that is neither."""
    given = given.strip()
    if "@" in given:
        return EMAIL, given.casefold()
    try:
        return SMS, intake_phone(given)
    except InvalidPhoneError:
        return None


def do_resend_tracking_codes(*, contact: str, client: str) -> int:
    """Returns how many codes were sent (the caller never shows it)."""
    for key in (f"addr:{client}", f"contact:{contact.strip().casefold()}"):
        decision = ratelimit.hit(ratelimit.Scope.CODE_RESEND, key)
        if not decision.allowed:
            raise ratelimit.RateLimitedError(decision.retry_after)
    found = _contact(contact)
    if found is None:
        return 0
    channel, value = found
    index = (
        envelope.contact_index(email=value)
        if channel == EMAIL
        else envelope.contact_index(phone=value)
    )
    entries = list(
        TrackingCode.objects.filter(contacts__overlap=index, tenant__isnull=False)
        .select_related("tenant")
        .order_by("-created_at")[:MAX_SENT]
    )
    sent = 0
    for entry in entries:
        tenant = entry.tenant
        assert tenant is not None
        with schema_context(tenant.schema_name), transaction.atomic():
            complaint = Complaint.objects.filter(tracking_code=entry.code).first()
            if complaint is None or complaint.erased_at is not None:
                continue
            # The index said so; the sealed value confirms it (a digest is never the proof).
            # (Both normalised alike: a number stored before the one rule still matches.)
            on_file = _contact(complaint.email if channel == EMAIL else complaint.phone)
            if on_file != (channel, value):
                continue
            notify_tracking_code(
                tenant=tenant, complaint=complaint, channel=channel, recipient=value
            )
            sent += 1
    return sent
