"""A tenant admin's local holidays: API and page, validation and access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.calendar import calendar_for
from complaints.public.models import LocalHoliday
from tenants.models import Role, Tenant
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, sign_in

pytestmark = pytest.mark.django_db

API = "/api/v1/holidays/"


def test_admin_adds_a_local_holiday_and_the_calendar_skips_it(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a tenant admin
    tenant = tenant_factory()
    sign_in(tenant_client, make_member(tenant, Role.TENANT_ADMIN))
    # When they add the regency's anniversary through the API
    response = tenant_client.post(
        API, {"date": "2026-11-23", "name": "Hari Jadi Cilacap"}, tenant=tenant
    )
    # Then it is stored, listed with the national days off, and the calendar skips it
    assert response.status_code == 201
    assert response.json() == {"date": "2026-11-23", "name": "Hari Jadi Cilacap"}
    listed = tenant_client.get(API, {"year": 2026}, tenant=tenant).json()
    assert listed["zone_label"] == "WIB"
    assert {"date": "2026-11-23", "kind": "local_holiday", "name": "Hari Jadi Cilacap"} in listed[
        "days_off"
    ]
    assert {
        "date": "2026-03-23",
        "kind": "cuti_bersama",
        "name": "Cuti Bersama Hari Raya Idul Fitri",
    } in listed["days_off"]
    # (each request reads the tenant row: its calendar version names the holidays)
    assert calendar_for(Tenant.objects.get(pk=tenant.pk)).day_off(dt.date(2026, 11, 23))


def test_a_process_reads_a_tenants_holidays_once_until_they_change(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a tenant without local holidays, never seen by this process
    tenant = tenant_factory()
    fresh = Tenant.objects.get(pk=tenant.pk)
    assert fresh.calendar_version is None
    # When its calendar is needed, nothing is read
    with CaptureQueriesContext(connection) as reads:
        calendar = calendar_for(fresh)
    assert reads.captured_queries == []
    assert calendar.day_off(dt.date(2026, 11, 23)) is None
    # When the admin adds two holidays (another process: the API)
    sign_in(tenant_client, make_member(tenant, Role.TENANT_ADMIN))
    for day in ("2026-11-23", "2026-11-24"):
        added = tenant_client.post(API, {"date": day, "name": "Hari Jadi"}, tenant=tenant)
        assert added.status_code == 201
    # Then the tenant row read next carries a calendar version, and its calendar has them
    after = Tenant.objects.get(pk=tenant.pk)
    assert after.calendar_version is not None
    assert calendar_for(after).day_off(dt.date(2026, 11, 23)) is not None
    # read once: the next request's row gets the kept calendar without a query
    with CaptureQueriesContext(connection) as reads:
        kept = calendar_for(Tenant.objects.get(pk=tenant.pk))
    assert len(reads.captured_queries) == 1  # the tenant row only
    assert kept.day_off(dt.date(2026, 11, 24)) is not None
    # And removing one renews the version; removing the last leaves none to read
    removed = tenant_client.delete(f"{API}2026-11-23/", tenant=tenant)
    assert removed.status_code == 204
    one_left = Tenant.objects.get(pk=tenant.pk)
    assert one_left.calendar_version not in (None, after.calendar_version)
    assert calendar_for(one_left).day_off(dt.date(2026, 11, 23)) is None
    assert calendar_for(one_left).day_off(dt.date(2026, 11, 24)) is not None
    removed = tenant_client.delete(f"{API}2026-11-24/", tenant=tenant)
    assert removed.status_code == 204
    none_left = Tenant.objects.get(pk=tenant.pk)
    assert none_left.calendar_version is None
    assert calendar_for(none_left).day_off(dt.date(2026, 11, 24)) is None


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"date": "2026-11-23", "name": "   "}, "invalid", "name"),
        ({"date": "2026-12-25", "name": "Natal"}, "holidays.already_off", "date"),
        ({"date": "2026-11-21", "name": "Sabtu"}, "holidays.already_off", "date"),
        ({"date": "1890-11-24", "name": "Kuno"}, "holidays.out_of_range", "date"),
        ({"date": "2026-02-30", "name": "Tidak ada"}, "invalid", "date"),
        ({"name": "Tanpa tanggal"}, "invalid", "date"),
    ],
)
def test_bad_local_holidays_are_refused_with_a_field_error(
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    body: dict[str, str],
    code: str,
    field: str,
) -> None:
    # Given a tenant admin
    tenant = tenant_factory()
    sign_in(tenant_client, make_member(tenant, Role.TENANT_ADMIN))
    # When they send a bad holiday
    response = tenant_client.post(API, body, tenant=tenant)
    # Then it is refused, naming the field, and nothing is stored
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert field in response.json()["extra"]["fields"]
    assert LocalHoliday.objects.filter(tenant=tenant).count() == 0


def test_duplicate_local_holiday_is_refused(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a local holiday
    tenant = tenant_factory()
    sign_in(tenant_client, make_member(tenant, Role.TENANT_ADMIN))
    tenant_client.post(API, {"date": "2026-11-23", "name": "Hari Jadi"}, tenant=tenant)
    # When the same date is added again
    response = tenant_client.post(API, {"date": "2026-11-23", "name": "Lagi"}, tenant=tenant)
    # Then it is refused and the first name stays
    assert response.status_code == 400
    assert response.json()["code"] == "holidays.duplicate"
    assert list(LocalHoliday.objects.filter(tenant=tenant).values_list("name", flat=True)) == [
        "Hari Jadi"
    ]


def test_officer_reads_but_may_not_change_and_strangers_get_404(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a tenant with an officer, and an admin of another tenant
    tenant = tenant_factory()
    other = tenant_factory()
    officer = make_member(tenant, Role.OFFICER)
    stranger = make_member(other, Role.TENANT_ADMIN)
    # When the officer reads and tries to add
    sign_in(tenant_client, officer)
    read = tenant_client.get(API, tenant=tenant)
    write = tenant_client.post(API, {"date": "2026-11-23", "name": "X"}, tenant=tenant)
    page = tenant_client.get("/holidays/", tenant=tenant)
    # Then reading works, writing looks like nothing is there
    assert read.status_code == 200
    assert write.status_code == 404
    assert page.status_code == 200
    assert 'id="add-holiday"' not in page.content.decode()
    # And the other tenant's admin sees nothing of this tenant, by API or page
    sign_in(tenant_client, stranger)
    assert tenant_client.get(API, tenant=tenant).status_code == 404
    assert (
        tenant_client.post(API, {"date": "2026-11-23", "name": "X"}, tenant=tenant).status_code
        == 404
    )
    assert tenant_client.get("/holidays/", tenant=tenant).status_code == 404
    assert tenant_client.delete(f"{API}2026-11-23/", tenant=tenant).status_code == 404
    assert LocalHoliday.objects.count() == 0
    # And anonymous users are refused
    tenant_client.logout()
    assert tenant_client.get(API, tenant=tenant).status_code == 403


def test_admin_adds_and_removes_on_the_page(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a tenant admin on the holidays page
    tenant = tenant_factory()
    sign_in(tenant_client, make_member(tenant, Role.TENANT_ADMIN))
    page = tenant_client.get("/holidays/?year=2026", tenant=tenant)
    assert page.status_code == 200
    assert "Cuti Bersama Hari Raya Idul Fitri" in page.content.decode()
    # When they add a holiday through the form
    added = tenant_client.post(
        "/holidays/", {"date": "2026-11-23", "name": "Hari Jadi"}, tenant=tenant
    )
    # Then they are sent back to that year, where it is listed
    assert added.status_code == 302
    assert added["Location"] == f"/t/{tenant.slug}/holidays/?year=2026"
    assert (
        "Hari Jadi"
        in tenant_client.get(
            added["Location"][len(f"/t/{tenant.slug}") :], tenant=tenant
        ).content.decode()
    )
    # When a bad date is posted, the form shows the error and nothing is stored
    bad = tenant_client.post("/holidays/", {"date": "2026-12-25", "name": "Natal"}, tenant=tenant)
    assert bad.status_code == 400
    assert (
        "Tanggal itu sudah bukan hari kerja: Hari Raya Natal (libur nasional)."
        in bad.content.decode()
    )
    assert LocalHoliday.objects.filter(tenant=tenant).count() == 1
    # When they remove it
    removed = tenant_client.post("/holidays/2026-11-23/remove/", tenant=tenant)
    # Then it is gone
    assert removed.status_code == 302
    assert LocalHoliday.objects.filter(tenant=tenant).count() == 0


def test_removing_through_the_api(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a local holiday
    tenant = tenant_factory()
    sign_in(tenant_client, make_member(tenant, Role.TENANT_ADMIN))
    tenant_client.post(API, {"date": "2026-11-23", "name": "Hari Jadi"}, tenant=tenant)
    # When it is deleted, twice
    first = tenant_client.delete(f"{API}2026-11-23/", tenant=tenant)
    second = tenant_client.delete(f"{API}2026-11-23/", tenant=tenant)
    # Then the first removes it and the second finds nothing
    assert first.status_code == 204
    assert second.status_code == 404
    assert LocalHoliday.objects.filter(tenant=tenant).count() == 0
