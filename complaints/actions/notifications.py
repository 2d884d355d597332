"""A staff member's notifications in this tenant (SLA reminders and escalations): the console
page and the API. Another user's notification, or one of another tenant, is "not found"."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.errors import NotFoundError
from complaints.public.models import Notification
from complaints.selectors import my_notifications
from tenants.models import Tenant
from tenants.permissions import AnyUser


def do_mark_notification_read(
    *, user: AnyUser, tenant: Tenant, notification_id: int
) -> Notification:
    """Mark one of the user's own notifications read (again: no change)."""
    notification = my_notifications(user, tenant).filter(pk=notification_id).first()
    if notification is None:
        raise NotFoundError("notifications.not_found", _("Tidak ditemukan."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
