"""Sending an outbox notification by e-mail (Django's SMTP backend). The Reply-To address
and the subject tag carry the complaint's token, so the citizen's reply threads onto it; the
Message-ID is derived from the outbox key, so a repeated send is recognisable as the same
message by the receiving side."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.mail import EmailMessage

from integrations.email import mime
from integrations.models import OutboxMessage


def message_id(key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{settings.ADUAN_EMAIL_INBOUND_DOMAIN}>"


def send_message(message: OutboxMessage) -> str:
    subject = message.subject
    headers = {"Message-ID": message_id(message.key)}
    reply_to: list[str] = []
    if message.tracking_code and message.tenant is not None:
        subject = f"{subject} {mime.subject_tag(message.tracking_code)}".strip()
        reply_to = [mime.reply_address(message.tenant.slug, message.tracking_code)]
    email = EmailMessage(
        subject=subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        reply_to=reply_to,
        headers=headers,
    )
    email.send(fail_silently=False)
    return headers["Message-ID"]
