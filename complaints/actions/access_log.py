"""The access log (log akses): the one writer. Every view of a complainant's identity, of a
WBS report, every export and every disclosure calls `do_record_access` (UU 27/2022: who,
when, why). Entries are never changed or deleted (a database trigger refuses it)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from complaints.audit import actor_name
from complaints.models import AccessKind, AccessLogEntry, Complaint
from complaints.selectors import Viewer


def do_record_access(
    *,
    kind: AccessKind | str,
    complaint: Complaint | None,
    actor: AbstractBaseUser | AnonymousUser | None,
    reason: str = "",
    actor_label: str = "",
) -> AccessLogEntry:
    """One entry. `complaint` is None for an access to many (an export: say which in
    `reason`); `actor_label` names a citizen or a channel when there is no user."""
    user = actor if actor is not None and actor.is_authenticated else None
    return AccessLogEntry.objects.create(
        kind=str(AccessKind(kind)),
        actor_id=user.pk if user is not None else None,
        actor_label=actor_label or actor_name(user),
        complaint_id=complaint.pk if complaint is not None else None,
        complaint_number=complaint.number if complaint is not None else "",
        reason=reason[:2000],
    )


def do_record_complaint_view(*, viewer: Viewer, complaint: Complaint) -> AccessLogEntry | None:
    """A staff page or API showed a complaint: logged when it showed a WBS report or a
    complainant's identity (nothing to log for an anonymous one the viewer may not unmask)."""
    if complaint.is_wbs:
        kind = AccessKind.WBS
    elif viewer.sees_identity(complaint) and complaint.erased_at is None:
        kind = AccessKind.IDENTITY
    else:
        return None
    return do_record_access(kind=kind, complaint=complaint, actor=viewer.user)
