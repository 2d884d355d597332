"""After closing: the complainant's satisfaction rating (once, 1-5) and reopening within the
SOP's days, through the public API, the tracking page and the staff API/page."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from complaints import selectors
from complaints.actions.sop import do_edit_sop
from complaints.actions.workflow import do_transition_complaint
from complaints.models import Complaint, ComplaintEvent
from complaints.sop import SopError, validate_sop
from complaints.sop_templates import template_for
from integrations.models import NotificationKind, OutboxMessage
from tenants.models import Role, Tenant, TenantKind, User
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")


@pytest.fixture
def officer(office: Tenant) -> User:
    return make_member(office, Role.OFFICER)


def reload(tenant: Tenant, complaint: Complaint) -> Complaint:
    with schema_context(tenant.schema_name):
        return Complaint.objects.get(pk=complaint.pk)


def close(tenant: Tenant, complaint: Complaint, officer: User) -> None:
    """The Disdukcapil SOP's shortest way: answer directly, then close."""
    with schema_context(tenant.schema_name):
        do_transition_complaint(
            complaint=complaint,
            transition="answer_directly",
            actor=officer,
            inputs={"response": "KTP-el sudah dapat diambil."},
        )
        do_transition_complaint(complaint=complaint, transition="close", actor=officer)


def post(client: TenantClient, tenant: Tenant, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", tenant=tenant)


def kinds(tenant: Tenant, complaint: Complaint) -> list[str]:
    with schema_context(tenant.schema_name):
        return list(
            ComplaintEvent.objects.filter(complaint_id=complaint.pk).values_list("kind", flat=True)
        )


# --- Rating ---------------------------------------------------------------------------------


def test_the_complainant_rates_a_closed_complaint_once_by_the_api(
    office: Tenant, officer: User, tenant_client: TenantClient
) -> None:
    # Given a complaint still being worked
    complaint = file_complaint(office)
    url = f"/api/v1/track/{complaint.tracking_code}/rating/"
    # When the complainant rates it before it is closed
    response = post(tenant_client, office, url, {"score": 5})
    # Then it is refused with a field message, and nothing is stored
    assert response.status_code == 400
    assert response.json()["code"] == "complaints.not_closed"
    assert response.json()["extra"]["fields"] == {
        "score": ["Penilaian baru dapat diberikan setelah pengaduan selesai."]
    }
    # When it is closed, the tracking API offers the rating
    close(office, complaint, officer)
    tracked = tenant_client.get(f"/api/v1/track/{complaint.tracking_code}/", tenant=office)
    assert (tracked.json()["can_rate"], tracked.json()["rating"]) == (True, None)
    # When the score is out of range or not a number
    for bad in (0, 6, "lima", ""):
        response = post(tenant_client, office, url, {"score": bad})
        assert response.status_code == 400, bad
        assert response.json()["extra"]["fields"] == {
            "score": ["Nilai harus bilangan bulat 1 sampai 5."]
        }
    assert reload(office, complaint).rating is None
    # When it is rated 4 with a comment
    response = post(tenant_client, office, url, {"score": 4, "comment": "Cepat, terima kasih"})
    # Then it is stored on the complaint and audited
    assert response.status_code == 201, response.json()
    assert (response.json()["rating"], response.json()["can_rate"]) == (4, False)
    stored = reload(office, complaint)
    assert (stored.rating, stored.rating_comment) == (4, "Cepat, terima kasih")
    assert stored.rated_at is not None
    assert kinds(office, complaint)[-1] == "rated"
    # When a second rating comes (in English this time)
    tenant_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = post(tenant_client, office, url, {"score": 1})
    # Then it is refused in the user's language, and the first rating stays
    assert response.status_code == 400
    assert response.json()["code"] == "complaints.already_rated"
    assert response.json()["extra"]["fields"] == {
        "score": ["This complaint has already been rated; a rating can be given only once."]
    }
    assert reload(office, complaint).rating == 4


def test_staff_see_the_rating_and_reports_get_the_tenant_average(
    office: Tenant, officer: User, tenant_client: TenantClient
) -> None:
    # Given three closed complaints, two of them rated 5 and 2
    complaints = [file_complaint(office) for _ in range(3)]
    for complaint in complaints:
        close(office, complaint, officer)
    for complaint, score in zip(complaints, (5, 2), strict=False):
        url = f"/api/v1/track/{complaint.tracking_code}/rating/"
        assert post(tenant_client, office, url, {"score": score}).status_code == 201
    # Then the report selector gives the tenant's count and average
    with schema_context(office.schema_name):
        assert selectors.rating_summary() == selectors.RatingSummary(2, 3.5)
    # And staff see the rating on the complaint (API and page)
    sign_in(tenant_client, officer)
    detail = tenant_client.get(f"/api/v1/complaints/{complaints[0].pk}/", tenant=office).json()
    assert detail["rating"] == 5
    page = tenant_client.get(f"/console/pengaduan/{complaints[1].pk}/", tenant=office)
    assert '<dd id="rating">2/5</dd>' in page.content.decode()


def test_the_tracking_page_rating_form(
    office: Tenant, officer: User, tenant_client: TenantClient
) -> None:
    # Given a closed complaint
    complaint = file_complaint(office)
    close(office, complaint, officer)
    track = f"/lacak/{complaint.tracking_code}/"
    assert 'id="rating-form"' in tenant_client.get(track, tenant=office).content.decode()
    # When the form is sent with a 6
    response = tenant_client.post(f"{track}nilai/", {"score": "6"}, tenant=office)
    # Then the page shows the field message
    assert response.status_code == 400
    assert "Nilai harus bilangan bulat 1 sampai 5." in response.content.decode()
    # When it is sent with a 5 and a comment
    response = tenant_client.post(
        f"{track}nilai/", {"score": "5", "comment": "Puas"}, tenant=office
    )
    # Then the page thanks with the rating and offers no form any more
    assert response.status_code == 302
    page = tenant_client.get(track, tenant=office).content.decode()
    assert "5 dari 5: Puas" in page
    assert 'id="rating-form"' not in page
    assert reload(office, complaint).rating == 5


# --- Reopen ---------------------------------------------------------------------------------


def test_the_complainant_reopens_within_the_days_and_the_sla_restarts(
    office: Tenant, officer: User, tenant_client: TenantClient
) -> None:
    # Given a complaint that is not closed: reopening is refused
    complaint = file_complaint(office)
    url = f"/api/v1/track/{complaint.tracking_code}/reopen/"
    response = post(tenant_client, office, url, {"reason": "Belum beres"})
    assert response.status_code == 400
    assert response.json()["code"] == "complaints.not_closed"
    # When it is closed and, ten days later, reopened without a reason
    close(office, complaint, officer)
    later = timezone.now() + timedelta(days=10)
    with time_machine.travel(later, tick=False):
        response = post(tenant_client, office, url, {"reason": " "})
        assert response.status_code == 400
        assert response.json()["extra"]["fields"] == {
            "reason": ["Tuliskan alasan membuka kembali."]
        }
        # When it is reopened with a reason
        response = post(tenant_client, office, url, {"reason": "KTP-el belum juga jadi."})
    # Then it is back in the SOP's reopen state with a new SLA step from that moment
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "received"
    stored = reload(office, complaint)
    assert (stored.state, stored.closed_at) == ("received", None)
    assert (stored.sla_state, stored.sla_started_at) == ("received", later)
    assert stored.due_at is not None and stored.due_at > later
    # and the whole case's clock (5 working days from "received") starts anew too
    assert (stored.case_started_at, stored.case_ended_at) == (later, None)
    assert stored.case_due_at is not None and stored.case_due_at > later
    # and the timeline says who, why, before and after (public: the complainant sees it)
    with schema_context(office.schema_name):
        event = ComplaintEvent.objects.filter(complaint_id=complaint.pk).last()
    assert event is not None
    assert (event.kind, event.actor_id, event.actor_label, event.is_public) == (
        "reopened", None, "Pengadu", True,
    )  # fmt: skip
    assert event.before == {"state": "closed"}
    assert event.after == {"state": "received", "reason": "KTP-el belum juga jadi."}
    # and the complainant, who asked, gets no notification of it
    assert not OutboxMessage.objects.filter(tracking_code=complaint.tracking_code).exists()


def test_after_the_days_reopening_is_refused_with_a_clear_error(
    office: Tenant, officer: User, tenant_client: TenantClient
) -> None:
    # Given a complaint closed fifteen days ago (the template allows 14)
    complaint = file_complaint(office)
    close(office, complaint, officer)
    with time_machine.travel(timezone.now() + timedelta(days=15), tick=False):
        # When the complainant tries to reopen it, by the API and by the page
        api = post(
            tenant_client,
            office,
            f"/api/v1/track/{complaint.tracking_code}/reopen/",
            {"reason": "Masih bermasalah"},
        )
        track = f"/lacak/{complaint.tracking_code}/"
        page = tenant_client.get(track, tenant=office).content.decode()
        form = tenant_client.post(f"{track}buka-kembali/", {"reason": "x"}, tenant=office)
    # Then both say why, and it stays closed
    assert api.status_code == 400
    assert api.json()["code"] == "complaints.reopen_expired"
    assert "dalam 14 hari sejak selesai" in api.json()["message"]
    assert 'id="reopen-form"' not in page
    assert form.status_code == 400
    assert "dalam 14 hari sejak selesai" in form.content.decode()
    assert reload(office, complaint).state == "closed"


def test_staff_reopen_by_api_and_page_and_the_complainant_is_told(
    office: Tenant, officer: User, tenant_client: TenantClient
) -> None:
    # Given a closed complaint with an e-mail address
    complaint = file_complaint(office, email="siti@example.test")
    close(office, complaint, officer)
    sign_in(tenant_client, officer)
    # When the officer reopens it by the API
    response = post(
        tenant_client,
        office,
        f"/api/v1/complaints/{complaint.pk}/reopen/",
        {"reason": "Pengadu menelepon: belum selesai."},
    )
    # Then it is reopened, audited with the officer, and the complainant notified once
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["closed_at"]) == ("received", None)
    with schema_context(office.schema_name):
        event = ComplaintEvent.objects.filter(complaint_id=complaint.pk).last()
    assert event is not None and (event.kind, event.actor_id) == ("reopened", officer.pk)
    told = OutboxMessage.objects.filter(tracking_code=complaint.tracking_code).last()
    assert told is not None and told.kind == NotificationKind.STATUS
    assert told.key.endswith(f":status:{event.pk}")
    # When it is closed again and reopened from the staff page
    close(office, complaint, officer)
    page = tenant_client.get(f"/console/pengaduan/{complaint.pk}/", tenant=office)
    assert 'id="reopen"' in page.content.decode()
    response = tenant_client.post(
        f"/console/pengaduan/{complaint.pk}/buka-kembali/", {"reason": "Lagi"}, tenant=office
    )
    assert response.status_code == 302
    assert reload(office, complaint).state == "received"
    assert kinds(office, complaint).count("reopened") == 2


