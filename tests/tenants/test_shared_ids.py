"""A tenant schema's complaint tables (and Django's migration record) take their ids from one
sequence (issue 23: one 8 KB file and its catalog rows instead of ten), made by complaints
migration 0020 and carried by the template into every new schema."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from complaints.models import Complaint, ComplaintEvent
from tests.factories import TenantFactory, file_complaint

pytestmark = pytest.mark.django_db

migration = importlib.import_module("complaints.migrations.0020_i23_one_id_sequence")


def _sequences(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind = 'S' ORDER BY 1",
            [schema],
        )
        return [name for (name,) in cursor.fetchall()]


def test_a_new_tenants_complaint_tables_share_one_sequence(tenant_factory: TenantFactory) -> None:
    # Given a new tenant with two complaints filed
    tenant = tenant_factory()
    first, second = file_complaint(tenant), file_complaint(tenant)
    # Then its schema holds the shared sequence and only guardian's (integer ids) besides
    assert _sequences(tenant.schema_name) == [
        "complaint_ids",
        "guardian_userobjectpermission_id_seq",
    ]
    # and its complaints' and their entries' ids come from it: unique, never twice
    with schema_context(tenant.schema_name):
        ids = [*Complaint.objects.values_list("id", flat=True)]
        ids += ComplaintEvent.objects.values_list("id", flat=True)
    assert len(ids) == len(set(ids)) and {first.pk, second.pk} <= set(ids)


def test_the_migration_moves_an_existing_schema_past_every_id(
    committed: None, tenant_factory: TenantFactory
) -> None:
    # Given a tenant schema as it was before the migration (one identity per table), with rows
    tenant = tenant_factory()
    with schema_context(tenant.schema_name), connection.schema_editor() as editor:
        migration.one_sequence_per_table(None, editor)
    assert "complaint_ids" not in _sequences(tenant.schema_name)
    filed = [file_complaint(tenant) for _ in range(3)]
    with schema_context(tenant.schema_name):
        highest = max(
            max(Complaint.objects.values_list("id", flat=True)),
            max(ComplaintEvent.objects.values_list("id", flat=True)),
        )
    # When the migration runs there
    with schema_context(tenant.schema_name), connection.schema_editor() as editor:
        migration.share_one_sequence(None, editor)
    # Then the next complaint takes an id past every row's, and the old rows are all there
    later = file_complaint(tenant)
    assert later.pk > highest
    with schema_context(tenant.schema_name):
        assert Complaint.objects.filter(pk__in=[c.pk for c in filed]).count() == 3
        event_ids = list(ComplaintEvent.objects.values_list("id", flat=True))
    assert len(event_ids) == len(set(event_ids))
    assert "complaint_ids" in _sequences(tenant.schema_name)
