"""Write paths of the tenant's SOP: its first version from the template, and every edit.

Versions are append-only: an edit adds the next number and never changes an earlier one, so a
complaint keeps running under the SOP it started with.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.utils.translation import gettext as _

from complaints import wbs
from complaints.models import SopVersion
from complaints.selectors import latest_version
from complaints.sop import SopError, SopErrorCode, validate_sop
from complaints.sop_templates import template_for
from tenants.models import Tenant

Actor = AbstractBaseUser | AnonymousUser | None


def _lock_versions() -> None:
    # Edits are rare; one lock on the (tiny) table serialises numbering without an index.
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE complaints_sopversion IN SHARE ROW EXCLUSIVE MODE")


def do_ensure_sop_version(*, tenant: Tenant, purpose: str = "") -> SopVersion:
    """The active version; on first use, version 1 from the template of the tenant's kind
    (`purpose` "wbs": the whistleblowing SOP with the tenant's WBS deadlines)."""
    version = latest_version(purpose)
    if version is not None:
        return version
    with transaction.atomic():
        _lock_versions()
        version = latest_version(purpose)
        if version is None:
            if purpose == wbs.WBS_PURPOSE:
                definition = wbs.sop_definition(wbs.policy_of(tenant))
                note = _("Templat bawaan WBS")
            else:
                definition = template_for(tenant.kind)
                note = _("Templat bawaan untuk %(kind)s") % {"kind": tenant.get_kind_display()}
            validate_sop(definition)
            version = SopVersion.objects.create(
                number=1, purpose=purpose, definition=definition, note=note
            )
        return version


def do_add_wbs_sop_version(*, tenant: Tenant, policy: wbs.WbsPolicy, actor: Actor) -> SopVersion:
    """A new WBS SOP version with the policy's deadlines (called by do_set_wbs_policy in its
    transaction); reports already filed keep the version they started under."""
    definition = wbs.sop_definition(policy)
    validate_sop(definition)
    _lock_versions()
    latest = latest_version(wbs.WBS_PURPOSE)
    if latest is not None and latest.definition == definition:
        return latest
    return SopVersion.objects.create(
        number=(latest.number + 1) if latest else 1,
        purpose=wbs.WBS_PURPOSE,
        definition=definition,
        note=_("Batas waktu WBS diubah"),
        created_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
    )


def do_edit_sop(
    *,
    tenant: Tenant,
    definition: Any,
    note: str = "",
    based_on: int | None = None,
    actor: AbstractBaseUser | AnonymousUser,
) -> SopVersion:
    """Store an edited SOP as the next version, after validating it (`SopError` naming the
    problem otherwise). `based_on` (the version the editor started from) refuses an edit made
    over someone else's newer one. An unchanged definition adds no version."""
    validate_sop(definition)
    with transaction.atomic():
        _lock_versions()
        latest = latest_version()
        if latest is None:
            latest = do_ensure_sop_version(tenant=tenant)
        if based_on is not None and based_on != latest.number:
            raise SopError(
                SopErrorCode.STALE_VERSION,
                _(
                    "SOP sudah diubah orang lain (versi %(latest)d) sejak Anda membuka versi "
                    "%(based_on)d. Muat ulang lalu ulangi perubahan Anda."
                )
                % {"latest": latest.number, "based_on": based_on},
                {"field": "based_on", "latest": latest.number},
            )
        if latest.definition == definition:
            return latest
        return SopVersion.objects.create(
            number=latest.number + 1,
            definition=definition,
            note=note.strip()[:500],
            created_by_id=actor.pk if actor.is_authenticated else None,
        )
