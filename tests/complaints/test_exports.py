"""Register exports (complaints.actions.exports): CSV, XLSX and the complaint book (PDF) with
the register's filters and the user's permissions; WBS never; identities only for roles that
may see them; large exports as a job with progress; downloads only for the requester."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context
from pypdf import PdfReader

from aduan import envelope, operations
from complaints import exports as export_files
from complaints.actions import exports
from complaints.public.models import Export, ExportStatus
from complaints.tasks import run_export
from tenants.models import Role, Tenant, TenantKind
from tests.bulk import copy_complaints
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, run_jobs, sign_in

pytestmark = pytest.mark.django_db


def ask(client: TenantClient, tenant: Tenant, kind: str, **filters: str) -> Any:
    return client.post(
        "/api/v1/exports/", {"kind": kind, "filters": filters},
        content_type="application/json", tenant=tenant,
    )  # fmt: skip


def download(client: TenantClient, tenant: Tenant, export_id: int) -> bytes:
    response = client.get(f"/api/v1/exports/{export_id}/download/", tenant=tenant)
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_csv_export_follows_the_filters_and_hides_wbs_and_identities(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given complaints about a bridge and a market, an anonymous one, and a WBS report
    tenant = tenant_factory()
    file_complaint(tenant, subject="Jembatan putus", name="Budi Santoso")
    file_complaint(tenant, subject="Jembatan retak", name="Dewi Lestari", is_anonymous=True)
    file_complaint(tenant, subject="Pasar becek")
    file_complaint(tenant, subject="Jembatan pungli", is_wbs=True, name="Pelapor")
    # When an officer (who may see identities, and WBS as a WBS officer too) exports "jembatan"
    sign_in(tenant_client, make_member(tenant, Role.OFFICER, Role.WBS_OFFICER))
    response = ask(tenant_client, tenant, "csv", q="jembatan", sort="number")
    # Then the export is done at once and holds the two bridge complaints, never the WBS one
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["total"], body["percent"]) == ("done", 2, 100)
    rows = csv_rows(download(tenant_client, tenant, body["id"]))
    header, data = rows[0], rows[1:]
    assert [r[header.index("Pokok pengaduan")] for r in data] == [
        "Jembatan putus",
        "Jembatan retak",
    ]
    assert [r[header.index("Nama")] for r in data] == ["Budi Santoso", "Dewi Lestari"]
    # When an answer team member (no identity role) exports the same
    sign_in(tenant_client, make_member(tenant, Role.ANSWER_TEAM))
    body = ask(tenant_client, tenant, "csv", q="jembatan").json()
    rows = csv_rows(download(tenant_client, tenant, body["id"]))
    # Then no identity column at all, and no name anywhere
    assert "Nama" not in rows[0] and len(rows) == 3
    assert "Budi" not in str(rows) and "Dewi" not in str(rows)


def test_xlsx_and_the_printable_book_hold_the_period(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    file_complaint(tenant, subject="Lampu jalan mati")
    file_complaint(tenant, subject="Saluran mampet")
    sign_in(tenant_client, make_member(tenant, Role.HEAD))
    # When the head exports the register as XLSX and prints the book of this year
    xlsx = ask(tenant_client, tenant, "xlsx").json()
    book = ask(tenant_client, tenant, "book", year="2026").json()
    # Then the workbook holds both complaints
    with zipfile.ZipFile(io.BytesIO(download(tenant_client, tenant, xlsx["id"]))) as workbook:
        sheet = " ".join(workbook.read(name).decode() for name in workbook.namelist())
    assert "Lampu jalan mati" in sheet and "Saluran mampet" in sheet
    # and the book is a PDF with its title, period and rows
    response = tenant_client.get(f"/api/v1/exports/{book['id']}/download/", tenant=tenant)
    assert response["Content-Type"] == "application/pdf"
    assert "buku-pengaduan" in response["Content-Disposition"]
    pdf = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "BUKU PENGADUAN" in text and "Tahun 2026" in text and "Lampu jalan mati" in text


def test_a_large_export_runs_as_a_job_and_records_its_progress(
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given 12 complaints, and (to keep the test small) a job for more than 5 rows, progress
    # every 4 rows
    monkeypatch.setattr(exports, "INLINE_LIMIT", 5)
    monkeypatch.setattr(export_files, "PROGRESS_EVERY", 4)
    tenant = tenant_factory()
    for i in range(12):
        file_complaint(tenant, subject=f"Aduan {i}")
    sign_in(tenant_client, make_member(tenant, Role.OFFICER))
    # When the officer asks for an export
    with django_capture_on_commit_callbacks(execute=True):
        body = ask(tenant_client, tenant, "csv").json()
    # Then it is queued, not downloadable yet, and the page shows its bar
    assert (body["status"], body["total"], body["download_url"]) == ("queued", 12, None)
    early = tenant_client.get(f"/api/v1/exports/{body['id']}/download/", tenant=tenant)
    assert early.status_code == 404
    page = tenant_client.get("/console/ekspor/", tenant=tenant).content.decode()
    assert f'id="export-{body["id"]}"' in page and 'http-equiv="refresh"' in page
    # When the job runs
    assert run_jobs(run_export) == 1
    with schema_context(tenant.schema_name):
        export = Export.objects.get(pk=body["id"])
    assert (export.status, export.done, export.total) == (ExportStatus.DONE, 12, 12)
    # and it is downloadable, with all 12 rows
    assert len(csv_rows(download(tenant_client, tenant, export.pk))) == 13


def test_progress_is_visible_while_the_export_is_written(tenant_factory: TenantFactory) -> None:
    # Given 9 complaints and an export written 4 rows at a time
    tenant = tenant_factory()
    officer = make_member(tenant, Role.OFFICER)
    for i in range(9):
        file_complaint(tenant, subject=f"Aduan {i}")
    seen: list[tuple[int, int, int]] = []
    with schema_context(tenant.schema_name):
        export = Export.objects.create(
            tenant=tenant, requested_by=officer, kind="csv", filters={},
            created_at=timezone.now(),
        )  # fmt: skip

        def watch(done: int, total: int) -> None:
            # What the page would read now, from another query
            seen.append((done, total, Export.objects.get(pk=export.pk).done))

        original = export_files.PROGRESS_EVERY
        export_files.PROGRESS_EVERY = 4
        try:
            exports.do_run_export(export_id=export.pk, progress=watch)
        finally:
            export_files.PROGRESS_EVERY = original
    # Then the row said 4, 8, then 9 of 9 as the file was written
    assert seen == [(4, 9, 4), (8, 9, 8), (9, 9, 9)]


def test_downloads_are_for_the_requester_only_and_bad_input_changes_nothing(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant, other_tenant = tenant_factory(), tenant_factory()
    file_complaint(tenant)
    sign_in(tenant_client, make_member(tenant, Role.OFFICER))
    mine = ask(tenant_client, tenant, "csv").json()
    # An unknown format and an invalid filter are refused, with no export stored
    bad_kind = ask(tenant_client, tenant, "docx")
    bad_filter = ask(tenant_client, tenant, "csv", year="abc")
    assert (bad_kind.status_code, bad_filter.status_code) == (400, 400)
    assert bad_kind.json()["code"] == "complaints.invalid_export"
    assert Export.objects.count() == 1
    # Another officer of the same tenant, and staff of another tenant, get "not found"
    sign_in(tenant_client, make_member(tenant, Role.OFFICER))
    for url in (f"/api/v1/exports/{mine['id']}/", f"/api/v1/exports/{mine['id']}/download/"):
        assert tenant_client.get(url, tenant=tenant).status_code == 404
    assert (
        tenant_client.get(f"/console/ekspor/{mine['id']}/unduh/", tenant=tenant).status_code == 404
    )
    assert tenant_client.get("/api/v1/exports/", tenant=tenant).json() == []
    sign_in(tenant_client, make_member(other_tenant, Role.OFFICER))
    assert (
        tenant_client.get(f"/api/v1/exports/{mine['id']}/", tenant=other_tenant).status_code == 404
    )


def test_the_register_page_links_to_an_export_of_what_it_shows(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    file_complaint(tenant, subject="Jembatan putus")
    file_complaint(tenant, subject="Pasar becek")
    sign_in(tenant_client, make_member(tenant, Role.OFFICER))
    register = tenant_client.get("/console/pengaduan/?q=jembatan", tenant=tenant).content.decode()
    assert '/console/ekspor/?q=jembatan" id="export-link"' in register
    page = tenant_client.get("/console/ekspor/?q=jembatan", tenant=tenant).content.decode()
    assert 'name="q" value="jembatan"' in page
    posted = tenant_client.post("/console/ekspor/", {"q": "jembatan", "kind": "csv"}, tenant=tenant)
    assert posted.status_code == 302
    export = Export.objects.get()
    assert (export.filters, export.total, export.status) == ({"q": "jembatan"}, 1, "done")
    assert posted["Location"].endswith(f"/console/ekspor/?export={export.pk}")
    listed = tenant_client.get("/console/ekspor/", tenant=tenant).content.decode()
    assert f"/console/ekspor/{export.pk}/unduh/" in listed


def test_the_cli_writes_an_export_with_its_progress(
    tenant_factory: TenantFactory, tmp_path: Path
) -> None:
    tenant = tenant_factory()
    officer = make_member(tenant, Role.OFFICER)
    file_complaint(tenant, subject="Jembatan putus")
    lines: list[str] = []
    target = operations.export_register(
        tenant=tenant.slug, user=officer.username, kind="csv", filters={"q": "jembatan"},
        output=tmp_path / "out.csv", out=lines.append,
    )  # fmt: skip
    assert lines == [f"1 rows written to {target}"]
    assert csv_rows(target.read_bytes())[1][3] == "Jembatan putus"


@pytest.mark.slow
def test_an_export_of_10000_rows_runs_as_a_job_with_its_progress(
    tenant_factory: TenantFactory, tenant_client: TenantClient, committed: None
) -> None:
    # Committed, as in production: the worker reads what the request's transaction wrote.
    # Given a register of 10,000 complaints (10 filed, the rest copied from them in SQL)
    tenant = tenant_factory()
    for i in range(10):
        file_complaint(tenant, subject=f"Aduan {i}", description="Jalan berlubang di dusun.")
    with schema_context(tenant.schema_name):
        copy_complaints(10_000)
    sign_in(tenant_client, make_member(tenant, Role.OFFICER))
    # When an officer asks for the whole register as CSV
    body = ask(tenant_client, tenant, "csv").json()
    # Then it is a job (more than INLINE_LIMIT rows), queued with its bar at 0 on the page
    assert (body["status"], body["total"], body["percent"]) == ("queued", 10_000, 0)
    page = tenant_client.get("/console/ekspor/", tenant=tenant).content.decode()
    assert f'id="export-{body["id"]}"' in page and '<progress value="0" max="100">' in page
    # When the worker runs it
    with CaptureQueriesContext(connection) as queries:
        assert run_jobs(run_export) == 1
    # Then its progress was written on its row as the file grew, every 500 rows, in order
    recorded = [
        int(found.group(1))
        for query in queries.captured_queries
        if query["sql"].startswith(f'UPDATE "{Export._meta.db_table}"')
        and (found := re.search(r'"done" = (\d+)', query["sql"]))
    ]
    assert recorded == sorted(recorded)
    assert sorted(set(recorded)) == [0, *range(export_files.PROGRESS_EVERY, 10_001, 500)]
    # and it is done, at 100 %, and its file holds the header and 10,000 distinct complaints
    done = tenant_client.get(f"/api/v1/exports/{body['id']}/", tenant=tenant).json()
    assert (done["status"], done["done"], done["percent"]) == ("done", 10_000, 100)
    rows = csv_rows(download(tenant_client, tenant, body["id"]))
    assert len(rows) == 10_001
    number = rows[0].index("Nomor")
    assert len({row[number] for row in rows[1:]}) == 10_000


def _menu(client: TenantClient, tenant: Tenant) -> list[str]:
    page = client.get("/console/", tenant=tenant).content.decode()
    start = page.index('id="staff-nav"')
    return [
        part.split('"')[0] for part in page[start : page.index("</nav>", start)].split('href="')[1:]
    ]


def test_the_staff_menu_links_to_exports_for_the_roles_that_may_export(
    tenant_factory: TenantFactory,
) -> None:
    # Given a regency with an officer, an auditor, and a regency admin (who reads no register)
    tenant = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    exports_url = f"/t/{tenant.slug}/console/ekspor/"
    clients = {}
    for role in (Role.OFFICER, Role.AUDITOR, Role.REGENCY_ADMIN):
        clients[role] = TenantClient()
        sign_in(clients[role], make_member(tenant, role))
    # Then the officer's and the auditor's menus link to the exports, and the link opens the
    # form to export the register
    for role in (Role.OFFICER, Role.AUDITOR):
        assert exports_url in _menu(clients[role], tenant), role
        page = clients[role].get(exports_url)
        assert page.status_code == 200
        assert 'name="kind"' in page.content.decode()
    # and the regency admin's menu has no such link, and the page is closed to them
    assert exports_url not in _menu(clients[Role.REGENCY_ADMIN], tenant)
    assert clients[Role.REGENCY_ADMIN].get(exports_url).status_code in (403, 404)


def test_an_export_file_at_rest_is_sealed_and_opens_only_on_download(
    tenant_factory: TenantFactory, tenant_client: TenantClient, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Given a complaint with an identity, exported as CSV by an officer who may see it
    tenant = tenant_factory()
    file_complaint(tenant, subject="Jembatan putus", name="Budi Santoso", phone="081234567890")
    sign_in(tenant_client, make_member(tenant, Role.OFFICER))
    body = ask(tenant_client, tenant, "csv").json()
    export = Export.objects.select_related("tenant").get(pk=body["id"])
    # Then the stored file holds neither the name nor the phone, nor any readable CSV
    stored = (tmp_path / "media" / export.file).read_bytes()
    assert stored.startswith(export_files.FILE_MAGIC)
    for secret in (b"Budi", b"81234567890", b"Jembatan", b"Nama"):
        assert secret not in stored
    # and the requester's download is the plain CSV, with the identity
    rows = csv_rows(download(tenant_client, tenant, export.pk))
    assert rows[1][rows[0].index("Nama")] == "Budi Santoso"
    # and the CLI's copy too
    target = tmp_path / "out.csv"
    operations.export_register(
        tenant=tenant.slug, user=export.requested_by.username, kind="csv", filters={},
        output=target, out=lambda _line: None,
    )  # fmt: skip
    assert "Budi Santoso" in target.read_text(encoding="utf-8-sig")
    # and the sealed file does not open as another export's (it is bound to its own)
    other = Export.objects.create(
        tenant=tenant, requested_by=export.requested_by, kind="csv", filters={}, total=1,
        created_at=timezone.now(), status=ExportStatus.DONE, file=export.file,
    )  # fmt: skip
    with pytest.raises(envelope.SealError):
        export_files.open_export(other)
