"""Reads of complaints, and `access_complaint`: the only way a page, an API or a job gets a
complaint on behalf of a staff user.

Who sees what:
- the register and the complaint view: a tenant's officer, answer team, head, auditor,
  tenant admin and WBS officer see every complaint; a liaison officer who holds none of those
  roles sees only the complaints assigned to them (django-guardian object permissions, granted
  by `complaints.actions.assign`). Regency admins and the platform operator administer
  tenants but do not read their complaints.
- whistleblowing (WBS) complaints: only WBS officers; for everyone else they do not exist.
- an anonymous complainant's identity: only those who must contact them (officer, head,
  tenant admin, WBS officer); the answer team, liaison and auditor see "anonim".
- the citizen, with the tracking code: public timeline entries only, never an identity.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext as _

from complaints.errors import ComplaintErrorCode, ComplaintNotFoundError
from complaints.models import TRACKING_ALPHABET, Complaint, ComplaintEvent
from routing.models import LaporReferral
from tenants.models import Role, Tenant
from tenants.permissions import objects_for, roles_in

READ_ROLES = frozenset(
    {
        Role.OFFICER,
        Role.ANSWER_TEAM,
        Role.LIAISON,
        Role.HEAD,
        Role.AUDITOR,
        Role.TENANT_ADMIN,
        Role.WBS_OFFICER,
    }
)
# Who may write on a complaint (notes, public responses): every reader but the auditor.
WORK_ROLES = READ_ROLES - {Role.AUDITOR}
# Who records a complaint on a citizen's behalf at the desk (face to face, box, phone).
DESK_ROLES = frozenset({Role.OFFICER, Role.TENANT_ADMIN, Role.WBS_OFFICER})
IDENTITY_ROLES = frozenset({Role.OFFICER, Role.HEAD, Role.TENANT_ADMIN, Role.WBS_OFFICER})

PAGE_SIZE = 25
SORTS = {
    "-number": ("-register_year", "-register_seq"),
    "number": ("register_year", "register_seq"),
    "state": ("state", "-register_year", "-register_seq"),
    "subject": ("subject", "-register_year", "-register_seq"),
}


@dataclass(frozen=True)
class Viewer:
    """A staff user's roles in the request's tenant, read once."""

    roles: frozenset[str]
    user: AbstractBaseUser | AnonymousUser | None = None

    @classmethod
    def of(cls, user: AbstractBaseUser | AnonymousUser, tenant: Tenant) -> Viewer:
        return cls(frozenset(roles_in(user, tenant)), user)

    @property
    def sees_assigned_only(self) -> bool:
        """A liaison officer and nothing more: only what was handed to them."""
        return bool(self.roles & READ_ROLES) and not (self.roles & (READ_ROLES - {Role.LIAISON}))

    @property
    def can_read(self) -> bool:
        return bool(self.roles & READ_ROLES)

    @property
    def can_work(self) -> bool:
        return bool(self.roles & WORK_ROLES)

    @property
    def sees_wbs(self) -> bool:
        return Role.WBS_OFFICER in self.roles

    def sees_identity(self, complaint: Complaint) -> bool:
        if complaint.is_wbs:
            return self.sees_wbs
        return not complaint.is_anonymous or bool(self.roles & IDENTITY_ROLES)


def not_found() -> ComplaintNotFoundError:
    return ComplaintNotFoundError(ComplaintErrorCode.NOT_FOUND, _("Pengaduan tidak ditemukan."))


def visible_complaints(viewer: Viewer) -> QuerySet[Complaint]:
    if not viewer.can_read:
        return Complaint.objects.none()
    complaints = Complaint.objects.all()
    if not viewer.sees_wbs:
        complaints = complaints.filter(is_wbs=False)
    if viewer.sees_assigned_only:
        if viewer.user is None:
            return Complaint.objects.none()
        complaints = objects_for(viewer.user, "complaints.view_complaint", complaints)
    return complaints


def access_complaint(viewer: Viewer, complaint_id: int | str) -> Complaint:
    """The complaint, if this viewer may see it; the same "not found" for a missing one, a
    forbidden one and another tenant's (each tenant's ids live in its own schema)."""
    try:
        pk = int(complaint_id)
    except (TypeError, ValueError):
        raise not_found() from None
    complaint = visible_complaints(viewer).filter(pk=pk).first()
    if complaint is None:
        raise not_found()
    return complaint


def register(
    viewer: Viewer,
    *,
    state: str = "",
    channel: str = "",
    year: int | None = None,
    query: str = "",
    sort: str = "-number",
) -> QuerySet[Complaint]:
    """The register (buku pengaduan) as this viewer may see it, filtered, searched, sorted.
    The default order and the year filter use the (year, seq) unique index."""
    complaints = visible_complaints(viewer)
    if state:
        complaints = complaints.filter(state=state)
    if channel:
        complaints = complaints.filter(channel=channel)
    if year:
        complaints = complaints.filter(register_year=year)
    query = query.strip()
    if query:
        match = Q(number__icontains=query) | Q(subject__icontains=query)
        names = Q(name__icontains=query)
        if not viewer.roles & IDENTITY_ROLES:
            # Searching by name must not reveal who an anonymous complainant is.
            names &= Q(is_anonymous=False)
        complaints = complaints.filter(match | names)
    return complaints.order_by(*SORTS.get(sort, SORTS["-number"]))


def register_years(viewer: Viewer) -> list[int]:
    years = visible_complaints(viewer).values_list("register_year", flat=True).distinct()
    return sorted(years, reverse=True)


def timeline(complaint: Complaint, *, public_only: bool = False) -> QuerySet[ComplaintEvent]:
    events = ComplaintEvent.objects.filter(complaint=complaint)
    if public_only:
        events = events.filter(is_public=True)
    return events.order_by("at", "id")


def normalize_tracking_code(code: str) -> str:
    """People type codes with spaces, dashes and in lower case."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def complaint_by_tracking_code(code: str) -> Complaint:
    """The complaint of the current tenant with this code: a code of another tenant's
    complaint does not resolve here."""
    normalized = normalize_tracking_code(code)
    if not normalized or any(ch not in TRACKING_ALPHABET for ch in normalized):
        raise not_found()
    complaint = Complaint.objects.filter(tracking_code=normalized).first()
    if complaint is None:
        raise not_found()
    return complaint


