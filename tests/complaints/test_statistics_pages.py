"""The statistics' interfaces: the recap API and its bad input, the head's PDF (its extracted
text holds the hand-counted figures), publishing (the batch job and its one run per batch),
the regency roll-up with the fair league table (one query count for any number of tenants,
another regency's tenant not found), the public pages with their open data, and the monthly
report's notice on the first working day."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from pypdf import PdfReader

from aduan import operations
from aduan.db import tenant_db
from aduan.periods import Month
from complaints import tasks
from complaints.actions.statistics import (
    do_publish_statistics,
    do_run_statistics_refresh,
    do_send_monthly_reports,
)
from complaints.models import Complaint
from complaints.public.models import (
    MonthlyReport,
    MonthlyStatistic,
    Notification,
    StatisticsRefresh,
)
from complaints.statistics import regency_rollup
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.complaints.test_statistics import at, seed_march, wib
from tests.factories import TenantFactory, file_complaint, make_member, run_jobs, sign_in

pytestmark = pytest.mark.django_db


def signed_in(tenant: Tenant, *roles: Role) -> TenantClient:
    client = TenantClient()
    sign_in(client, make_member(tenant, *roles))
    return client


def test_the_recap_api_the_pdf_and_the_public_pages_show_the_hand_counted_month(
    tenant_factory: TenantFactory,
) -> None:
    tenant, _made = seed_march(tenant_factory)
    head = signed_in(tenant, Role.HEAD)
    with at(wib(2026, 4, 2)):
        # The recap through the API (validated against the OpenAPI schema by the client)
        recap = head.get("/api/v1/statistics/monthly/?month=2026-03", tenant=tenant)
        assert recap.status_code == 200
        figures = recap.json()
        assert (figures["received"], figures["resolved"], figures["resolved_within_limit"]) == (
            5, 5, 3,
        )  # fmt: skip
        assert figures["within_limit_percent"] == 60.0 and figures["p90_resolution_days"] == 13
        # Bad input: a clear 400 naming the field, in the one error shape, never a 5xx
        for month, code, message in (
            ("2026-05", "period.future_month", "Periode 2026-05 belum berjalan."),
            ("2026-01", "period.before_start",
             "Periode 2026-01 sebelum instansi ini terdaftar di Aduan."),
            ("maret", "period.invalid_month", "Periode harus berbentuk TTTT-BB, misalnya 2026-03."),
        ):  # fmt: skip
            refused = head.get(f"/api/v1/statistics/monthly/?month={month}", tenant=tenant)
            assert (refused.status_code, refused.json()["code"]) == (400, code)
            assert refused.json()["extra"]["fields"] == {"month": [message]}
            page = head.get(f"/console/statistik/?month={month}", tenant=tenant)
            assert page.status_code == 400 and message in page.content.decode()
        # The head's PDF: Bahasa Indonesia, the tenant's name, the period and the figures
        pdf = head.get("/console/statistik/laporan.pdf?month=2026-03", tenant=tenant)
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        text = " ".join(text.split())
        assert tenant.name in text and "Periode: Maret 2026" in text
        for expected in (
            # Every count by its label, never its key
            "Status di akhir bulan",
            "Selesai 4",
            "Belum lengkap: menunggu kelengkapan dari pengadu 1",
            "Situs web 2",
            "Tatap muka 1",
            "Menurut urgensi",
            "Tinggi 1",
            "Pengaduan diterima 5",
            "Lengkap / belum lengkap 4 / 1",
            "Selesai dalam batas waktu 3 (60,0 %)",
            "Median waktu penyelesaian 5,0 hari kerja",
            "Persentil ke-90 waktu penyelesaian 13 hari kerja",
            "Dibuka kembali 1",
            "Penilaian kepuasan 4,0 (2 penilaian)",
            "Laporan WBS 1",
        ):
            assert expected in text, expected
        assert "F rahasia" not in text
        for raw in ("closed", "incomplete", "desk", "whatsapp", "medium"):
            assert f" {raw} " not in f" {text} ", raw
        # The dashboard page: the recap of the chosen month with its charts, keys by label
        page = head.get("/console/statistik/?month=2026-03", tenant=tenant)
        assert page.status_code == 200
        html = page.content.decode()
        assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
        assert "Selesai dalam batas waktu" in html and "60,0 %" in html
        assert "<td>Belum lengkap: menunggu kelengkapan dari pengadu</td><td>1</td>" in html
        assert "<td>Tatap muka</td><td>1</td>" in html
        assert ">closed<" not in html and ">incomplete<" not in html and ">desk<" not in html
        # The same page in English: the SOP's English state names, the channels' English
        head.cookies["django_language"] = "en"
        english = head.get("/console/statistik/?month=2026-03", tenant=tenant).content.decode()
        head.cookies["django_language"] = "id"
        assert "<td>Incomplete: waiting for the complainant</td><td>1</td>" in english
        assert "<td>Closed</td><td>4</td>" in english
        assert "<td>Face to face</td><td>1</td>" in english
        # The SP4N-LAPOR! recap: the month's complaints by source, with the first response
        recap_csv = head.get("/console/statistik/rekap-lapor.csv?month=2026-03", tenant=tenant)
        rows = list(csv.DictReader(io.StringIO(recap_csv.content.decode())))
        # Headers and values for people: labels, not keys
        assert list(rows[0]) == ["Nomor", "Sumber", "Kanal", "Status", "Diterima",
                                 "Jam sampai tanggapan pertama"]  # fmt: skip
        assert sorted(r["Kanal"] for r in rows) == [
            "SMS", "Situs web", "Situs web", "Tatap muka", "WhatsApp",
        ]  # fmt: skip
        assert {r["Sumber"] for r in rows} == {"Kanal sendiri"}
        assert {r["Status"] for r in rows} == {
            "Selesai", "Belum lengkap: menunggu kelengkapan dari pengadu",
        }  # fmt: skip
        a_row = next(r for r in rows if r["Nomor"] == _made["A"].number)
        # filed Monday 9:00, answered Tuesday 9:00
        assert a_row["Jam sampai tanggapan pertama"] == "24.0"
        # Nothing is public before the job published it
        public = TenantClient().get("/api/v1/statistics/public/", tenant=tenant)
        assert public.json()["months_published"] == [] and public.json()["figures"] is None
        do_publish_statistics(tenant=tenant, months=[Month(2026, 3), Month(2026, 4)])
        public = TenantClient().get("/api/v1/statistics/public/", tenant=tenant)
        # The current month is for the roll-up; the public sees complete months only
        assert public.json()["months_published"] == ["2026-03"]
        assert public.json()["figures"]["resolved_within_limit"] == 3
        assert public.json()["figures"]["wbs_reports"] == 1
        assert "F rahasia" not in public.content.decode()
        open_data = TenantClient().get("/statistik/data.csv?month=2026-03", tenant=tenant)
        table = list(csv.reader(io.StringIO(open_data.content.decode())))
        assert table[0] == ["Kode", "Uraian", "Nilai"]
        values = {key: value for key, _label, value in table[1:]}
        labels = {key: label for key, label, _value in table[1:]}
        assert values["received"] == "5" and values["by_channel.whatsapp"] == "1"
        assert values["trend.2026-03.resolved"] == "5"
        assert labels["by_channel.desk"] == "Menurut kanal: Tatap muka"
        assert labels["by_state_at_month_end.incomplete"] == (
            "Status di akhir bulan: Belum lengkap: menunggu kelengkapan dari pengadu"
        )
        page = TenantClient().get("/statistik/?month=2026-03", tenant=tenant)
        assert page.status_code == 200 and "Maret 2026" in page.content.decode()
        assert "<td>Selesai</td><td>4</td>" in page.content.decode()
        missing = TenantClient().get("/api/v1/statistics/public/?month=2026-02", tenant=tenant)
        assert (missing.status_code, missing.json()["code"]) == (404, "statistics.not_published")
        # The landing page links to the public statistics
        home = TenantClient().get("/", tenant=tenant)
        assert 'href="' in home.content.decode() and 'id="statistics-link"' in home.content.decode()


def _published(tenant: Tenant, month: Month, resolved: int, within: int) -> None:
    """A published row as the job writes it, with the headline numbers of a test case."""
    tenant_db.set_schema_to_public()
    MonthlyStatistic.objects.update_or_create(
        tenant=tenant, year=month.year, month=month.month,
        defaults={"received": resolved, "resolved": resolved,
                  "resolved_within_limit": within, "figures": {},
                  "overdue": [{"number": f"{tenant.slug}/1", "state": "received",
                               "state_label": {"id": "Diterima petugas",
                                               "en": "Received by staff"},
                               "due_at": "2026-03-04T16:59:59+00:00"}],
                  "overdue_open": 1, "refreshed_at": wib(2026, 4, 1)},
    )  # fmt: skip


def test_the_roll_up_ranks_fairly_in_constant_queries_and_hides_other_regencies(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    with at(wib(2026, 1, 5)):
        regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
        agency = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="33.01", parent=regency)
        lucky = tenant_factory(kind=TenantKind.PEMDES, region_code="33.01.09.2014")
        elsewhere = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05")
    march = Month(2026, 3)
    _published(agency, march, resolved=100, within=95)
    _published(lucky, march, resolved=1, within=1)
    _published(elsewhere, march, resolved=10, within=10)
    with at(wib(2026, 4, 2)):
        rollup = regency_rollup(regency, march)
        by_slug = {row.slug: row for row in rollup.rows}
        # The 95-of-100 agency is ranked; the 1-of-1 village is shown with its interval but
        # below the minimum volume, never on top; another regency's tenant is not there
        assert by_slug[agency.slug].rank == 1
        assert (by_slug[agency.slug].wilson_low, by_slug[agency.slug].wilson_high) == (
            0.888, 0.978,
        )  # fmt: skip
        assert by_slug[lucky.slug].rank is None
        assert by_slug[lucky.slug].within_limit_percent == 100.0
        assert (by_slug[lucky.slug].wilson_low, by_slug[lucky.slug].wilson_high) == (0.207, 1.0)
        assert rollup.rows[0].slug == agency.slug
        assert elsewhere.slug not in by_slug and not by_slug[regency.slug].published
        assert [item["number"] for item in rollup.overdue] == [f"{agency.slug}/1",
                                                               f"{lucky.slug}/1"]  # fmt: skip
        # A constant number of queries, whatever the number of tenants
        with CaptureQueriesContext(connection) as few:
            regency_rollup(regency, march, sort="-received")
        for number in range(4):
            extra = tenant_factory(kind=TenantKind.PEMDES, region_code="33.01.09.2014",
                                   slug=f"desa-tambahan-{number}")  # fmt: skip
            _published(extra, march, resolved=3, within=2)
        with CaptureQueriesContext(connection) as many:
            regency_rollup(regency, march, sort="-received")
        assert len(many) == len(few) == 3
        # Through the API: the regency admin sees it; asking for another regency is not found
        admin = make_member(regency, Role.REGENCY_ADMIN)
        sign_in(tenant_client, admin)
        seen = tenant_client.get(f"/api/v1/regencies/{regency.slug}/statistics/?month=2026-03")
        assert seen.status_code == 200 and seen.json()["rows"][0]["slug"] == agency.slug
        other = tenant_client.get(f"/api/v1/regencies/{elsewhere.slug}/statistics/?month=2026-03")
        assert other.status_code == 404
        future = tenant_client.get(f"/api/v1/regencies/{regency.slug}/statistics/?month=2026-06")
        assert (future.status_code, future.json()["code"]) == (400, "period.future_month")
        garbled = tenant_client.get(f"/api/v1/regencies/{regency.slug}/statistics/?month=03-2026")
        assert garbled.json()["extra"]["fields"] == {
            "month": ["Periode harus berbentuk TTTT-BB, misalnya 2026-03."]
        }
        bad_page = tenant_client.get(f"/api/v1/regencies/{regency.slug}/statistics/?page=0")
        assert (bad_page.status_code, bad_page.json()["code"]) == (400, "period.invalid_page")
        assert list(bad_page.json()["extra"]["fields"]) == ["page"]
        # Paged, the sort still over every row: 7 rows, 2 a page, the agency first
        paged = tenant_client.get(
            f"/api/v1/regencies/{regency.slug}/statistics/?month=2026-03&page_size=2&page=1"
        ).json()
        assert (paged["count"], paged["pages"], len(paged["rows"])) == (7, 4, 2)
        assert paged["rows"][0]["slug"] == agency.slug
        whole = tenant_client.get(
            f"/api/v1/regencies/{regency.slug}/statistics/?month=2026-03&page_size=500"
        ).json()
        pages = [
            tenant_client.get(
                f"/api/v1/regencies/{regency.slug}/statistics/?month=2026-03&page_size=2&page={n}"
            ).json()["rows"]
            for n in (1, 2, 3, 4)
        ]
        assert [row["slug"] for page in pages for row in page] == [
            row["slug"] for row in whole["rows"]
        ]
        bad_sort = tenant_client.get(f"/api/v1/regencies/{regency.slug}/statistics/?sort=x")
        assert (bad_sort.status_code, bad_sort.json()["code"]) == (400, "statistics.invalid_sort")
        page = tenant_client.get(f"/console/regencies/{regency.slug}/statistik/?month=2026-03")
        assert page.status_code == 200 and "0,888 \N{EN DASH} 0,978" in page.content.decode()
        # The overdue list names each step as its tenant's SOP does, never by its key
        assert "<td>Diterima petugas</td>" in page.content.decode()
        assert "<td>received</td>" not in page.content.decode()
        # The regency HEAD (not only its admin): a link from the first page, the roll-up on
        # the regency government's own host, page and API
        head = signed_in(regency, Role.HEAD)
        first = head.get("/console/", tenant=regency).content.decode()
        assert 'id="regency-rollup-shortcut"' in first
        mine = head.get("/console/statistik/kabupaten/?month=2026-03", tenant=regency)
        assert mine.status_code == 200
        assert "0,888 \N{EN DASH} 0,978" in mine.content.decode()
        assert agency.name in mine.content.decode() and elsewhere.name not in mine.content.decode()
        api = head.get("/api/v1/statistics/regency/?month=2026-03", tenant=regency)
        assert api.status_code == 200 and api.json()["rows"][0]["slug"] == agency.slug
        assert api.json()["overdue"][0]["state_label"]["en"] == "Received by staff"
        refused = head.get("/api/v1/statistics/regency/?month=2027-01", tenant=regency)
        assert (refused.status_code, refused.json()["code"]) == (400, "period.future_month")
        # An agency's head has no roll-up (404) and no link; the regency's officer neither
        agency_head = signed_in(agency, Role.HEAD)
        assert agency_head.get("/console/statistik/kabupaten/", tenant=agency).status_code == 404
        assert agency_head.get("/api/v1/statistics/regency/", tenant=agency).status_code == 404
        assert (
            'id="regency-rollup-shortcut"'
            not in agency_head.get("/console/", tenant=agency).content.decode()
        )
        officer = signed_in(regency, Role.OFFICER)
        assert officer.get("/console/statistik/kabupaten/", tenant=regency).status_code == 404
        # The public regency page: figures, no overdue list
        public = TenantClient().get(f"/api/v1/statistics/regencies/{regency.slug}/?month=2026-03")
        assert public.status_code == 200 and public.json()["overdue"] == []
        assert public.json()["rows"][0]["rank"] == 1


def test_a_batch_of_changes_publishes_once(
    tenant_factory: TenantFactory, django_capture_on_commit_callbacks: Any
) -> None:
    with at(wib(2026, 3, 2)):
        tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
        broker = tasks.publish_statistics.broker
        delayed = broker.queues.get("statistics.DQ")
        before = delayed.qsize() if delayed is not None else 0
        with django_capture_on_commit_callbacks(execute=True):
            file_complaint(tenant, subject="Satu")
            file_complaint(tenant, subject="Dua")
        # (a filing's refresh is asked for by its follow-up job, in the worker)
        with django_capture_on_commit_callbacks(execute=True):
            assert run_jobs(tasks.after_filing) == 2
        # Then one delayed job for the batch
        assert broker.queues["statistics.DQ"].qsize() == before + 1
        # When it runs, the month is published (and the next change starts a new batch)
        tasks.publish_statistics(tenant.schema_name)
        tenant_db.set_schema_to_public()
        row = MonthlyStatistic.objects.get(tenant=tenant, year=2026, month=3)
        assert (row.received, row.resolved) == (2, 0)
        with django_capture_on_commit_callbacks(execute=True):
            file_complaint(tenant, subject="Tiga")
        with django_capture_on_commit_callbacks(execute=True):
            run_jobs(tasks.after_filing)
        assert broker.queues["statistics.DQ"].qsize() == before + 2


def test_the_heads_are_sent_the_report_on_the_first_working_day_once(
    tenant_factory: TenantFactory,
) -> None:
    with at(wib(2026, 11, 2)):
        tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    head = make_member(tenant, Role.HEAD)
    make_member(tenant, Role.OFFICER)
    # 1 January 2027 is New Year's Day (a Friday): the first working day is Monday 4
    with at(wib(2027, 1, 1, 7)):
        assert do_send_monthly_reports() == []
    with at(wib(2027, 1, 4, 7)):
        sent = do_send_monthly_reports()
        again = do_send_monthly_reports()
    assert sent == [(tenant.schema_name, head.pk)] and again == []
    tenant_db.set_schema_to_public()
    report = MonthlyReport.objects.get(tenant=tenant)
    assert (report.period, report.recipients[0]["user_id"]) == ("2026-12", head.pk)
    notice = Notification.objects.get(kind="monthly_report")
    assert notice.recipient_id == head.pk
    assert notice.title == "Laporan bulanan pengaduan Desember 2026"
    assert notice.url == f"/console/statistik/laporan-terkirim/{report.pk}.pdf"
    assert notice.attachment == report.file
    # The head sees what was sent and downloads that very PDF; another tenant's head cannot
    client = signed_in(tenant, Role.HEAD)
    listed = client.get("/console/statistik/laporan-terkirim/", tenant=tenant).content.decode()
    assert 'id="sent-2026-12"' in listed and "Desember 2026" in listed
    pdf = client.get(notice.url, tenant=tenant)
    body = b"".join(pdf.streaming_content)  # type: ignore[attr-defined]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "Periode: Desember 2026" in " ".join(text.split())
    api = client.get("/api/v1/statistics/reports/", tenant=tenant).json()
    assert [r["month"] for r in api] == ["2026-12"] and api[0]["download_url"].endswith(notice.url)
    tenant_db.set_schema_to_public()
    other = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="62.05")
    stranger = signed_in(other, Role.HEAD)
    assert stranger.get(notice.url, tenant=other).status_code == 404
    assert stranger.get("/api/v1/statistics/reports/", tenant=other).json() == []
    bad = client.get("/api/v1/statistics/reports/?page=x", tenant=tenant)
    assert (bad.status_code, bad.json()["code"]) == (400, "period.invalid_page")


def test_a_liaison_reads_the_lapor_recap_but_not_the_dashboard(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    liaison = signed_in(tenant, Role.LIAISON)
    assert liaison.get("/api/v1/statistics/lapor-recap/", tenant=tenant).status_code == 200
    assert liaison.get("/api/v1/statistics/monthly/", tenant=tenant).status_code == 404
    data = liaison.get("/api/v1/statistics/lapor-recap/", tenant=tenant).json()
    assert json.dumps(data) == "[]"


def test_the_berita_acara_is_rendered_from_the_review_step(tenant_factory: TenantFactory) -> None:
    # Given a village complaint at its review meeting (seed 004)
    tenant = tenant_factory()
    head = signed_in(tenant, Role.HEAD)
    complaint = file_complaint(tenant, subject="Jalan desa berlubang")
    steps: list[tuple[str, dict[str, Any]]] = [
        ("give_receipt", {}),
        ("verify", {"note": "Identitas dan objek jelas"}),
        ("classify", {"classification": "public_service", "urgency": "high"}),
        ("forward", {"official": "kaur", "official_name": "Bapak Darto"}),
        ("schedule_review", {"meeting_date": "2026-11-27"}),
    ]
    officer = signed_in(tenant, Role.OFFICER, Role.LIAISON)
    for step, inputs in steps:
        taken = officer.post(f"/api/v1/complaints/{complaint.pk}/transitions/",
                             json.dumps({"transition": step, "inputs": inputs}),
                             content_type="application/json", tenant=tenant)  # fmt: skip
        assert taken.status_code == 200, taken.json()
    # Before the meeting is recorded there is nothing to print
    early = head.get(f"/console/pengaduan/{complaint.pk}/berita-acara.pdf", tenant=tenant)
    assert early.status_code == 409
    # When the head records the meeting's findings
    recorded = head.post(
        f"/api/v1/complaints/{complaint.pk}/transitions/",
        json.dumps({"transition": "record_review", "inputs": {
            "meeting_date": "2026-11-27", "participants": "Kepala Desa, Kaur, Sekretaris Desa",
            "truth": "Benar: lubang 1 m di depan balai desa", "completeness": "Lengkap",
            "root_cause": "Drainase tersumbat", "outcome_kind": "corrective",
            "recommendation": "Perbaiki drainase dan tambal jalan",
        }}),
        content_type="application/json", tenant=tenant,
    )  # fmt: skip
    assert recorded.status_code == 200, recorded.json()
    # Then the berita acara holds them, in Bahasa Indonesia, and the complaint page links it
    pdf = head.get(f"/console/pengaduan/{complaint.pk}/berita-acara.pdf", tenant=tenant)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    for expected in ("BERITA ACARA RAPAT PEMBAHASAN PENGADUAN", complaint.number,
                     "Tanggal rapat 2026-11-27", "Akar masalah Drainase tersumbat",
                     "Jenis rekomendasi Tindakan korektif", "Pimpinan rapat"):  # fmt: skip
        assert expected in text, expected
    assert "Siti Aminah" not in text
    page = head.get(f"/console/pengaduan/{complaint.pk}/", tenant=tenant)
    assert 'id="berita-acara-link"' in page.content.decode()
    # And the outcome step (the signed scan) follows as before, from the same state
    with schema_context(tenant.schema_name):
        assert Complaint.objects.get(pk=complaint.pk).state == "review_meeting"


def test_a_regency_re_run_shows_progress_in_the_cli(tenant_factory: TenantFactory) -> None:
    with at(wib(2026, 1, 5)):
        regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
        village = tenant_factory(kind=TenantKind.PEMDES, region_code="33.01.09.2014")
    lines: list[str] = []
    with at(wib(2026, 3, 20)):
        file_complaint(village, subject="Lampu jalan mati")
        assert operations.publish_statistics(regency_slug=regency.slug, months=12,
                                             out=lines.append) == 0  # fmt: skip
        assert operations.publish_statistics(regency_slug="tidak-ada", out=lines.append) == 1
    # January to March for each of the two tenants (nothing before they joined), in name order
    first, second = sorted([regency, village], key=lambda t: (t.name, t.pk))
    assert [line.split(" (")[0] for line in lines[:-2]] == [
        f"[1/6] {first.slug}", f"[2/6] {first.slug}", f"[3/6] {first.slug}",
        f"[4/6] {second.slug}", f"[5/6] {second.slug}", f"[6/6] {second.slug}",
    ]  # fmt: skip
    assert lines[-2:] == ["published 6 months of 2 tenants", "no tenant 'tidak-ada'"]
    tenant_db.set_schema_to_public()
    assert MonthlyStatistic.objects.get(tenant=village, year=2026, month=3).received == 1
    # The run is recorded like a page's, done
    refresh = StatisticsRefresh.objects.get(tenant=regency)
    assert (refresh.regency, refresh.status, refresh.done, refresh.total) == (True, "done", 6, 6)


def test_a_re_publication_is_a_job_whose_progress_the_page_shows(
    tenant_factory: TenantFactory, django_capture_on_commit_callbacks: Any
) -> None:
    with at(wib(2026, 1, 5)):
        tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    head = signed_in(tenant, Role.HEAD)
    with at(wib(2026, 3, 20)):
        file_complaint(tenant, subject="Blanko KTP habis")
        # When the head asks for the twelve months again (a holiday was added, say)
        with django_capture_on_commit_callbacks(execute=True):
            asked = head.post("/console/statistik/", tenant=tenant)
        assert asked.status_code == 302
        progress_url = asked["Location"]
        tenant_db.set_schema_to_public()
        refresh = StatisticsRefresh.objects.get(tenant=tenant)
        # Then it is queued (January to March: the tenant's life), the page polls it
        assert (refresh.status, refresh.total, refresh.months[-1]) == ("queued", 3, "2026-03")
        assert progress_url.endswith(f"/console/statistik/penerbitan/{refresh.pk}/")
        progress_url = f"/console/statistik/penerbitan/{refresh.pk}/"
        waiting = head.get(progress_url, tenant=tenant).content.decode()
        assert 'http-equiv="refresh"' in waiting and f'id="refresh-{refresh.pk}"' in waiting
        assert "0 dari 3 bulan-instansi" in waiting
        # The job writes its progress month by month, where the page reads it
        seen: list[tuple[int, int]] = []

        def watch(done: int, total: int, slug: str) -> None:
            seen.append((done, StatisticsRefresh.objects.get(pk=refresh.pk).done))

        do_run_statistics_refresh(refresh_id=refresh.pk, progress=watch)
        assert seen == [(1, 1), (2, 2), (3, 3)]
        # and the queued job finds it done and leaves it (idempotent)
        assert run_jobs(tasks.run_statistics_refresh) == 1
        finished = head.get(progress_url, tenant=tenant).content.decode()
        assert 'http-equiv="refresh"' not in finished and "3 dari 3 bulan-instansi" in finished
        tenant_db.set_schema_to_public()
        assert MonthlyStatistic.objects.get(tenant=tenant, year=2026, month=3).received == 1
        # Through the API: asked, then followed; a future month is a clear 400, no row
        made = head.post("/api/v1/statistics/refreshes/",
                         json.dumps({"months": ["2026-02", "2026-03"]}),
                         content_type="application/json", tenant=tenant)  # fmt: skip
        assert made.status_code == 202 and made.json()["total"] == 2
        followed = head.get(f"/api/v1/statistics/refreshes/{made.json()['id']}/", tenant=tenant)
        assert followed.json()["status"] == "queued"
        future = head.post("/api/v1/statistics/refreshes/", json.dumps({"months": ["2026-09"]}),
                           content_type="application/json", tenant=tenant)  # fmt: skip
        assert (future.status_code, future.json()["code"]) == (400, "period.future_month")
        garbled = head.post("/api/v1/statistics/refreshes/", json.dumps({"months": ["09/2026"]}),
                            content_type="application/json", tenant=tenant)  # fmt: skip
        assert garbled.json()["extra"]["fields"] == {
            "months": ["Periode harus berbentuk TTTT-BB, misalnya 2026-03."]
        }
        # A regency-wide run is refused to an agency (not a regency): not found
        wide = head.post("/api/v1/statistics/refreshes/", json.dumps({"regency": True}),
                         content_type="application/json", tenant=tenant)  # fmt: skip
        assert wide.status_code == 404
        tenant_db.set_schema_to_public()
        assert StatisticsRefresh.objects.filter(tenant=tenant).count() == 2
        # Another tenant's refresh is not found
        tenant_db.set_schema_to_public()
        other = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="62.05")
        stranger = signed_in(other, Role.HEAD)
        assert stranger.get(f"/console/statistik/penerbitan/{refresh.pk}/",
                            tenant=other).status_code == 404  # fmt: skip


def test_the_regency_head_re_publishes_every_tenant_with_progress(
    tenant_factory: TenantFactory, django_capture_on_commit_callbacks: Any
) -> None:
    with at(wib(2026, 1, 5)):
        regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
        village = tenant_factory(kind=TenantKind.PEMDES, region_code="33.01.09.2014")
    head = signed_in(regency, Role.HEAD)
    with at(wib(2026, 2, 10)):
        file_complaint(village, subject="Jalan rusak")
        with django_capture_on_commit_callbacks(execute=True):
            asked = head.post("/console/statistik/kabupaten/", tenant=regency)
        assert asked.status_code == 302
        page = head.get("/console/statistik/kabupaten/", tenant=regency).content.decode()
        assert 'http-equiv="refresh"' in page and "0 dari 4 bulan-instansi" in page
        assert run_jobs(tasks.run_statistics_refresh) == 1
        html = head.get(
            "/console/statistik/kabupaten/?month=2026-02", tenant=regency
        ).content.decode()
        assert 'http-equiv="refresh"' not in html and "4 dari 4 bulan-instansi" in html
        assert f'data-slug="{village.slug}"' in html
    tenant_db.set_schema_to_public()
    assert MonthlyStatistic.objects.get(tenant=village, year=2026, month=2).received == 1
