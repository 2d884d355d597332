"""A row created in tenant A is invisible from tenant B."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from aduan.db import tenant_db
from complaints.models import Complaint
from tests.factories import TenantFactory, file_complaint

pytestmark = pytest.mark.django_db


def test_complaint_of_tenant_a_is_invisible_from_tenant_b(tenant_factory: TenantFactory) -> None:
    # Given two tenants, and a complaint filed with A
    tenant_a = tenant_factory()
    tenant_b = tenant_factory()
    file_complaint(tenant_a, subject="Jalan rusak")
    # When B looks at its complaints, by the ORM and by raw SQL on its search_path
    with schema_context(tenant_b.schema_name):
        seen_by_orm = Complaint.objects.count()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM complaints_complaint")
            seen_by_sql = cursor.fetchone()
    # Then B sees nothing, and A still sees its own complaint
    assert seen_by_orm == 0
    assert seen_by_sql == (0,)
    with schema_context(tenant_a.schema_name):
        assert list(Complaint.objects.values_list("subject", flat=True)) == ["Jalan rusak"]


def test_public_schema_has_no_tenant_tables(reference_data: object) -> None:
    tenant_db.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.complaints_complaint')")
        assert cursor.fetchone() == (None,)
