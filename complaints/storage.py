"""The storage ledger (complaints.public.StoredFileEvent): every complaint file stored or
removed adds one signed row in the same transaction as the attachment rows, so billing can
meter each tenant's bytes from the public schema, never entering a tenant schema or adding a
query to a request beyond the one insert. Storage over the plan's quota never refuses a
citizen's file (intake, replies); only a staff step's optional file is refused
(complaints.actions.workflow)."""

from __future__ import annotations

from collections.abc import Iterable

from aduan.tenancy import connection_tenant
from complaints.models import Attachment
from complaints.public.models import StoredFileEvent
from tenants.models import Tenant


def record_stored(attachments: Iterable[Attachment], tenant: Tenant | None = None) -> None:
    tenant_id = (tenant or connection_tenant()).pk
    StoredFileEvent.objects.bulk_create(
        StoredFileEvent(tenant_id=tenant_id, attachment_id=a.pk, size=a.size) for a in attachments
    )


def record_freed(attachments: Iterable[Attachment], tenant: Tenant | None = None) -> None:
    tenant_id = (tenant or connection_tenant()).pk
    StoredFileEvent.objects.bulk_create(
        StoredFileEvent(tenant_id=tenant_id, attachment_id=a.pk, size=-a.size)
        for a in attachments
    )


def record_moved(attachments: Iterable[Attachment], origin: Tenant, target: Tenant) -> None:
    """A forward: the files' bytes leave the origin's storage and enter the target's (one
    statement, both rows)."""
    files = list(attachments)
    StoredFileEvent.objects.bulk_create(
        [StoredFileEvent(tenant_id=origin.pk, attachment_id=a.pk, size=-a.size) for a in files]
        + [StoredFileEvent(tenant_id=target.pk, attachment_id=a.pk, size=a.size) for a in files]
    )