def test_the_reopen_rule_is_sop_data_and_is_validated(
    office: Tenant, officer: User, tenant_client: TenantClient
) -> None:
    # An SOP whose reopen target does not exist, is terminal, or whose days are out of range
    for rule, message in (
        ({"to": "nowhere"}, "reopen.to"),
        ({"to": "closed"}, "keadaan akhir"),
        ({"to": "received", "within_days": 0}, "within_days"),
    ):
        definition = template_for(TenantKind.DISDUKCAPIL)
        definition["reopen"] = rule
        with pytest.raises(SopError) as refused:
            validate_sop(definition)
        assert refused.value.code == "sop.bad_reopen"
        assert message in refused.value.message
    # A tenant's own rule: back to "distributed", within 3 days
    admin = make_member(office, Role.TENANT_ADMIN)
    definition = template_for(TenantKind.DISDUKCAPIL)
    definition["reopen"] = {"to": "distributed", "within_days": 3}
    with schema_context(office.schema_name):
        do_edit_sop(tenant=office, definition=definition, actor=admin)
    complaint = file_complaint(office)
    close(office, complaint, officer)
    url = f"/api/v1/track/{complaint.tracking_code}/reopen/"
    with time_machine.travel(timezone.now() + timedelta(days=4), tick=False):
        assert post(tenant_client, office, url, {"reason": "x"}).status_code == 400
    response = post(tenant_client, office, url, {"reason": "Belum beres"})
    assert response.status_code == 201
    assert reload(office, complaint).state == "distributed"
