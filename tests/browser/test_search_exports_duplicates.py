"""Working the register in a real browser (issue 17): the officer signs in, opens the register
from the menu and searches it (with a typo), exports what the search shows and downloads the
file, finds it again under the menu's "Ekspor", then acts on a likely duplicate suggested on a
complaint's page by merging it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.models import Complaint
from complaints.tasks import after_filing, learn_search_words, record_similarity_key
from tenants.models import Role
from tests.browser.test_forwarding import sign_in
from tests.factories import TenantFactory, file_complaint, make_member, run_jobs

pytestmark = pytest.mark.browser

SLUG = "desa-babakan"


def test_search_export_and_a_duplicate_merged(
    page: Any, live_server: Any, tenant_factory: TenantFactory, settings: Any, tmp_path: Path
) -> None:
    # Given Desa Babakan with the same broken bridge reported twice and a market complaint
    settings.MEDIA_ROOT = tmp_path / "media"
    tenant = tenant_factory(slug=SLUG, name="Pemerintah Desa Babakan")
    make_member(tenant, Role.OFFICER, username="petugas")
    first = file_complaint(
        tenant, subject="Jembatan bambu putus", village_code="33.01.09.2014",
        description="Jembatan bambu di dusun Krajan RT 01 putus sejak 3 hari lalu.",
    )  # fmt: skip
    second = file_complaint(
        tenant, subject="Jembatan penyeberangan ambruk", village_code="33.01.09.2014",
        description="Jembatan penyeberangan bambu yang berada di dusun Krajan RT 01 ambruk.",
    )  # fmt: skip
    file_complaint(tenant, subject="Pasar becek", description="Saluran air pasar mampet.")
    run_jobs(after_filing)
    run_jobs(record_similarity_key, learn_search_words)
    base = live_server.url
    # When the officer signs in, opens the register from the menu and searches, with a typo
    sign_in(page, base, "petugas", f"/t/{SLUG}/console/")
    with page.expect_navigation():
        page.locator("#staff-nav").get_by_role("link", name="Buku pengaduan").click()
    page.fill("#register-filter input[name=q]", "jembtan")
    with page.expect_navigation():
        page.locator("#register-filter button[type=submit]").click()
    # Then the two bridge complaints are found, not the market
    assert page.locator("#register-count").inner_text() == "2"
    assert "Pasar becek" not in page.locator("#register").inner_text()
    # When they export what the search shows and download it
    with page.expect_navigation():
        page.click("#export-link")
    assert page.locator("#export-form input[name=q]").get_attribute("value") == "jembtan"
    page.select_option("#export-form select[name=kind]", "csv")
    with page.expect_navigation():
        page.locator("#export-form button[type=submit]").click()
    with page.expect_download() as downloaded:
        page.locator("#exports a.download").first.click()
    content = Path(downloaded.value.path()).read_text(encoding="utf-8-sig")
    # Then the file holds the two bridge complaints
    assert first.number in content and second.number in content
    assert "Pasar becek" not in content
    # and the staff menu's "Ekspor" leads back to the export, done and downloadable
    with page.expect_navigation():
        page.locator("#staff-nav").get_by_role("link", name="Ekspor", exact=True).click()
    assert page.locator("#exports a.download").count() == 1
    # When they open the newer complaint, its likely duplicate is suggested; they merge it
    page.goto(f"{base}/t/{SLUG}/console/pengaduan/{second.pk}/")
    suggestion = page.locator("#likely-duplicates .likely-duplicate")
    assert first.tracking_code in suggestion.inner_text()
    with page.expect_navigation():
        suggestion.locator("a.merge-duplicate").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Gabungkan").click()
    # Then the duplicate is merged into the first report, and the page shows the first one
    assert page.url.endswith(f"/console/pengaduan/{first.pk}/")
    with schema_context(tenant.schema_name):
        assert Complaint.objects.get(pk=second.pk).merged_into_id == first.pk
