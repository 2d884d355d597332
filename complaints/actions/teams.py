"""Teams (tim) and assigning a complaint to a team, e.g. Disdukcapil's answer team (Tim
Penjawab) working the complaints the officer distributes to it.

Design: a team's complaints are granted to each member as django-guardian per-user object
permissions, the same grants a personal assignment gives (complaints.actions.assign). Access
checks therefore stay exactly as they are: `access_complaint` asks guardian's user table, one
indexed query, with no group tables to join (guardian's group table is kept bare in tenant
schemas, and Django's groups live in the public schema, shared by every tenant). The price is
paid when a team changes, which is rare and done by an admin: a member added later gets the
grants on every complaint of the team (one bulk insert per permission), a member removed loses
them (except on complaints assigned to them in person), and moving a complaint from one team
to another moves the grants of the members.

Audit: Aduan has no tenant-wide audit trail for staff (tenants.models.TenantEvent is the
parent's record of a tenant's lifecycle, read by the governing tenant, not this tenant's
admins); the audit trail is each complaint's timeline. So a change of a team's members is
recorded where it matters, as a `team_members` entry (internal) on each complaint of the team
whose access changed: who was added (gains the grants) and who was removed (loses them; not
on a complaint assigned to them in person, which they keep). Creating a team or renaming it
changes nobody's access and is not recorded.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from complaints.actions.assign import OBJECT_PERMISSIONS, assignable_users, not_assignable
from complaints.audit import record_event
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.models import Complaint, EventKind, Team, TeamMember
from tenants.models import Tenant, User
from tenants.permissions import (
    grant_object_permission,
    grant_object_permission_on_many,
    revoke_object_permission,
    revoke_object_permission_on_many,
)

NAME_LIMIT = 100


def team_members(team: Team) -> list[User]:
    ids = TeamMember.objects.filter(team=team).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=list(ids)).order_by("username"))


def _checked(tenant: Tenant, name: str, member_ids: Iterable[int]) -> tuple[str, set[int]]:
    text = name.strip()
    if not text or len(text) > NAME_LIMIT:
        raise ComplaintError(
            ComplaintErrorCode.INVALID_TEAM,
            _("Nama tim wajib diisi, paling banyak %(n)d karakter.") % {"n": NAME_LIMIT},
            {"field": "name"},
        )
    wanted = set(member_ids)
    allowed = {u.pk for u in assignable_users(tenant)}
    if wanted - allowed:
        raise ComplaintError(
            ComplaintErrorCode.INVALID_TEAM,
            _("Anggota tim harus petugas instansi ini yang dapat ditugasi pengaduan."),
            {"field": "members", "unknown": sorted(wanted - allowed)},
        )
    return text, wanted


def _duplicate_name(name: str) -> ComplaintError:
    return ComplaintError(
        ComplaintErrorCode.INVALID_TEAM,
        _("Sudah ada tim bernama %(name)s.") % {"name": name},
        {"field": "name"},
    )


def do_save_team(
    *,
    tenant: Tenant,
    team: Team | None,
    name: str,
    member_ids: Iterable[int],
    actor: AbstractBaseUser,
) -> Team:
    """Create a team (`team` None) or change its name and members. Members added get the
    team's complaints; members removed lose them (unless assigned to them in person)."""
    text, wanted = _checked(tenant, name, member_ids)
    try:
        with transaction.atomic():
            if team is None:
                team = Team.objects.create(name=text)
            else:
                team = Team.objects.select_for_update().get(pk=team.pk)
                team.name = text
                team.save(update_fields=["name"])
            _set_members(team, wanted, actor)
    except IntegrityError:
        raise _duplicate_name(text) from None
    return team


def _set_members(team: Team, wanted: set[int], actor: AbstractBaseUser) -> None:
    held = set(TeamMember.objects.filter(team=team).values_list("user_id", flat=True))
    added, removed = wanted - held, held - wanted
    TeamMember.objects.bulk_create(TeamMember(team=team, user_id=pk) for pk in sorted(added))
    TeamMember.objects.filter(team=team, user_id__in=removed).delete()
    complaints = Complaint.objects.filter(team=team)
    for user in User.objects.filter(pk__in=added):
        for perm in OBJECT_PERMISSIONS:
            grant_object_permission_on_many(user, perm, complaints)
    for user in User.objects.filter(pk__in=removed):
        for perm in OBJECT_PERMISSIONS:
            revoke_object_permission_on_many(user, perm, complaints.exclude(assignee=user))
    if added or removed:
        _record_member_change(team, complaints, added, removed, actor)


def _record_member_change(
    team: Team,
    complaints: QuerySet[Complaint],
    added: set[int],
    removed: set[int],
    actor: AbstractBaseUser,
) -> None:
    """A `team_members` entry on each of the team's complaints whose access changed."""
    names = dict(User.objects.filter(pk__in=added | removed).values_list("pk", "username"))
    for complaint in complaints.order_by("pk"):
        # The person it is assigned to holds the grants anyway: no change for them.
        gained = sorted(names.get(pk, str(pk)) for pk in added if pk != complaint.assignee_id)
        lost = sorted(names.get(pk, str(pk)) for pk in removed if pk != complaint.assignee_id)
        if not gained and not lost:
            continue
        # Stored in the source language, like every timeline entry.
        with translation.override(settings.LANGUAGE_CODE):
            parts = [_("Anggota tim %(team)s berubah.") % {"team": team.name}]
            if gained:
                parts.append(_("Ditambahkan: %(names)s.") % {"names": ", ".join(gained)})
            if lost:
                parts.append(_("Dikeluarkan: %(names)s.") % {"names": ", ".join(lost)})
        record_event(
            complaint,
            kind=EventKind.TEAM_MEMBERS,
            actor=actor,
            message=" ".join(parts),
            after={"team": team.name, "added": gained, "removed": lost},
        )


def do_assign_team(
    *, tenant: Tenant, complaint: Complaint, team: Team | None, actor: AbstractBaseUser
) -> Complaint:
    """Give the complaint to a team (None: take it from its team). Whistleblowing reports
    are worked by WBS officers in person, never by a team."""
    if team is not None and complaint.is_wbs:
        raise not_assignable()
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        previous = complaint.team
        if (previous.pk if previous else None) == (team.pk if team else None):
            return complaint
        before = set(team_members(previous)) if previous else set()
        after = set(team_members(team)) if team else set()
        for user in before - after:
            if user.pk != complaint.assignee_id:  # an assignment in person stays
                for perm in OBJECT_PERMISSIONS:
                    revoke_object_permission(user, perm, complaint)
        for user in after:
            for perm in OBJECT_PERMISSIONS:
                grant_object_permission(user, perm, complaint)
        complaint.team = team
        complaint.save(update_fields=["team", "updated_at"])
        record_event(
            complaint,
            kind=EventKind.TEAM_ASSIGNED,
            actor=actor,
            message=team.name if team else "",
            before={"team": previous.name if previous else None},
            after={"team": team.name if team else None},
        )
    return complaint
