"""A citizen opens a tenant's landing page in a real browser, by path and by subdomain."""

from __future__ import annotations

from typing import Any

import pytest

from tenants.models import TenantKind
from tests.factories import TenantFactory

pytestmark = pytest.mark.browser


def test_landing_page_by_path_then_in_english(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    # Given Desa Babakan's complaint desk
    tenant = tenant_factory(name="Pemerintah Desa Babakan", region_code="33.01.09.2014")
    # When a citizen opens it by path, on a browser that prefers English
    page.goto(f"{live_server.url}/t/{tenant.slug}/")
    # Then the page is in Bahasa Indonesia, with the tenant's name, kind and region
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("#tenant-name").inner_text() == "Pemerintah Desa Babakan"
    assert page.locator("#tenant-kind").inner_text() == "Pemerintah Desa/Kelurahan"
    region = page.locator("#tenant-region").inner_text()
    assert "Babakan" in region and "KABUPATEN CILACAP" in region and "JAWA TENGAH" in region
    # and the stylesheet was served (no CDN: from our own static files)
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    # When they switch to English
    page.get_by_role("button", name="English").click()
    # Then the same page speaks English
    page.wait_for_selector("html[lang=en]")
    assert page.locator("#tenant-kind").inner_text() == "Village Government"


def test_landing_page_by_subdomain(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    tenant = tenant_factory(
        name="Disdukcapil Kabupaten Sanggau", kind=TenantKind.DISDUKCAPIL, region_code="61.03"
    )
    port = live_server.url.rsplit(":", 1)[1]
    # Chromium resolves every *.localhost name to the loopback address: no DNS needed.
    page.goto(f"http://{tenant.slug}.localhost:{port}/")
    assert page.locator("#tenant-name").inner_text() == "Disdukcapil Kabupaten Sanggau"
    assert "KABUPATEN SANGGAU" in page.locator("#tenant-region").inner_text()


def test_front_door_leads_to_the_tenant(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    tenant = tenant_factory(name="Pemerintah Desa Kuripan Kidul", region_code="33.01.02.2014")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Pemerintah Desa Kuripan Kidul").click()
    page.wait_for_url(f"**/t/{tenant.slug}/")
    assert page.locator("#tenant-name").inner_text() == "Pemerintah Desa Kuripan Kidul"
