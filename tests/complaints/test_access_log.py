"""The access log (issue 19): an entry for each kind of access, none editable, and the
auditor's page, API and CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from complaints.actions.access_log import do_record_access
from complaints.models import AccessKind, AccessLogEntry
from tenants.models import Role, Tenant, User
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db


def client_of(user: User) -> TenantClient:
    client = TenantClient()
    sign_in(client, user)
    return client


def logged(tenant: Tenant) -> list[tuple[str, str, str]]:
    with schema_context(tenant.schema_name):
        return [
            (e.kind, e.complaint_number, e.actor_label)
            for e in AccessLogEntry.objects.order_by("id")
        ]


def test_each_view_of_an_identity_or_a_wbs_report_is_logged_and_others_are_not(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    officer = make_member(tenant, Role.OFFICER, username="ana")
    wbs_officer = make_member(tenant, Role.WBS_OFFICER, username="wira")
    auditor = make_member(tenant, Role.AUDITOR, username="audi")
    named = file_complaint(tenant)
    anonymous = file_complaint(tenant, is_anonymous=True, name="")
    wbs = file_complaint(tenant, is_wbs=True)
    as_officer, as_wbs = client_of(officer), client_of(wbs_officer)
    # When the officer opens the named complaint (page and API), and an auditor (who may not
    # unmask an anonymous complainant) the anonymous one
    assert as_officer.get(f"/console/pengaduan/{named.pk}/", tenant=tenant).status_code == 200
    assert as_officer.get(f"/api/v1/complaints/{named.pk}/", tenant=tenant).status_code == 200
    as_auditor = client_of(auditor)
    assert as_auditor.get(f"/api/v1/complaints/{anonymous.pk}/", tenant=tenant).status_code == 200
    # and the WBS officer opens the WBS report
    assert as_wbs.get(f"/api/v1/complaints/{wbs.pk}/", tenant=tenant).status_code == 200
    # Then two identity views and one WBS view are logged; nothing for the anonymous one
    assert logged(tenant) == [
        ("identity", named.number, "ana"),
        ("identity", named.number, "ana"),
        ("wbs", wbs.number, "wira"),
    ]


def test_every_kind_is_recorded_and_no_entry_can_be_changed_or_removed(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    filed = file_complaint(tenant)
    auditor = make_member(tenant, Role.AUDITOR)
    with schema_context(tenant.schema_name):
        for kind in AccessKind:
            do_record_access(kind=kind, complaint=filed, actor=auditor, reason=f"why {kind}")
        assert sorted(AccessLogEntry.objects.values_list("kind", flat=True)) == sorted(
            AccessKind.values
        )
        entry = AccessLogEntry.objects.first()
        assert entry is not None
        # Not through the ORM, not through plain SQL: the database refuses
        for statement in (
            "UPDATE complaints_accesslogentry SET reason = 'hidden'",
            "DELETE FROM complaints_accesslogentry",
            "TRUNCATE complaints_accesslogentry",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
                cur.execute(statement)
        with pytest.raises(DatabaseError), transaction.atomic():
            entry.reason = "hidden"
            entry.save()
        assert AccessLogEntry.objects.count() == len(AccessKind)
        assert not AccessLogEntry.objects.filter(reason="hidden").exists()


def test_the_auditor_filters_the_log_and_downloads_it_as_csv(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    first, second = file_complaint(tenant), file_complaint(tenant)
    officer = make_member(tenant, Role.OFFICER, username="ana")
    auditor = make_member(tenant, Role.AUDITOR, username="audi")
    with schema_context(tenant.schema_name):
        do_record_access(kind=AccessKind.IDENTITY, complaint=first, actor=officer)
        do_record_access(kind=AccessKind.EXPORT, complaint=None, actor=officer, reason="bulanan")
        do_record_access(kind=AccessKind.IDENTITY, complaint=second, actor=officer)
    as_auditor = client_of(auditor)
    # The API, filtered by kind and by number
    listed = as_auditor.get("/api/v1/access-log/", {"kind": "identity"}, tenant=tenant).json()
    assert [e["complaint_number"] for e in listed["results"]] == [second.number, first.number]
    assert listed["count"] == 2
    by_number = as_auditor.get(
        "/api/v1/access-log/", {"number": first.number}, tenant=tenant
    ).json()
    assert [e["kind"] for e in by_number["results"]] == ["identity"]
    # A bad filter is a 400 in the one error shape, naming the field
    bad = as_auditor.get("/api/v1/access-log/", {"date_from": "kemarin"}, tenant=tenant)
    assert bad.status_code == 400
    assert bad.json()["code"] == "privacy.bad_filter"
    # The CSV (API and page) holds every entry of the filter
    for path in ("/api/v1/access-log/csv/", "/console/log-akses/csv/"):
        response = as_auditor.get(path, {"kind": "export"}, tenant=tenant)
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert [r[1:] for r in rows[1:]] == [["ana", "Ekspor data", "", "bulanan"]]
    # The page, reached from the staff menu
    page = as_auditor.get("/console/log-akses/", tenant=tenant)
    assert page.status_code == 200
    assert first.number in page.content.decode()
    home = as_auditor.get("/console/", tenant=tenant).content.decode()
    assert '/console/log-akses/"' in home
    # An officer (no VIEW_AUDIT) finds nothing there
    as_officer = client_of(officer)
    assert as_officer.get("/api/v1/access-log/", tenant=tenant).status_code in (403, 404)
    assert '/console/log-akses/"' not in as_officer.get("/console/", tenant=tenant).content.decode()
