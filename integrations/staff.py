"""Staff notifications (complaints.public.models.Notification: SLA reminders and escalations,
the head's monthly report with its PDF attached, shown in the console) are also sent by
e-mail: the channels' sweeper consumes the rows whose
`delivered_at` is empty and sets it. A row is locked while it is sent, so two sweepers never
send it twice; an SMTP failure leaves it undelivered for the next sweep."""

from __future__ import annotations

import logging
import smtplib
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from complaints.public.models import Notification
from integrations.email.smtp import message_id

logger = logging.getLogger("aduan.integrations")


def deliver_staff_notifications(limit: int = 200) -> int:
    """Send waiting staff notifications by e-mail; returns how many mails went out. A
    recipient without an address has the notification in the console only."""
    sent = 0
    with transaction.atomic():
        waiting = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(delivered_at__isnull=True)
            .select_related("recipient")
            .order_by("created_at", "pk")[:limit]
        )
        for notification in waiting:
            address = notification.recipient.email
            if address:
                try:
                    mail(notification, address).send(fail_silently=False)
                except (OSError, smtplib.SMTPException):
                    logger.warning("staff notification %s: send failed", notification.pk)
                    continue
                sent += 1
            notification.delivered_at = timezone.now()
            notification.save(update_fields=["delivered_at"])
    return sent


def mail(notification: Notification, address: str) -> EmailMessage:
    body = notification.body
    site: str = getattr(settings, "SITE_URL", "")
    if notification.url:
        body = f"{body}\n\n{site.rstrip('/')}{notification.url}"
    message = EmailMessage(
        subject=notification.title,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={"Message-ID": message_id(f"staff-notification:{notification.pk}")},
    )
    if notification.attachment:
        # The head's monthly report: the PDF as it was kept when it was sent.
        with default_storage.open(notification.attachment, "rb") as kept:
            message.attach(
                PurePosixPath(notification.attachment).name, kept.read(), "application/pdf"
            )
    return message
