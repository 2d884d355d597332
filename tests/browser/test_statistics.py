"""Reports and statistics in a real browser, on a phone-sized screen: the officer opens the
dashboard from the staff menu and reads last month's recap; a citizen reaches the public
statistics from the landing page; the regency admin signs in (second factor) and opens the
roll-up from the menu; the heads walk from sign-in to the reports sent to them and to the
regency's roll-up, which they re-publish with its progress shown. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from aduan.periods import Month
from complaints.actions.statistics import do_publish_statistics, do_send_monthly_reports
from complaints.actions.workflow import do_transition_complaint
from complaints.calendar import WIB
from complaints.statistics import month_label
from complaints.tasks import run_statistics_refresh
from tenants.models import Role, TenantKind
from tests.browser.test_forwarding import sign_in
from tests.factories import (
    DEFAULT_PASSWORD,
    TenantFactory,
    file_complaint,
    make_member,
    run_jobs,
)

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_dashboard_public_page_and_roll_up(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    # Given a regency with its Disdukcapil and a village, who joined last month
    this_month = Month.of(timezone.now().astimezone(WIB).date())
    last = this_month.previous()
    start = dt.datetime(last.year, last.month, 2, 9, tzinfo=WIB)
    with time_machine.travel(start, tick=False):
        regency = tenant_factory(
            kind=TenantKind.PEMKAB,
            region_code="33.01",
            slug="kab-cilacap",
            name="Pemerintah Kabupaten Cilacap",
        )
        office = tenant_factory(
            kind=TenantKind.DISDUKCAPIL,
            region_code="33.01",
            slug="disdukcapil-cilacap",
            name="Disdukcapil Cilacap",
        )
        village = tenant_factory(slug="desa-babakan", name="Pemerintah Desa Babakan")
    officer = make_member(office, Role.OFFICER, username="petugas-dukcapil")
    # And last month: six complaints answered and closed at the office, two at the village
    for number in range(6):
        with time_machine.travel(start + dt.timedelta(days=number), tick=False):
            complaint = file_complaint(
                office, subject=f"KTP-el {number}", channel=("web", "whatsapp", "desk")[number % 3]
            )
        with time_machine.travel(start + dt.timedelta(days=number + 1), tick=False), \
                schema_context(office.schema_name):  # fmt: skip
            do_transition_complaint(
                complaint=complaint,
                transition="answer_directly",
                actor=officer,
                inputs={"response": "Sudah jadi."},
            )
            do_transition_complaint(complaint=complaint, transition="close", actor=officer)
    with time_machine.travel(start + dt.timedelta(days=3), tick=False):
        file_complaint(village, subject="Jalan desa berlubang")
        file_complaint(village, subject="Lampu jalan mati", channel="sms")
    for tenant in (regency, office, village):
        do_publish_statistics(tenant=tenant, months=[last, this_month])
    base = live_server.url

    # When the officer opens the statistics from the staff menu and picks last month
    sign_in(page, base, "petugas-dukcapil", f"/t/{office.slug}/console/")
    page.locator("#staff-nav").get_by_role("link", name="Statistik", exact=True).click()
    page.wait_for_url(f"**/t/{office.slug}/console/statistik/")
    page.locator("#period-form select[name=month]").select_option(str(last))
    with page.expect_navigation():
        page.locator("#period-form button[type=submit]").click()
    # Then the recap shows the month's figures and its charts
    headline = page.locator("#headline").inner_text()
    assert "Pengaduan diterima\t6" in headline and "Selesai\t6" in headline
    assert page.locator("figure.chart svg").count() == 3
    page.screenshot(path=str(ARTIFACTS / "statistics-dashboard.png"), full_page=True)
    # And the head's PDF is one link away
    pdf = page.request.get(base + (page.locator("#report-pdf").get_attribute("href") or ""))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"

    # When a citizen follows the landing page's link to the public statistics
    page.context.clear_cookies()
    page.goto(f"{base}/t/{office.slug}/")
    page.locator("#statistics-link").click()
    page.wait_for_url(f"**/t/{office.slug}/statistik/")
    # Then last month is published, with its open data
    assert month_label(last) in page.locator("hgroup").inner_text()
    assert "Pengaduan diterima\t6" in page.locator("#headline").inner_text()
    assert page.locator("#open-data-csv").count() == 1
    page.screenshot(path=str(ARTIFACTS / "statistics-public.png"), full_page=True)

    # When the regency admin signs in with the second factor and opens the roll-up
    admin = make_member(regency, Role.REGENCY_ADMIN, username="admin-kabupaten")
    device = TOTPDevice.objects.create(user=admin, name="Aduan", confirmed=True)
    page.goto(f"{base}/accounts/login/?next=/console/statistik-kabupaten/")
    page.fill("input[name=username]", "admin-kabupaten")
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url("**/accounts/two-factor/**")
    page.fill("#two-factor-form input[name=code]", f"{TOTP(device.bin_key).token():06d}")
    page.locator("#two-factor-form button[type=submit]").click()
    page.wait_for_url(f"**/console/regencies/{regency.slug}/statistik/")
    page.goto(f"{base}/console/regencies/{regency.slug}/statistik/?month={last}")
    # Then each tenant has its row; the office (6 of 6 in time) is ranked with its interval
    office_row = page.locator(f"#rollup tr[data-slug='{office.slug}']")
    assert office_row.locator("td").first.inner_text() == "1"
    assert "0,610" in office_row.locator("td.interval").inner_text()
    village_row = page.locator(f"#rollup tr[data-slug='{village.slug}']").inner_text()
    assert "volume kecil" in village_row
    assert page.locator("figure.chart svg").count() == 1
    page.screenshot(path=str(ARTIFACTS / "statistics-rollup.png"), full_page=True)
    # And the menu reaches it too
    assert page.locator("#staff-nav").get_by_role("link", name="Rekap kabupaten").count() == 1


def sign_in_with_code(page: Any, base: str, user: Any, next_path: str) -> None:
    """Sign in with the password, then the second factor (heads and admins need it)."""
    device = TOTPDevice.objects.create(user=user, name="Aduan", confirmed=True)
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url("**/accounts/two-factor/**")
    page.fill("#two-factor-form input[name=code]", f"{TOTP(device.bin_key).token():06d}")
    page.locator("#two-factor-form button[type=submit]").click()
    page.wait_for_url(f"**{next_path}")


def test_the_heads_walk_from_sign_in_to_their_reports_and_the_roll_up(
    page: Any,
    live_server: Any,
    tenant_factory: TenantFactory,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    # Given a regency and its Disdukcapil, on Aduan since last month, with a complaint then
    this_month = Month.of(timezone.now().astimezone(WIB).date())
    last = this_month.previous()
    start = dt.datetime(last.year, last.month, 2, 9, tzinfo=WIB)
    with time_machine.travel(start, tick=False):
        regency = tenant_factory(
            kind=TenantKind.PEMKAB,
            region_code="33.01",
            slug="kab-cilacap",
            name="Pemerintah Kabupaten Cilacap",
        )
        office = tenant_factory(
            kind=TenantKind.DISDUKCAPIL,
            region_code="33.01",
            slug="disdukcapil-cilacap",
            name="Disdukcapil Cilacap",
        )
        file_complaint(office, subject="Blanko KTP-el habis", channel="whatsapp")
    head = make_member(office, Role.HEAD, username="kepala-dukcapil")
    bupati = make_member(regency, Role.HEAD, username="kepala-kabupaten")
    # And this month's first working day came: the report of last month was sent to the head
    first_day = dt.datetime(this_month.year, this_month.month, 1, 14, tzinfo=WIB)
    with time_machine.travel(first_day, tick=False):
        day = first_day
        while not do_send_monthly_reports(now=day) and day.day < 10:
            day += dt.timedelta(days=1)
    base = live_server.url

    # When the office's head signs in: the first page leads to the statistics and the reports
    sign_in_with_code(page, base, head, f"/t/{office.slug}/console/")
    page.locator("#statistics-shortcut").click()
    page.wait_for_url(f"**/t/{office.slug}/console/statistik/")
    page.locator("#period-form select[name=month]").select_option(str(last))
    with page.expect_navigation():
        page.locator("#period-form button[type=submit]").click()
    # Then last month's counts are shown by their labels, never by their keys
    recap = page.locator("#recap").inner_text()
    assert "WhatsApp\t1" in recap and "whatsapp" not in recap
    page.locator("#sent-reports-link").click()
    page.wait_for_url(f"**/t/{office.slug}/console/statistik/laporan-terkirim/")
    row = page.locator(f"#sent-{last}")
    assert month_label(last) in row.inner_text()
    pdf = page.request.get(base + (row.locator("a.download").get_attribute("href") or ""))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    page.screenshot(path=str(ARTIFACTS / "statistics-sent-reports.png"), full_page=True)

    # When the regency's head signs in: the first page leads to the roll-up of every agency
    sign_in_with_code(page, base, bupati, f"/t/{regency.slug}/console/")
    page.locator("#regency-rollup-shortcut").click()
    page.wait_for_url(f"**/t/{regency.slug}/console/statistik/kabupaten/")
    assert page.locator(f"#rollup tr[data-slug='{office.slug}']").count() == 1
    # and re-publishes every agency's twelve months: the page shows the job's progress
    with django_capture_on_commit_callbacks(execute=True), page.expect_navigation():
        page.locator("#publish-form button[type=submit]").click()
    status = page.locator("#refreshes tbody tr").first
    assert status.get_attribute("data-status") == "queued"
    assert run_jobs(run_statistics_refresh) == 1
    page.goto(f"{base}/t/{regency.slug}/console/statistik/kabupaten/?month={last}")
    assert page.locator("#refreshes tbody tr").first.get_attribute("data-status") == "done"
    office_row = page.locator(f"#rollup tr[data-slug='{office.slug}']").inner_text()
    assert "\t1\t" in office_row  # received last month, as re-published
    page.screenshot(path=str(ARTIFACTS / "statistics-regency-head.png"), full_page=True)