def lapor_link(complaint: Complaint) -> dict[str, str] | None:
    """The complaint's counterpart on SP4N-LAPOR!: imported from there, or sent there because
    its authority is not on Aduan (routing.models.LaporReferral, public schema). None if
    neither; `tracking_id` is empty while a referral waits to be sent."""
    raw = complaint.raw_payload or {}
    if complaint.channel == "lapor" and raw.get("lapor_id"):
        return {"direction": "imported", "tracking_id": str(raw.get("tracking_id", ""))}
    referral = LaporReferral.objects.filter(tracking_code=complaint.tracking_code).first()
    if referral is None:
        return None
    return {"direction": "sent", "tracking_id": referral.lapor_tracking_id}


@dataclass(frozen=True)
class RatingSummary:
    """The complainants' satisfaction ratings (1-5) in this tenant, for reports."""

    count: int
    average: float | None  # None when nobody rated yet


def rating_summary(*, year: int | None = None) -> RatingSummary:
    """The number and average of ratings given to the current tenant's complaints (optionally
    of one register year). One aggregate query over the tenant's own schema."""
    complaints = Complaint.objects.filter(rating__isnull=False)
    if year:
        complaints = complaints.filter(register_year=year)
    found = complaints.aggregate(count=Count("id"), average=Avg("rating"))
    average = found["average"]
    return RatingSummary(int(found["count"]), round(float(average), 2) if average else None)


def merged_duplicates(complaint: Complaint) -> QuerySet[Complaint]:
    """The complaints merged into this one (by the partial index on merged_into)."""
    return Complaint.objects.filter(merged_into=complaint).order_by("register_year", "register_seq")
