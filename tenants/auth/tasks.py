"""Background jobs of members and sign-in (found by the worker through
DRAMATIQ_AUTODISCOVER_MODULES). Actors take ids, never model instances."""

from __future__ import annotations

import dramatiq
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aduan.db import tenant_db
from tenants.auth.selectors import invitation_url
from tenants.models import Invitation


@dramatiq.actor(max_retries=5)
def send_invitation_email(invitation_id: int, token: str) -> None:
    """E-mail the invitation link. The token travels only in this message and the mail; a
    revoked, accepted or expired invitation is not sent."""
    tenant_db.set_schema_to_public()
    invitation = (
        Invitation.objects.select_related("tenant", "invited_by")
        .filter(pk=invitation_id, accepted_at=None, revoked_at=None)
        .first()
    )
    if invitation is None or invitation.expires_at <= timezone.now():
        return
    # Who the invitee is, and so their language, is unknown: Bahasa Indonesia.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "tenant": invitation.tenant,
            "role": invitation.get_role_display(),
            "url": invitation_url(invitation.tenant, token),
            "expires_at": timezone.localtime(invitation.expires_at),
        }
        subject = _("Undangan bergabung dengan %(tenant)s di Aduan") % {
            "tenant": invitation.tenant.name
        }
        body = render_to_string("tenants/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
