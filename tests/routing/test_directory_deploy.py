"""The authority directory on deploy: `aduan migrate` declares the kind's defaults for
tenants that have none (made before the directory existed) and keeps the category catalogue
in line with its file, at a cost that does not grow with the number of tenants."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan import operations
from routing import directory
from routing.actions.directory import do_update_authority
from routing.models import Authority, Category
from tenants.models import Tenant, TenantKind
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db


def declared(tenant: Tenant) -> tuple[list[str], str, int | None]:
    authority = Authority.objects.get(tenant=tenant)
    return (
        sorted(authority.categories.values_list("key", flat=True)),
        authority.coverage_code,
        authority.higher_id,
    )


def test_aduan_migrate_declares_the_tenants_made_before_the_directory(
    tenant_factory: TenantFactory,
) -> None:
    # Given a regency with its Disdukcapil and a village, made before the directory existed
    # (no declarations), and a regency admin's adjusted declaration elsewhere
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    dukcapil = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="33.01", parent=regency)
    village = tenant_factory(region_code="33.01.09.2014", parent=regency)
    expected = {t.pk: declared(t) for t in (regency, dukcapil, village)}
    adjusted = tenant_factory(kind=TenantKind.OPD, region_code="33.01", parent=regency)
    do_update_authority(
        tenant=adjusted, category_keys=["ktp-el"], coverage_code="33.01.09", actor=None
    )
    Authority.objects.filter(tenant__in=[regency, dukcapil, village]).delete()
    # When the operator deploys
    lines: list[str] = []
    operations.migrate(out=lines.append, workers=1)
    # Then each has its kind's defaults again, the adjusted one is left as it was
    assert {t.pk: declared(t) for t in (regency, dukcapil, village)} == expected
    assert declared(adjusted) == (["ktp-el"], "33.01.09", None)
    assert (
        "Authority directory: 0 categories updated, 3 tenants declared with their kind's"
        " defaults." in lines
    )
    # And the next deploy has nothing to declare and says nothing about it
    lines.clear()
    operations.migrate(out=lines.append, workers=1)
    assert not [line for line in lines if line.startswith("Authority directory")]


def test_with_nothing_to_do_the_directory_costs_two_queries_at_any_fleet_size(
    tenant_factory: TenantFactory,
) -> None:
    # Given a handful of declared tenants
    for _ in range(5):
        tenant_factory()
    # When the deploy step runs with nothing to do
    with CaptureQueriesContext(connection) as queries:
        report = directory.ensure_directory()
    # Then it wrote nothing, with one read of the catalogue and one of the undeclared tenants
    assert (report.categories_written, report.tenants_declared) == (0, 0)
    assert len(queries) == 2
    assert "authority" in queries[1]["sql"].lower()


def test_a_changed_catalogue_file_is_applied_by_the_deploy(tenant_factory: TenantFactory) -> None:
    # Given a category whose stored keywords drifted from the shipped catalogue
    Category.objects.filter(key="ktp-el").update(keywords=["lama"])
    shipped = next(r for r in directory.catalogue_rows() if r["key"] == "ktp-el")
    # When the deploy step runs
    report = directory.ensure_directory()
    # Then exactly that category was rewritten from the file
    assert report.categories_written == 1
    assert Category.objects.get(key="ktp-el").keywords == shipped["keywords"]
