"""The register (buku pengaduan): sequential per tenant per year, no gaps, no doubles."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from complaints.models import Complaint
from tests.factories import TenantFactory, file_complaint

INTAKES = 50


@pytest.mark.usefixtures("committed")
def test_concurrent_intakes_get_distinct_gapless_numbers(tenant_factory: TenantFactory) -> None:
    # Given one tenant, and 50 citizens filing at the same moment, each on its own connection
    tenant = tenant_factory()
    start = threading.Barrier(INTAKES)

    def intake(i: int) -> str:
        try:
            start.wait()
            return file_complaint(tenant, subject=f"Aduan {i}").number
        finally:
            connection.close()

    # When all of them file at once
    with ThreadPoolExecutor(max_workers=INTAKES) as pool:
        numbers = list(pool.map(intake, range(INTAKES)))
    # Then they got 50 distinct numbers, 1 to 50 with no gap
    assert len(set(numbers)) == INTAKES
    with schema_context(tenant.schema_name):
        seqs = sorted(Complaint.objects.values_list("register_seq", flat=True))
    assert seqs == list(range(1, INTAKES + 1))


@pytest.mark.django_db
def test_a_rolled_back_intake_leaves_no_gap(tenant_factory: TenantFactory) -> None:
    # Given a tenant with one complaint
    tenant = tenant_factory()
    assert file_complaint(tenant).register_seq == 1

    # When the next intake's transaction rolls back after it took a number
    class AbortError(Exception):
        pass

    with pytest.raises(AbortError), transaction.atomic():
        assert file_complaint(tenant).register_seq == 2
        raise AbortError
    # Then the number is given again to the next complaint
    assert file_complaint(tenant).register_seq == 2
    with schema_context(tenant.schema_name):
        assert list(Complaint.objects.values_list("register_seq", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_each_tenant_has_its_own_register(tenant_factory: TenantFactory) -> None:
    tenant_a = tenant_factory()
    tenant_b = tenant_factory()
    assert [file_complaint(tenant_a).register_seq for _ in range(2)] == [1, 2]
    assert file_complaint(tenant_b).register_seq == 1
