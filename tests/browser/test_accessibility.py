"""Accessibility of every citizen page and the main staff pages, on a phone: axe-core (vendored
in tests/browser/vendor/axe-core, its licence beside it) finds no serious or critical
violation; with the phone's text at 200 % nothing is cut off (no sideways scroll at 360 px);
a skip link leads to the content and the keyboard's focus is always visible."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from complaints.actions.workflow import do_transition_complaint
from tenants.models import Role, TenantKind
from tests.browser.test_working_a_complaint_2 import sign_in
from tests.factories import TenantFactory, file_complaint, make_member

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
GRAVE = ("serious", "critical")
# Everything past the right edge of a 360 px screen (a page's own scroll boxes excepted).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-scroll'))
    .map(e => e.outerHTML.slice(0, 80)).slice(0, 5);
}"""


@pytest.fixture
def checker(browser: Any) -> Iterator[Any]:
    # axe is injected as an inline script: the test's context lets it past the pages' CSP.
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="id-ID", bypass_csp=True,
        service_workers="block",
    )  # fmt: skip
    yield context.new_page()
    context.close()


def grave_violations(page: Any) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in GRAVE
    ]


def cut_off_at_large_text(page: Any) -> list[str]:
    page.set_viewport_size({"width": 360, "height": 740})
    page.add_style_tag(content="html { font-size: 200% !important; }")
    found: list[str] = page.evaluate(OVERFLOW)
    page.set_viewport_size({"width": 390, "height": 844})
    return found


def check_pages(page: Any, urls: dict[str, str]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for name, url in urls.items():
        page.goto(url)
        found = grave_violations(page) + [f"cut off: {e}" for e in cut_off_at_large_text(page)]
        if found:
            problems[name] = found
    return problems


def check_after_submit(page: Any, url: str, button: str) -> list[str]:
    """The page as it comes back with errors by its fields."""
    page.goto(url)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    return grave_violations(page)


@pytest.mark.slow  # ~20 pages, each checked twice (axe, large text)
def test_every_citizen_page_is_accessible(
    checker: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab")
    village = tenant_factory(region_code="33.01.09.2014", parent=regency, slug="babakan")
    complaint = file_complaint(village, is_confidential=False)
    code = complaint.tracking_code
    site, base = live_server.url, f"{live_server.url}/t/babakan"
    problems = check_pages(
        checker,
        {
            "platform home": f"{site}/",
            "front door": f"{site}/pengaduan/",
            "platform tracking lookup": f"{site}/lacak/",
            "platform tracking": f"{site}/lacak/?kode={code}",
            "platform code resend": f"{site}/lacak-kirim-ulang/",
            "missing page": f"{site}/tidak-ada/",
            "village home": f"{base}/",
            "complaint form": f"{base}/pengaduan/baru/",
            "receipt": f"{base}/pengaduan/tanda-terima/{code}/",
            "tracking lookup": f"{base}/lacak/",
            "tracking": f"{base}/lacak/{code}/",
            "personal data": f"{base}/lacak/{code}/data-pribadi/",
            "code resend": f"{base}/lacak-kirim-ulang/",
            "transparency": f"{base}/transparansi/",
            "public statistics": f"{base}/statistik/",
            "whistleblowing": f"{base}/wbs/",
        },
    )
    for name, url in {
        "front door": f"{site}/pengaduan/",
        "form": f"{base}/pengaduan/baru/",
    }.items():
        found = check_after_submit(checker, url, "Kirim pengaduan")
        if found:
            problems[f"{name} with errors"] = found
    assert problems == {}
    # The check itself sees a violation (else it would pass on nothing).
    checker.evaluate(
        "document.getElementById('main').insertAdjacentHTML('beforeend', '<img src=/x.png>')"
    )
    assert [v.split(" ")[0] for v in grave_violations(checker)] == ["image-alt"]


@pytest.mark.slow
def test_the_main_staff_pages_are_accessible(
    checker: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03", slug="sanggau")
    officer = make_member(tenant, Role.OFFICER, username="petugas")
    TOTPDevice.objects.filter(user=officer).update(confirmed=True)
    complaint = file_complaint(tenant)
    with schema_context(tenant.schema_name):
        do_transition_complaint(complaint=complaint, transition="distribute", actor=officer,
                                inputs={"note": "Bidang PIAK"})  # fmt: skip
    base = f"{live_server.url}/t/sanggau"
    sign_in(checker, live_server.url, officer)
    problems = check_pages(
        checker,
        {
            "work home": f"{base}/console/",
            "register": f"{base}/console/pengaduan/",
            "complaint": f"{base}/console/pengaduan/{complaint.pk}/",
            "step form": f"{base}/console/complaints/{complaint.pk}/steps/",
            "desk entry": f"{base}/console/pengaduan/baru/",
        },
    )
    assert problems == {}


def test_a_skip_link_leads_to_the_content_and_focus_shows(
    checker: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    tenant_factory(slug="babakan")
    checker.goto(f"{live_server.url}/t/babakan/pengaduan/baru/")
    # The first Tab lands on the skip link, shown on screen
    checker.keyboard.press("Tab")
    skip = checker.locator("a.skip")
    assert checker.evaluate("document.activeElement.className") == "skip"
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    # Following it, the next Tab is inside the content, with a visible outline
    checker.keyboard.press("Enter")
    checker.keyboard.press("Tab")
    inside = checker.evaluate("document.getElementById('main').contains(document.activeElement)")
    outline = checker.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert (inside, outline) == (True, "solid")
