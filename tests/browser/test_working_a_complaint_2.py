"""Working a complaint, part 2, in a real browser: the head works the approval queue from the
first page (sends an answer back, then approves it) and a tenant admin edits the SOP in its
form, sees the flow's diagram, previews the changes and publishes them."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from complaints.actions.workflow import do_transition_complaint
from complaints.models import Complaint, SopVersion
from tenants.models import Role, TenantKind, User
from tenants.permissions import requires_two_factor
from tests.factories import DEFAULT_PASSWORD, TenantFactory, file_complaint, make_member

pytestmark = pytest.mark.browser

SLUG = "disdukcapil-sanggau"


def sign_in(page: Any, base: str, user: User) -> None:
    """Through the sign-in form, and the TOTP step for a role that needs it; no `next`."""
    # A TOTP code is accepted once: a second sign-in within the same 30 s would be refused
    # (django-otp's replay guard), so the device forgets the last one it took.
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    if requires_two_factor(user):
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        page.get_by_label("Kode 6 angka").fill(f"{TOTP(device.bin_key).token():06d}")
        page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_load_state()


def test_the_head_works_the_approval_queue(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    # Given a Disdukcapil office whose answer team drafted the final answer to a complaint
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03", slug=SLUG)
    officer = make_member(tenant, Role.OFFICER, username="petugas")
    team = make_member(tenant, Role.ANSWER_TEAM, username="penjawab")
    head = make_member(tenant, Role.HEAD, username="kepala")
    TOTPDevice.objects.create(user=head, name="ponsel", confirmed=True)
    complaint = file_complaint(tenant, subject="KTP-el belum jadi")
    with schema_context(tenant.schema_name):
        do_transition_complaint(complaint=complaint, transition="distribute", actor=officer,
                                inputs={"note": "Bidang PIAK"})  # fmt: skip
        answer = {"response": "KTP-el dapat diambil hari Jumat."}
        do_transition_complaint(complaint=complaint, transition="answer", actor=team,
                                inputs=answer)  # fmt: skip
    base = f"{live_server.url}/t/{SLUG}"
    # When the head signs in: the first page is the work queue, with the approval list
    sign_in(page, live_server.url, head)
    page.goto(f"{base}/console/")
    queue = page.locator("#queue-approval")
    assert queue.locator("h2").inner_text().startswith("Menunggu persetujuan jawaban")
    # and opens the held answer from it
    with page.expect_navigation():
        queue.get_by_role("link", name=complaint.number).click()
    assert page.locator("#draft [data-input=response]").inner_text() == (
        "KTP-el dapat diambil hari Jumat."
    )
    # A return without a note is refused on its field
    form = page.locator("#approval-form")
    form.get_by_label("Kembalikan dengan catatan").check()
    with page.expect_navigation():
        form.locator("#decide").click()
    assert page.locator("#error-note").is_visible()
    # With a note it goes back to the answer team
    form = page.locator("#approval-form")
    form.get_by_label("Kembalikan dengan catatan").check()
    form.locator("textarea[name=note]").fill("Sebutkan jam pengambilan.")
    with page.expect_navigation():
        form.locator("#decide").click()
    assert page.locator("#queue-approval h2 small").inner_text() == "(0)"
    # The answer team sees the note on the steps page and answers again
    sign_in(page, live_server.url, team)
    page.goto(f"{base}/console/complaints/{complaint.pk}/steps/")
    assert "Sebutkan jam pengambilan." in page.locator("#returned-note").inner_text()
    details = page.locator("details:has(#step-answer)")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    page.locator("#step-answer textarea[name=response]").fill(
        "KTP-el dapat diambil hari Jumat pukul 08.00-12.00."
    )
    with page.expect_navigation():
        page.locator("#step-answer button[type=submit]").click()
    assert page.locator("#awaiting-approval").is_visible()
    # The head approves it from the queue
    sign_in(page, live_server.url, head)
    page.goto(f"{base}/console/")
    with page.expect_navigation():
        page.locator("#queue-approval").get_by_role("link", name=complaint.number).click()
    form = page.locator("#approval-form")
    form.get_by_label("Setujui dan kirim").check()
    with page.expect_navigation():
        form.locator("#decide").click()
    # Then the complaint is answered, and the citizen reads the answer on the tracking page
    with schema_context(tenant.schema_name):
        assert Complaint.objects.get(pk=complaint.pk).state == "answered"
    page.context.clear_cookies()
    page.goto(f"{base}/lacak/{complaint.tracking_code}/")
    assert "KTP-el dapat diambil hari Jumat pukul 08.00-12.00." in page.content()


def test_an_admin_edits_the_sop_in_its_form_with_the_diagram(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    # Given a village admin
    tenant = tenant_factory(slug="desa-babakan")
    admin = make_member(tenant, Role.TENANT_ADMIN, username="admin-desa")
    TOTPDevice.objects.create(user=admin, name="ponsel", confirmed=True)
    base = f"{live_server.url}/t/desa-babakan"
    sign_in(page, live_server.url, admin)
    page.goto(f"{base}/console/")
    # When they open the SOP from the menu: the flow is drawn, a box per state
    with page.expect_navigation():
        page.locator("#staff-nav").get_by_role("link", name="SOP", exact=True).click()
    diagram = page.locator("#sop-diagram-active svg")
    assert diagram.locator("g.sop-state").count() == page.locator("#sop-states tbody tr").count()
    assert diagram.locator("g.sop-step[data-step=give_receipt]").count() >= 1
    box = diagram.locator("g.sop-state[data-state=received] rect").bounding_box()
    assert box is not None and box["width"] > 100
    # A limit that is not a number gets a message on its field
    received = page.locator("fieldset.sop-row:has(input[value=received][name$='-key'])")
    received.locator("input[name$='-limit_amount']").fill("lima")
    with page.expect_navigation():
        page.locator("#sop-preview-button").click()
    assert received.locator(".field-error").inner_text() == "Isi bilangan bulat, mis. 5."
    # Corrected and previewed, the changes against the active version are listed
    received = page.locator("fieldset.sop-row:has(input[value=received][name$='-key'])")
    received.locator("input[name$='-limit_amount']").fill("2")
    received.locator("textarea[name$='-legal_basis']").fill("Perdes Babakan 3/2024")
    with page.expect_navigation():
        page.locator("#sop-preview-button").click()
    assert page.locator("#sop-changes li[data-key=received]").is_visible()
    assert page.locator("#sop-diagram-preview svg g.sop-state").count() > 0
    # and published
    with page.expect_navigation():
        page.locator("#sop-publish").click()
    assert "SOP versi 2 diterbitkan." in page.content()
    with schema_context(tenant.schema_name):
        latest = SopVersion.objects.order_by("-number").first()
    assert latest is not None and latest.number == 2
    state = next(s for s in latest.definition["states"] if s["key"] == "received")
    assert (state["limit"], state["legal_basis"]) == (
        {"working_days": 2},
        ["Perdes Babakan 3/2024"],
    )
