"""Reads of the tenant's SOP versions (in the current tenant schema)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from complaints.models import SopVersion
from complaints.sop import Sop, parse_sop
from complaints.sop_templates import template_for
from tenants.models import Tenant

# Parsed SOPs by (schema, version id): a stored version never changes, so this never goes
# stale; bounded because one process may serve thousands of tenants.
_PARSED: dict[tuple[str, int], Sop] = {}
_PARSED_MAX = 2048


def latest_version() -> SopVersion | None:
    """The tenant's active SOP version: its latest; None before the first use."""
    return SopVersion.objects.order_by("-number").first()


def version_history() -> QuerySet[SopVersion]:
    return SopVersion.objects.order_by("-number")


def get_version(number: int) -> SopVersion | None:
    return SopVersion.objects.filter(number=number).first()


def sop_of(version: SopVersion, schema_name: str) -> Sop:
    """The parsed SOP of a stored version (stored versions were validated when written)."""
    key = (schema_name, version.pk)
    sop = _PARSED.get(key)
    if sop is None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        sop = _PARSED[key] = parse_sop(version.definition)
    return sop


def sop_by_id(version_id: int, schema_name: str) -> Sop:
    """`sop_of` by the version's id: the stored definition is read only when not parsed yet."""
    sop = _PARSED.get((schema_name, version_id))
    if sop is not None:
        return sop
    return sop_of(SopVersion.objects.get(pk=version_id), schema_name)


def current_definition(tenant: Tenant) -> tuple[SopVersion | None, dict[str, Any]]:
    """The active version and its definition; before the first use, the kind's template
    (which becomes version 1 when the first complaint is filed or the SOP first edited)."""
    version = latest_version()
    if version is None:
        return None, template_for(tenant.kind)
    return version, version.definition
