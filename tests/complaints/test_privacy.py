"""UU 27/2022 (issue 19): a data subject's rights through the tracking code and a one-time
code, erasure decided by staff, retention anonymising exactly what it should."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from aduan import envelope
from complaints.actions.privacy import do_apply_retention
from complaints.models import AccessLogEntry, Complaint, ComplaintEvent
from integrations.models import OutboxMessage
from routing.models import TrackingCode
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db


def sent_code(complaint: Complaint) -> str:
    message = (
        OutboxMessage.objects.filter(tracking_code=complaint.tracking_code, kind="privacy_code")
        .order_by("-pk")
        .first()
    )
    assert message is not None, "no one-time code was sent"
    found = re.search(r": (\d{6}) ", message.body)
    assert found is not None
    return found[1]


def reload(tenant: Tenant, pk: int) -> Complaint:
    with schema_context(tenant.schema_name):
        complaint = Complaint.objects.get(pk=pk)
        complaint.name  # noqa: B018 - opened while on its schema
        return complaint


def close(tenant: Tenant, complaint: Complaint, at: dt.datetime) -> None:
    """Closed long ago: the retention clock starts at closing."""
    with schema_context(tenant.schema_name):
        locked = Complaint.objects.get(pk=complaint.pk)
        locked.closed_at = at
        locked.state = "closed"
        locked.save(update_fields=["closed_at", "state"])


def test_a_citizen_sees_corrects_and_asks_erasure_and_staff_decide_it(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    filed = file_complaint(tenant, email="siti@example.org")
    code = filed.tracking_code
    citizen = tenant_client
    base = f"/api/v1/track/{code}/personal-data/"
    # Without the one-time code nothing is shown; a wrong code is refused
    citizen.post(f"{base}code/", {}, tenant=tenant, content_type="application/json")
    wrong = citizen.post(base, {"code": "000000"}, tenant=tenant, content_type="application/json")
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "privacy.bad_code"
    # With the code sent to the contact on file: what is held, then a correction
    citizen.post(f"{base}code/", {}, tenant=tenant, content_type="application/json")
    opened = citizen.post(
        base, {"code": sent_code(filed)}, tenant=tenant, content_type="application/json"
    )
    assert opened.status_code == 200
    held = opened.json()
    assert (held["data"]["name"], held["data"]["email"]) == ("Siti Aminah", "siti@example.org")
    token = held["token"]
    corrected = citizen.patch(
        base,
        {"token": token, "name": "Siti Aminah Rahayu"},
        tenant=tenant,
        content_type="application/json",
    )
    assert corrected.status_code == 200
    assert reload(tenant, filed.pk).name == "Siti Aminah Rahayu"
    # and an erasure request
    asked = citizen.post(
        f"{base}erasure/",
        {"token": token, "reason": "Saya tidak ingin data saya disimpan."},
        tenant=tenant,
        content_type="application/json",
    )
    assert asked.status_code == 200
    assert reload(tenant, filed.pk).erasure_requested_at is not None
    # Staff decide: a decision without a reason is refused, nothing changes
    officer = make_member(tenant, Role.OFFICER)
    staff = TenantClient()
    sign_in(staff, officer)
    decide = f"/api/v1/complaints/{filed.pk}/erasure/"
    refused = staff.post(
        decide, {"approve": True, "reason": ""}, tenant=tenant, content_type="application/json"
    )
    assert refused.status_code == 400
    assert reload(tenant, filed.pk).name == "Siti Aminah Rahayu"
    done = staff.post(
        decide,
        {"approve": True, "reason": "Permintaan pemilik data sah"},
        tenant=tenant,
        content_type="application/json",
    )
    assert done.status_code == 200
    # Then the identity is gone for good (the data key destroyed), the statistics stay
    erased = reload(tenant, filed.pk)
    assert (erased.name, erased.phone, erased.email, erased.address) == ("", "", "", "")
    assert bytes(erased.data_key) == b"" and erased.identity_index == []
    assert (erased.subject, erased.category, erased.register_year) == (
        filed.subject,
        filed.category,
        filed.register_year,
    )
    with schema_context(tenant.schema_name):
        correction = ComplaintEvent.objects.filter(complaint_id=filed.pk, kind="updated").get()
        # the correction's before/after were sealed under the destroyed key: unreadable now
        assert str((correction.after or {})["name"]).startswith("sealed:")
        with pytest.raises(envelope.SealError):
            envelope.unwrap_data_key(erased.data_key, tenant.schema_name)
        kinds = list(AccessLogEntry.objects.order_by("id").values_list("kind", flat=True))
    assert kinds[-1] == "erasure" and "subject" in kinds
    # And the tracking code no longer opens anything personal
    citizen.post(f"{base}code/", {}, tenant=tenant, content_type="application/json")
    assert not OutboxMessage.objects.filter(
        tracking_code=code, kind="privacy_code", body__contains="Rahayu"
    ).exists()


def test_retention_anonymises_exactly_the_closed_complaints_past_their_period(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    tenant.privacy = {"retention_years": 5, "wbs_retention_years": 10}
    tenant.save(update_fields=["privacy"])
    now = timezone.now()
    old_closed = file_complaint(tenant, name="Lama Sekali")
    recent_closed = file_complaint(tenant, name="Baru Saja")
    old_open = file_complaint(tenant, name="Masih Jalan")
    old_wbs = file_complaint(tenant, is_wbs=True, description="Isi laporan WBS lama")
    young_wbs = file_complaint(tenant, is_wbs=True, description="Isi laporan WBS muda")
    close(tenant, old_closed, now - dt.timedelta(days=365 * 6))
    close(tenant, recent_closed, now - dt.timedelta(days=365 * 4))
    close(tenant, old_wbs, now - dt.timedelta(days=365 * 11))
    close(tenant, young_wbs, now - dt.timedelta(days=365 * 7))
    with schema_context(tenant.schema_name):
        # A dry run lists, changes nothing
        dry = do_apply_retention(tenant=tenant, dry_run=True, now=now)
        assert (dry.anonymised, dry.purged) == ([old_closed.number], [old_wbs.number])
        assert not Complaint.objects.filter(erased_at__isnull=False).exists()
        # The real run anonymises exactly those
        run = do_apply_retention(tenant=tenant, dry_run=False, now=now)
        assert (run.anonymised, run.purged) == ([old_closed.number], [old_wbs.number])
        erased = set(
            Complaint.objects.filter(erased_at__isnull=False).values_list("number", flat=True)
        )
    assert erased == {old_closed.number, old_wbs.number}
    assert reload(tenant, old_closed.pk).name == ""
    assert reload(tenant, old_wbs.pk).description == ""
    assert reload(tenant, recent_closed.pk).name == "Baru Saja"
    assert reload(tenant, old_open.pk).name == "Masih Jalan"
    assert reload(tenant, young_wbs.pk).description == "Isi laporan WBS muda"
    # Statistics stay: every complaint is still counted
    with schema_context(tenant.schema_name):
        assert Complaint.objects.count() == 5


def test_a_lost_tracking_code_is_sent_again_to_the_contact_given_at_filing(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given two complaints filed with the same phone at two bodies, and one with another
    village = tenant_factory()
    agency = tenant_factory(kind=TenantKind.OPD, region_code="33.01")
    first = file_complaint(village, phone="0812-3456-7890")
    second = file_complaint(agency, phone="+62 812 3456 7890")
    other = file_complaint(village, phone="0813-1111-2222")

    def resend(contact: str) -> Any:
        return tenant_client.post(
            "/api/v1/track-resend/", {"contact": contact}, content_type="application/json"
        )

    # When the citizen asks on the platform with the number as they remember it
    known = resend("081234567890")
    # Then each code goes to that number, and nothing to anyone else
    assert known.status_code == 202
    sent = OutboxMessage.objects.filter(kind="tracking_resend")
    assert sorted(m.tracking_code for m in sent) == sorted(
        [first.tracking_code, second.tracking_code]
    )
    assert {m.recipient for m in sent} == {"+6281234567890"}
    assert other.tracking_code not in sent.values_list("tracking_code", flat=True)
    # An unknown contact gets the same answer and sends nothing
    unknown = resend("0899-9999-9999")
    assert (unknown.status_code, unknown.json()) == (202, known.json())
    assert sent.count() == 2
    # The public index holds digests, never the number
    assert "+6281234567890" not in str(
        list(TrackingCode.objects.values_list("contacts", flat=True))
    )
    # Past the limit: refused, nothing sent
    for _ in range(3):
        resend("0899-9999-9999")
    assert resend("081234567890").status_code == 429
    assert sent.count() == 2
    # The page, linked from the tracking page
    page = tenant_client.get("/lacak/")
    assert "/lacak-kirim-ulang/" in page.content.decode()
