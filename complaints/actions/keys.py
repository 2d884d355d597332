"""Rotating a tenant's key (aduan.envelope): a new key-encryption key, every complaint's data
key re-wrapped under it in the same transaction; the sealed columns and blind indexes stay."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django_tenants.utils import schema_context

from aduan import envelope
from complaints.models import Complaint
from tenants.models import Tenant


def do_rotate_tenant_key(
    *,
    tenant: Tenant,
    actor: AbstractBaseUser | AnonymousUser | None,
    progress: Callable[[Iterable[Any]], Iterable[Any]] = iter,
) -> int:
    """Returns how many data keys were re-wrapped (erased complaints have none left)."""
    with schema_context(tenant.schema_name), transaction.atomic():
        old, new = envelope.begin_tenant_rotation(tenant.schema_name)
        rows = list(
            Complaint.objects.select_for_update()
            .exclude(data_key=b"")
            .values_list("pk", "data_key")
        )
        for pk, wrapped in progress(rows):
            Complaint.objects.filter(pk=pk).update(
                data_key=envelope.rewrap_for_rotation(wrapped, old, new)
            )
        return len(rows)
