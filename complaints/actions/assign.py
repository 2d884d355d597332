"""Assigning a complaint to a person (penugasan); to a team: complaints.actions.teams.

The assignee gets django-guardian object permissions on that one complaint in this tenant's
schema. That is what lets a liaison officer (petugas penghubung), who holds no tenant-wide
reading role, see and work exactly the complaints handed to them and nothing else.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from complaints.audit import record_event
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.models import Complaint, EventKind, TeamMember
from routing.actions.triage import do_close_triage_entry
from tenants.models import Membership, Role, Tenant, User
from tenants.permissions import grant_object_permission, revoke_object_permission

# Who may be given a complaint: the roles that work complaints (not the auditor).
ASSIGNABLE_ROLES = frozenset(
    {
        Role.OFFICER,
        Role.ANSWER_TEAM,
        Role.LIAISON,
        Role.HEAD,
        Role.TENANT_ADMIN,
        Role.WBS_OFFICER,
    }
)
# Who may assign: those who distribute work (seed 002: the officer distributes to the answer
# team; seed 004: the liaison hands a complaint on to the authorised village official).
ASSIGNER_ROLES = frozenset({Role.OFFICER, Role.HEAD, Role.TENANT_ADMIN, Role.LIAISON})
OBJECT_PERMISSIONS = ("complaints.view_complaint", "complaints.change_complaint")


def assignable_users(tenant: Tenant, *, wbs: bool = False) -> list[User]:
    """Members of this tenant who may be given a complaint (WBS reports: WBS officers only)."""
    roles = {Role.WBS_OFFICER} if wbs else ASSIGNABLE_ROLES
    ids = Membership.objects.filter(tenant=tenant, role__in=roles).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("username"))


def not_assignable() -> ComplaintError:
    return ComplaintError(
        ComplaintErrorCode.NOT_ASSIGNABLE,
        _("Pengguna ini tidak dapat ditugasi pengaduan ini."),
        {"field": "assignee"},
    )


def do_assign_complaint(
    *, tenant: Tenant, complaint: Complaint, assignee: User | None, actor: AbstractBaseUser
) -> Complaint:
    """Give the complaint to `assignee` (None: take it back from whoever has it)."""
    if assignee is not None and assignee.pk not in {
        u.pk for u in assignable_users(tenant, wbs=complaint.is_wbs)
    }:
        raise not_assignable()
    previous = complaint.assignee
    if (previous.pk if previous else None) == (assignee.pk if assignee else None):
        return complaint
    with transaction.atomic():
        # A member of the complaint's team keeps it through the team.
        if previous is not None and not (
            complaint.team_id
            and TeamMember.objects.filter(team_id=complaint.team_id, user_id=previous.pk).exists()
        ):
            for perm in OBJECT_PERMISSIONS:
                revoke_object_permission(previous, perm, complaint)
        if assignee is not None:
            for perm in OBJECT_PERMISSIONS:
                grant_object_permission(assignee, perm, complaint)
        complaint.assignee = assignee
        complaint.save(update_fields=["assignee", "updated_at"])
        record_event(
            complaint,
            kind=EventKind.ASSIGNED,
            actor=actor,
            before={"assignee": previous.get_username() if previous else None},
            after={"assignee": assignee.get_username() if assignee else None},
        )
        if assignee is not None:
            # Its holder gave it to someone: taken on, it leaves the triage queue.
            do_close_triage_entry(tracking_code=complaint.tracking_code)
    return complaint
