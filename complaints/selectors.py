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

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.paginator import Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from complaints import duplicates, search, wbs
from complaints.calendar import DayOff, DayOffKind, national_days_off, tenant_zone
from complaints.errors import ComplaintErrorCode, ComplaintNotFoundError
from complaints.models import (
    TRACKING_ALPHABET,
    Complaint,
    ComplaintEvent,
    EventKind,
    ForwardStub,
    SopVersion,
    TeamMember,
    Urgency,
)
from complaints.public.models import LocalHoliday, Notification, SimilarityKey
from complaints.sealing import identity_lookup
from complaints.sop import Label, Sop, parse_sop
from complaints.sop_templates import template_for
from routing import selectors as routing_selectors
from routing.models import Category, Hop, HopStatus, LaporReferral, TrackingCode, TriageEntry
from tenants.models import Membership, Role, Tenant, User
from tenants.permissions import AnyUser, objects_for, roles_in

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
# A search counts its matches up to this many (RegisterPaginator).
SEARCH_COUNT_CAP = 1000
# A staff member's notifications page shows the newest this many.
NOTIFICATIONS_SHOWN = 50
# Most urgent first; a complaint nobody judged yet after the low ones.
URGENCY_RANK = Case(
    When(urgency=Urgency.HIGH, then=Value(0)),
    When(urgency=Urgency.MEDIUM, then=Value(1)),
    When(urgency=Urgency.LOW, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
BY_URGENCY = (
    URGENCY_RANK.asc(),
    F("due_at").asc(nulls_last=True),
    F("case_due_at").asc(nulls_last=True),
    "register_year",
    "register_seq",
)
SORTS: dict[str, tuple[Any, ...]] = {
    "-number": ("-register_year", "-register_seq"),
    "number": ("register_year", "register_seq"),
    "state": ("state", "-register_year", "-register_seq"),
    "subject": ("subject", "-register_year", "-register_seq"),
    # Urgency, then the step's due date, then the whole case's (the work queue's order).
    "urgency": BY_URGENCY,
}
# The register's assignee filter for "nobody".
UNASSIGNED = "none"


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
            # A whistleblower's identity: nobody's by default, only the WBS officer whose
            # request two others approved, until it runs out (complaints.wbs).
            return (
                self.sees_wbs
                and self.user is not None
                and wbs.identity_disclosed_to(complaint, self.user)
            )
        return not complaint.is_anonymous or bool(self.roles & IDENTITY_ROLES)


def staff_user_or_none(user_id: int | None) -> User | None:
    return None if user_id is None else User.objects.filter(pk=user_id).first()


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


def pending_erasures(viewer: Viewer) -> QuerySet[Complaint]:
    """Erasure requests (UU 27/2022) waiting for a decision, oldest first, among what this
    viewer may see (a WBS report's only for its WBS officers)."""
    return (
        visible_complaints(viewer)
        .filter(erasure_requested_at__isnull=False, erased_at__isnull=True)
        .order_by("erasure_requested_at", "pk")
    )


def overdue_filter(now: dt.datetime) -> Q:
    """Open and past a due date: the running step's (not while it waits for the complainant)
    or the whole case's."""
    step = Q(due_at__lt=now, paused_at__isnull=True)
    case = Q(case_due_at__lt=now, case_ended_at__isnull=True)
    return Q(closed_at__isnull=True) & (step | case)


def register(
    viewer: Viewer,
    *,
    state: str = "",
    channel: str = "",
    year: int | None = None,
    query: str = "",
    sort: str = "-number",
    category: str = "",
    urgency: str = "",
    assignee: int | str | None = None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    overdue: bool = False,
    zone: dt.tzinfo | None = None,
) -> QuerySet[Complaint]:
    """The register (buku pengaduan) as this viewer may see it, filtered, searched, sorted.
    The default order and the year filter use the (year, seq) unique index. `assignee`: a
    user id, or UNASSIGNED; the received dates are days in `zone` (the tenant's)."""
    complaints = visible_complaints(viewer)
    if state:
        complaints = complaints.filter(state=state)
    if channel:
        complaints = complaints.filter(channel=channel)
    if year:
        complaints = complaints.filter(register_year=year)
    if category:
        complaints = complaints.filter(category=category)
    if urgency:
        complaints = complaints.filter(urgency="" if urgency == UNASSIGNED else urgency)
    if assignee == UNASSIGNED:
        complaints = complaints.filter(assignee__isnull=True)
    elif isinstance(assignee, int):
        complaints = complaints.filter(assignee_id=assignee)
    zone = zone or timezone.get_current_timezone()
    if received_from is not None:
        start = dt.datetime.combine(received_from, dt.time.min, tzinfo=zone)
        complaints = complaints.filter(created_at__gte=start)
    if received_to is not None:
        end = dt.datetime.combine(received_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        complaints = complaints.filter(created_at__lt=end)
    if overdue:
        complaints = complaints.filter(overdue_filter(timezone.now()))
    query = query.strip()
    if query:
        # Full text over number, subject, description, place, notes and step inputs, or the
        # complainant by blind index (sealed: a name token, a phone or an e-mail is never
        # decrypted to search), in one `@@` on one index (complaints.search). Searching by
        # name must not reveal who an anonymous complainant is, to roles that may not know.
        found = search.matches(
            query, identity_lookup(query), anonymous_too=bool(viewer.roles & IDENTITY_ROLES)
        )
        if found is None:
            return complaints.none()
        complaints = complaints.filter(found)
    return complaints.order_by(*SORTS.get(sort, SORTS["-number"]))


class RegisterPaginator(Paginator):  # type: ignore[type-arg]
    """The register's pages. A search counts at most `SEARCH_COUNT_CAP` matches (counting
    every complaint holding a common word of a 100,000-complaint register costs more than
    finding them); `capped` then says there are more, and the page shows "1000+".

    A search reads the ids of up to cap + 1 matches first, in no order (the GIN index's
    bitmap, stopped early): that is the count, and when it is not capped the page is cut from
    those ids alone, so a rare match (a register number) never walks the register's order
    on a planner's guess. Only a common match (more than the cap: at least 1 % of a
    100,000-complaint register) walks the order down the (year, seq) index, finding its
    first page within a few hundred rows."""

    def __init__(self, object_list: QuerySet[Complaint], *, searched: bool) -> None:
        super().__init__(object_list, PAGE_SIZE)
        self.complaints = object_list
        self.searched = searched
        self.capped = False

    @cached_property
    def count(self) -> int:
        if not self.searched:
            return self.complaints.count()
        ids = list(self.complaints.order_by().values_list("pk", flat=True)[: SEARCH_COUNT_CAP + 1])
        self.capped = len(ids) > SEARCH_COUNT_CAP
        if not self.capped:
            # Paginator.page() cuts the page from object_list after reading the count.
            self.object_list = self.complaints.filter(pk__in=ids)
        return min(len(ids), SEARCH_COUNT_CAP)


def sop_state_labels(tenant: Tenant) -> dict[str, Label]:
    """The name of every state of the tenant's SOP versions (the newest version's name wins;
    a complaint keeps the version it started under), or of its kind's template."""
    versions = list(SopVersion.objects.order_by("-number"))
    sops = [sop_of(v, tenant.schema_name) for v in versions] or [
        parse_sop(template_for(tenant.kind))
    ]
    states: dict[str, Label] = {}
    for sop in sops:
        for state in sop.states:
            states.setdefault(state.key, state.label)
    return states


def register_filter_choices(tenant: Tenant) -> dict[str, list[tuple[str, str]]]:
    """The choices of the register's filters: every state of the tenant's SOP versions (a
    complaint keeps the version it started under), the category catalogue and the staff who
    may hold a complaint."""
    states = {key: label.text() for key, label in sop_state_labels(tenant).items()}
    members = Membership.objects.filter(tenant=tenant, role__in=WORK_ROLES).values("user_id")
    staff = User.objects.filter(pk__in=members, is_active=True).order_by("username")
    return {
        "states": list(states.items()),
        "categories": [(c.key, c.name) for c in Category.objects.order_by("topic", "name")],
        "assignees": [(str(u.pk), u.get_full_name() or u.username) for u in staff],
    }


def route_suggestion(complaint: Complaint) -> ComplaintEvent | None:
    """The router's proposal to hand the complaint over, while no officer has decided on it
    (a complaint filed at a village's own door: routing.models.OwnDoor)."""
    latest: ComplaintEvent | None = (
        ComplaintEvent.objects.filter(
            complaint=complaint, kind__in=(EventKind.ROUTE_SUGGESTED, EventKind.ROUTE_KEPT)
        )
        .order_by("-at", "-id")
        .first()
    )
    return latest if latest is not None and latest.kind == EventKind.ROUTE_SUGGESTED else None


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
    # A WBS report is reached by its receipt key alone (complaints.wbs), never by a code.
    complaint = Complaint.objects.filter(tracking_code=normalized, is_wbs=False).first()
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


# The PEMDES review step whose inputs make the berita acara (complaints.reports).
REVIEW_STEP = "record_review"


def latest_review(complaint: Complaint) -> ComplaintEvent | None:
    """The complaint's latest recorded review meeting (berita acara inputs), if any."""
    found: ComplaintEvent | None = (
        ComplaintEvent.objects.filter(
            complaint=complaint, kind=EventKind.TRANSITION, after__transition=REVIEW_STEP
        )
        .order_by("-at", "-id")
        .first()
    )
    return found


def merged_duplicates(complaint: Complaint) -> QuerySet[Complaint]:
    """The complaints merged into this one (by the partial index on merged_into)."""
    return Complaint.objects.filter(merged_into=complaint).order_by("register_year", "register_seq")


LIST_LIMIT = 100


def overview(tenant: Tenant) -> dict[str, Any]:
    """What waits here for acceptance, and what this tenant passed on."""
    hops = list(
        Hop.objects.filter(to_tenant=tenant, status=HopStatus.PENDING).select_related(
            "from_tenant"
        )[:LIST_LIMIT]
    )
    held = {
        c.tracking_code: c
        for c in Complaint.objects.filter(tracking_code__in=[h.tracking_code for h in hops])
    }
    incoming = [
        {"complaint": held[h.tracking_code], "hop": h} for h in hops if h.tracking_code in held
    ]
    stubs = list(ForwardStub.objects.order_by("-moved_at")[:LIST_LIMIT])
    holders = {
        t.code: t.tenant
        for t in TrackingCode.objects.filter(
            code__in=[s.tracking_code for s in stubs]
        ).select_related("tenant")
    }
    forwarded = [{"stub": s, "holder": holders.get(s.tracking_code)} for s in stubs]
    return {"incoming": incoming, "forwarded": forwarded}


def local_holidays(tenant: Tenant, year: int | None = None) -> list[LocalHoliday]:
    holidays = LocalHoliday.objects.filter(tenant=tenant)
    if year is not None:
        holidays = holidays.filter(date__year=year)
    return list(holidays.order_by("date"))


def days_off_in_year(tenant: Tenant, year: int) -> list[DayOff]:
    """National holidays, cuti bersama and the tenant's local holidays of a year, by date."""
    local = [DayOff(h.date, DayOffKind.LOCAL_HOLIDAY, h.name) for h in local_holidays(tenant, year)]
    return sorted(national_days_off(year) + local, key=lambda d: (d.date, d.kind))


def my_notifications(
    user: AnyUser, tenant: Tenant, *, unread_only: bool = False
) -> QuerySet[Notification]:
    found = Notification.objects.filter(recipient_id=user.pk, tenant=tenant)
    return found.filter(read_at__isnull=True) if unread_only else found


def latest_version(purpose: str = "") -> SopVersion | None:
    """The tenant's active SOP version: its latest; None before the first use. `purpose`
    "wbs": its whistleblowing SOP's (complaints.wbs)."""
    return SopVersion.objects.filter(purpose=purpose).order_by("-number").first()


def version_history() -> QuerySet[SopVersion]:
    return SopVersion.objects.filter(purpose="").order_by("-number")


def get_version(number: int) -> SopVersion | None:
    return SopVersion.objects.filter(number=number, purpose="").first()


def sop_of(version: SopVersion, schema_name: str) -> Sop:
    """The parsed SOP of a stored version (stored versions were validated when written)."""
    key = (schema_name, version.pk)
    sop = _known(key)
    if sop is None:
        sop = _remember(key, version.digest, lambda: version.definition)
    return sop


def forget_parsed_sops() -> None:
    """Empty the cache of parsed SOPs (a schema dropped and made again under its name, as
    the tests do, numbers its versions from 1 again)."""
    _DIGESTS.clear()
    _BY_DIGEST.clear()


def sop_by_id(version_id: int, schema_name: str, digest: str | None = None) -> Sop:
    """`sop_of` by the version's id: the stored definition is read only when this process
    has not parsed that version, nor (given the `digest` of its definition, read with the
    register number: complaints.register.Taken) the same definition for another tenant."""
    key = (schema_name, version_id)
    sop = _known(key)
    if sop is not None:
        return sop
    if digest is not None:
        return _remember(key, digest, lambda: SopVersion.objects.get(pk=version_id).definition)
    return sop_of(SopVersion.objects.get(pk=version_id), schema_name)


def current_definition(tenant: Tenant) -> tuple[SopVersion | None, dict[str, Any]]:
    """The active version and its definition; before the first use, the kind's template
    (which becomes version 1 when the first complaint is filed or the SOP first edited)."""
    version = latest_version()
    if version is None:
        return None, template_for(tenant.kind)
    return version, version.definition


# Parsed SOPs, in two maps: (schema, version id) to the digest of the version's definition
# (a stored version never changes, so this never goes stale), and digest to the parsed SOP
# (immutable, so shared). Most tenants run their kind's template unchanged: a process serving
# thousands of tenants parses a handful of definitions and reads none again. Both bounded:
# the first by entries (~150 bytes each), the second by parsed SOPs (~15 KB each). A digest
# is the version's `SopVersion.digest` (PostgreSQL's md5 of the stored definition), read with
# intake's register number or with the version.
_DIGESTS: dict[tuple[str, int], str] = {}
_BY_DIGEST: dict[str, Sop] = {}
_DIGESTS_MAX = 50_000
_BY_DIGEST_MAX = 512


def _known(key: tuple[str, int]) -> Sop | None:
    digest = _DIGESTS.get(key)
    return None if digest is None else _BY_DIGEST.get(digest)


def _remember(key: tuple[str, int], digest: str, definition: Callable[[], Any]) -> Sop:
    """The SOP parsed from the definition of this digest (parsed now if no other version had
    it, `definition` then read), remembered as the version `key`'s."""
    sop = _BY_DIGEST.get(digest)
    if sop is None:
        _bounded(_BY_DIGEST, _BY_DIGEST_MAX)
        sop = _BY_DIGEST[digest] = parse_sop(definition())
    _bounded(_DIGESTS, _DIGESTS_MAX)
    _DIGESTS[key] = digest
    return sop


def _bounded(cache: dict[Any, Any], most: int) -> None:
    if len(cache) >= most:
        cache.clear()


@dataclass(frozen=True)
class TriageRow:
    """An entry of the regency triage queue with what its holder's register says of it."""

    entry: TriageEntry
    complaint: Complaint | None  # None: held by another tenant (read nothing there)
    category: str
    # Likely duplicates across the regency (holder and tracking code only).
    likely_duplicates: list[DuplicateSuggestion] = field(default_factory=list)


def triage_queue(tenant: Tenant) -> QuerySet[TriageEntry]:
    """The open entries of this regency's triage queue, oldest first (page it, then hand the
    page to `triage_rows`)."""
    return routing_selectors.triage_queue(tenant)


def triage_rows(tenant: Tenant, entries: Sequence[TriageEntry]) -> list[TriageRow]:
    """These entries of the regency's triage queue (a page of `triage_queue`), each with its
    complaint when this tenant holds it (one query for all, whatever the page's size). A
    complaint held here that already reached an end is left out: it was decided (its entry
    closes when it does)."""
    held = {
        c.tracking_code: c
        for c in Complaint.objects.filter(
            tracking_code__in=[e.tracking_code for e in entries if e.holder_id == tenant.pk]
        )
    }
    names = dict(Category.objects.values_list("key", "name"))
    suggested = likely_duplicates_by_code(tenant, [e.tracking_code for e in entries])
    rows = []
    for entry in entries:
        complaint = held.get(entry.tracking_code)
        if complaint is not None and complaint.closed_at is not None:
            continue
        key = (complaint.category if complaint else "") or str(
            (entry.proposal or {}).get("category") or ""
        )
        rows.append(
            TriageRow(entry, complaint, names.get(key, key), suggested.get(entry.tracking_code, []))
        )
    return rows


# A work queue's page shows at most this many complaints (its count is exact).
QUEUE_SHOWN = 20


@dataclass(frozen=True)
class WorkQueue:
    """One list of the staff home (the work queue): its key, its name, how many complaints it
    holds and the first of them, most urgent first, then by due date."""

    key: str
    label: str
    count: int
    complaints: list[Complaint]


def with_pending_suggestion(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Those with a router's proposal no officer has decided on (route_suggestion)."""
    latest = (
        ComplaintEvent.objects.filter(
            complaint=OuterRef("pk"),
            kind__in=(EventKind.ROUTE_SUGGESTED, EventKind.ROUTE_KEPT),
        )
        .order_by("-at", "-id")
        .values("kind")[:1]
    )
    return complaints.annotate(routing_decision=Subquery(latest)).filter(
        routing_decision=EventKind.ROUTE_SUGGESTED
    )


def work_queues(
    viewer: Viewer, tenant: Tenant, *, now: dt.datetime | None = None
) -> list[WorkQueue]:
    """The staff home: mine, my team's, unassigned, due today, overdue, waiting for the
    complainant, waiting for acceptance (forwarded in), the router's proposals. Only open
    complaints this viewer may see; each list sorted by urgency, then due date."""
    now = now or timezone.now()
    open_ones = visible_complaints(viewer).filter(closed_at__isnull=True, merged_into__isnull=True)
    user = viewer.user
    user_id: int = user.pk if user is not None and user.is_authenticated else 0
    teams = TeamMember.objects.filter(user_id=user_id).values("team_id")
    zone = tenant_zone(tenant)
    today = timezone.localtime(now, zone).date()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    waiting_here = Hop.objects.filter(to_tenant=tenant, status=HopStatus.PENDING).values(
        "tracking_code"
    )
    lists: list[tuple[str, str, QuerySet[Complaint]]] = [
        ("mine", _("Tugas saya"), open_ones.filter(Q(assignee_id=user_id) | Q(team_id__in=teams))),
        ("team", _("Tugas tim saya"), open_ones.filter(team_id__in=teams)),
        (
            "unassigned",
            _("Belum ditugaskan"),
            open_ones.filter(assignee__isnull=True, team__isnull=True),
        ),
        (
            "due_today",
            _("Jatuh tempo hari ini"),
            open_ones.filter(
                due_at__gte=max(start, now),
                due_at__lt=start + dt.timedelta(days=1),
                paused_at__isnull=True,
            ),
        ),
        ("overdue", _("Lewat batas waktu"), open_ones.filter(overdue_filter(now))),
        (
            "waiting_for_complainant",
            _("Menunggu pengadu"),
            open_ones.filter(Q(paused_at__isnull=False) | Q(is_complete=False)),
        ),
        (
            "waiting_for_acceptance",
            _("Menunggu diterima (diteruskan ke sini)"),
            open_ones.filter(tracking_code__in=waiting_here),
        ),
        ("proposals", _("Usulan penerusan dari Aduan"), with_pending_suggestion(open_ones)),
        # Answers held for approval (an SOP step with "approval"); an approver decides there.
        (
            "approval",
            _("Menunggu persetujuan jawaban"),
            open_ones.filter(pending_answer__status="waiting"),
        ),
        (
            "likely_duplicates",
            _("Kemungkinan pengaduan ganda"),
            open_ones.filter(pk__in=with_likely_duplicates(tenant, open_ones)),
        ),
    ]
    return [
        WorkQueue(key, str(label), found.count(), list(found.order_by(*BY_URGENCY)[:QUEUE_SHOWN]))
        for key, label, found in lists
    ]


# Likely duplicates (complaints.duplicates): within this many weeks of each other, at the same
# village or within this distance, of the same category (or one not yet categorised).
DUPLICATE_WEEKS = 3
DUPLICATE_NEAR_METRES = 500.0


@dataclass(frozen=True)
class DuplicateSuggestion:
    """A likely duplicate, as much as may cross tenants: who holds it and its tracking code.
    `complaint_id` only when this tenant holds it (then it can be merged here; across tenants
    the complaint goes through forwarding first)."""

    holder_id: int
    holder_name: str
    tracking_code: str
    similarity: float
    complaint_id: int | None


def _near(a: SimilarityKey, b: SimilarityKey) -> bool:
    if a.village_code and a.village_code == b.village_code:
        return True
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return False
    # An equirectangular distance: exact enough at a few hundred metres.
    lat = math.radians((a.latitude + b.latitude) / 2)  # type: ignore[operator]
    dx = math.radians(b.longitude - a.longitude) * math.cos(lat)  # type: ignore[operator]
    dy = math.radians(b.latitude - a.latitude)  # type: ignore[operator]
    return 6_371_000 * math.hypot(dx, dy) <= DUPLICATE_NEAR_METRES


def _alike(a: SimilarityKey, b: SimilarityKey) -> float:
    if a.category and b.category and a.category != b.category:
        return 0.0
    if not _near(a, b):
        return 0.0
    return duplicates.similarity(list(a.signature), list(b.signature))


def _candidates(keys: list[SimilarityKey]) -> list[SimilarityKey]:
    """Keys of the same regencies within the weeks around these keys (one query)."""
    if not keys:
        return []
    span = dt.timedelta(weeks=DUPLICATE_WEEKS)
    regencies = {k.regency_code for k in keys}
    start = min(k.week for k in keys) - span
    end = max(k.week for k in keys) + span
    return list(SimilarityKey.objects.filter(regency_code__in=regencies, week__range=(start, end)))


def likely_duplicates(tenant: Tenant, complaint: Complaint) -> list[DuplicateSuggestion]:
    """Complaints across the regency's tenants likely about the same problem as this one, best
    first. A complaint merged already is not suggested again."""
    if complaint.is_wbs:
        return []
    return likely_duplicates_by_code(tenant, [complaint.tracking_code]).get(
        complaint.tracking_code, []
    )


def likely_duplicates_by_code(
    tenant: Tenant, codes: list[str]
) -> dict[str, list[DuplicateSuggestion]]:
    """The likely duplicates of each of these tracking codes (the complaint page: one; the
    regency's triage queue: a page of them), in four queries whatever their number: the keys,
    their candidates, the candidates' holders and which of them are held here."""
    keys = list(SimilarityKey.objects.filter(tracking_code__in=codes))
    candidates = _candidates(keys)
    found: dict[str, list[tuple[float, SimilarityKey]]] = {}
    for key in keys:
        found[key.tracking_code] = [
            (score, other)
            for other in candidates
            if other.tracking_code != key.tracking_code
            and (score := _alike(key, other)) >= duplicates.THRESHOLD
        ]
    others = {other.tracking_code for pairs in found.values() for _score, other in pairs}
    if not others:
        return {}
    holders = {
        entry.code: entry.tenant
        for entry in TrackingCode.objects.filter(code__in=others).select_related("tenant")
        if entry.tenant is not None
    }
    here = dict(
        Complaint.objects.filter(tracking_code__in=others, merged_into__isnull=True).values_list(
            "tracking_code", "pk"
        )
    )
    return {code: _suggestions(tenant, pairs, holders, here) for code, pairs in found.items()}


def _suggestions(
    tenant: Tenant,
    found: list[tuple[float, SimilarityKey]],
    holders: dict[str, Tenant],
    here: dict[str, int],
) -> list[DuplicateSuggestion]:
    suggestions = []
    for score, other in sorted(found, key=lambda pair: -pair[0]):
        holder = holders.get(other.tracking_code)
        if holder is None or (holder.pk == tenant.pk and other.tracking_code not in here):
            continue  # gone, or merged already
        suggestions.append(
            DuplicateSuggestion(
                holder_id=holder.pk,
                holder_name=holder.name,
                tracking_code=other.tracking_code,
                similarity=round(score, 2),
                complaint_id=here.get(other.tracking_code) if holder.pk == tenant.pk else None,
            )
        )
    return suggestions


def with_likely_duplicates(tenant: Tenant, complaints: QuerySet[Complaint]) -> list[int]:
    """Ids of these (open) complaints that have a likely duplicate somewhere in the regency:
    the work queue's count, in three queries for the whole queue."""
    codes = dict(complaints.filter(is_wbs=False).values_list("tracking_code", "pk"))
    keys = list(SimilarityKey.objects.filter(tracking_code__in=list(codes)))
    candidates = _candidates(keys)
    matched = []
    for key in keys:
        if any(
            other.tracking_code != key.tracking_code and _alike(key, other) >= duplicates.THRESHOLD
            for other in candidates
        ):
            matched.append(codes[key.tracking_code])
    return matched


TRANSPARENCY_PAGE = 30


def public_complaints(*, page: int = 1) -> tuple[list[Complaint], bool]:
    """The tenant's complaints the public may see (the citizen chose "terbuka" or "anonim"):
    never a confidential (rahasia) one, never a WBS report; newest first, one page and
    whether another follows. Whoever reads them shows no identity."""
    start = (max(page, 1) - 1) * TRANSPARENCY_PAGE
    rows = list(
        Complaint.objects.filter(
            is_confidential=False, is_wbs=False, merged_into__isnull=True
        ).order_by("-created_at", "-id")[start : start + TRANSPARENCY_PAGE + 1]
    )
    return rows[:TRANSPARENCY_PAGE], len(rows) > TRANSPARENCY_PAGE
