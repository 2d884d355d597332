"""Reads of routing: the tracking index and journeys, the triage queue, the tenants of a
regency whose declarations its admin keeps, the category catalogue."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from cachetools import TTLCache, cached
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name
from rest_framework.request import Request

from aduan.errors import NotFoundError
from aduan.tenancy import request_tenant
from routing.models import (
    Authority,
    Category,
    Hop,
    LaporReferral,
    OwnDoor,
    TrackingCode,
    TriageEntry,
    TriageStatus,
)
from tenants import permissions
from tenants.models import Role, Tenant, TenantKind, TenantStatus

# A page of a regency's list (its tenants' declarations, its triage queue) holds this many;
# the lists are paged, never cut, so a regency of 400 villages shows all of them.
PAGE_SIZE = 25
# Who keeps a regency's routing: its triage queue and its tenants' declarations.
REGENCY_ROLES = (Role.REGENCY_ADMIN, Role.PLATFORM_OPERATOR)


def categories() -> QuerySet[Category]:
    return Category.objects.order_by("topic", "name")


# The catalogue changes only when it is loaded (routing.directory.load_catalogue: the release
# step, an operator's command), which forgets it in its own process; another process sees a
# change within this many seconds.
CATALOGUE_SECONDS = 300
_catalogue: TTLCache[str, tuple[Category, ...]] = TTLCache(1, CATALOGUE_SECONDS)
_catalogue_lock = threading.Lock()


@cached(_catalogue, key=lambda: "all", lock=_catalogue_lock)
def catalogue() -> tuple[Category, ...]:
    """Every category (a few dozen), kept per process: the router and the category checks of
    every door read it on each filing. Read-only: shared."""
    return tuple(Category.objects.all())


def category_at(key: str) -> Category | None:
    """The catalogue's category of this key, None when there is none."""
    return next((c for c in catalogue() if c.key == key), None)


def forget_catalogue() -> None:
    """Empty the process's catalogue (a load here; tests)."""
    with _catalogue_lock:
        _catalogue.clear()


@dataclass(frozen=True)
class Question:
    """One of a category's own questions, labelled in the reader's language."""

    key: str
    label: str
    required: bool

    @property
    def field(self) -> str:
        return f"q_{self.key}"


def category_questions(key: str) -> list[Question]:
    """The questions a category asks at every door (none for an unknown or blank key)."""
    category = category_at(key) if key else None
    return questions_of(category.questions) if category is not None else []


def questions_of(stored: list[dict[str, Any]]) -> list[Question]:
    english = translation.get_language() == "en"
    return [
        Question(
            key=str(q["key"]),
            label=str((english and q.get("label_en")) or q["label"]),
            required=bool(q.get("required")),
        )
        for q in stored
    ]


def all_questions() -> dict[str, list[Question]]:
    """Every category's questions, for a form that asks them (one query)."""
    rows = Category.objects.exclude(questions=[]).values_list("key", "questions")
    return {key: questions_of(questions) for key, questions in rows}


def own_door_policy(tenant: Tenant) -> OwnDoor:
    """Whether the router hands over a complaint filed at this tenant's own door at once, or
    only proposes it (seed 004: a village's officer verifies and classifies first). The
    tenant's setting, else its kind's default: villages are asked, other bodies are not."""
    chosen = Authority.objects.filter(tenant=tenant).values_list("own_door", flat=True).first()
    if chosen:
        return OwnDoor(chosen)
    return OwnDoor.SUGGEST if tenant.kind == TenantKind.PEMDES else OwnDoor.FORWARD


def higher_authority(tenant: Tenant) -> Tenant | None:
    """Where "teruskan ke instansi di atasnya" hands a complaint: the higher authority the
    tenant declared in the directory, else its parent; None when neither is an active body
    on Aduan (then it goes to SP4N-LAPOR!)."""
    declared = Authority.objects.filter(tenant=tenant).select_related("higher").first()
    candidates = [declared.higher if declared is not None else None, tenant.parent]
    for candidate in candidates:
        if (
            candidate is not None
            and candidate.pk != tenant.pk
            and candidate.status == TenantStatus.ACTIVE
        ):
            return candidate
    return None


def tracking_entry(code: str) -> TrackingCode | None:
    found: TrackingCode | None = (
        TrackingCode.objects.filter(code=code).select_related("tenant").first()
    )
    return found


def tracking_code_taken(code: str) -> bool:
    return TrackingCode.objects.filter(code=code).exists()


def lapor_referral(tracking_code: str) -> LaporReferral | None:
    found: LaporReferral | None = LaporReferral.objects.filter(tracking_code=tracking_code).first()
    return found


def journey(tracking_code: str) -> list[Hop]:
    return list(
        Hop.objects.filter(tracking_code=tracking_code).select_related("from_tenant", "to_tenant")
    )


def triage_queue(tenant: Tenant) -> QuerySet[TriageEntry]:
    """The open entries of this regency's triage queue, oldest first: page it."""
    regency = (tenant.region_id or "")[:5]
    queue: QuerySet[TriageEntry] = (
        TriageEntry.objects.filter(regency_id=regency, status=TriageStatus.OPEN)
        .select_related("holder")
        .order_by("created_at", "pk")
    )
    return queue


def access_triage_entry(tenant: Tenant, code: str) -> TriageEntry:
    """An open entry of this regency's queue; anything else is "not found"."""
    entry: TriageEntry | None = (
        TriageEntry.objects.filter(
            tracking_code=code, regency_id=(tenant.region_id or "")[:5], status=TriageStatus.OPEN
        )
        .select_related("holder")
        .first()
    )
    if entry is None:
        raise NotFoundError("complaints.not_found", _("Tidak ditemukan."), {"code": code})
    return entry


def regency_tenants(request: HttpRequest | Request) -> QuerySet[Tenant]:
    """Every tenant of this host's regency that the user governs, by name, with what the
    directory shows of each (region, parent) loaded in the same query: page it."""
    tenant = request_tenant(request)
    regency = (tenant.region_id or "")[:5]
    governed = permissions.governed_tenants(request.user)
    if not regency:
        # A host without a regency (a ministry, the platform) keeps only its own declaration.
        governed = governed.filter(pk=tenant.pk)
    else:
        governed = governed.filter(region__code__startswith=regency)
    listed: QuerySet[Tenant] = (
        governed.exclude(schema_name=get_public_schema_name())
        .select_related("region", "parent")
        .order_by("name", "pk")
    )
    return listed


def access_directory_tenant(request: HttpRequest | Request, slug: str) -> Tenant:
    """Any tenant of the regency the user governs, on whatever page it is listed."""
    found: Tenant | None = regency_tenants(request).filter(slug=slug).first()
    if found is None:
        raise NotFoundError("tenants.not_found", _("Tidak ditemukan."), {"slug": slug})
    return found


def triage_targets(request: HttpRequest | Request, tenant: Tenant) -> list[tuple[str, str]]:
    """Where a regency admin may send a triaged complaint: (slug, name) of every governed
    tenant of its regency, in one query (the page lists them once, as choices of a datalist)."""
    return list(
        permissions.governed_tenants(request.user)
        .filter(region__code__startswith=(tenant.region_id or "")[:5] or "-")
        .order_by("name", "pk")
        .values_list("slug", "name")
    )
