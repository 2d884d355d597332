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
    StoredFileEvent.objects.bulk_create(_events(attachments, tenant or connection_tenant(), +1))


def record_freed(attachments: Iterable[Attachment], tenant: Tenant | None = None) -> None:
    StoredFileEvent.objects.bulk_create(_events(attachments, tenant or connection_tenant(), -1))


def record_moved(attachments: Iterable[Attachment], origin: Tenant, target: Tenant) -> None:
    """A forward: the files' bytes leave the origin's storage and enter the target's (one
    statement, both rows)."""
    files = list(attachments)
    StoredFileEvent.objects.bulk_create(_events(files, origin, -1) + _events(files, target, +1))


def _events(attachments: Iterable[Attachment], tenant: Tenant, sign: int) -> list[StoredFileEvent]:
    return [
        StoredFileEvent(tenant_id=tenant.pk, attachment_id=a.pk, size=sign * a.size)
        for a in attachments
    ]
