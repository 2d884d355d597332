"""On a phone, the complainant rates their closed complaint and then reopens it."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.actions.workflow import do_transition_complaint
from complaints.models import Complaint
from tenants.models import Role, TenantKind
from tests.factories import TenantFactory, file_complaint, make_member

pytestmark = pytest.mark.browser


def test_citizen_rates_then_reopens_on_the_tracking_page(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    # Given a Disdukcapil complaint answered and closed by the officer
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    officer = make_member(tenant, Role.OFFICER)
    complaint = file_complaint(tenant, subject="KTP-el belum jadi")
    with schema_context(tenant.schema_name):
        do_transition_complaint(
            complaint=complaint, transition="answer_directly", actor=officer,
            inputs={"response": "KTP-el dapat diambil di loket 2."},
        )  # fmt: skip
        do_transition_complaint(complaint=complaint, transition="close", actor=officer)
    # When the complainant opens the rating link of the closing message
    page.goto(f"{live_server.url}/t/{tenant.slug}/lacak/{complaint.tracking_code}/#nilai")
    assert page.locator("#current-step").inner_text() == "Selesai"
    # and sends the form without choosing a score
    page.get_by_role("button", name="Kirim penilaian").click()
    # Then the message is beside the score
    assert "1 sampai 5" in page.locator("#error-score").inner_text()
    # When they choose 4 and write a comment
    page.get_by_label("4", exact=True).check()
    page.fill("#id_comment", "Cepat, tapi antre lama")
    page.get_by_role("button", name="Kirim penilaian").click()
    # Then the page shows their rating and no form any more
    assert page.locator("#rating-given").inner_text() == "4 dari 5: Cepat, tapi antre lama"
    assert page.locator("#rating-form").count() == 0
    # When they reopen it with a reason
    page.fill("#id_reason", "Di loket 2 KTP-el saya belum ada.")
    page.get_by_role("button", name="Buka kembali").click()
    # Then the complaint is back at its first step, with the reason on the timeline
    assert page.locator("#current-step").inner_text() == "Diterima petugas pengelola pengaduan"
    assert "Di loket 2 KTP-el saya belum ada." in page.locator("#timeline").inner_text()
    with schema_context(tenant.schema_name):
        stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.state, stored.rating) == ("received", 4)
