"""The SP4N-LAPOR! connector against a fake LAPOR! on loopback speaking the (assumed) protocol
of integrations/lapor/protocol.py: credentials, import, push, referrals, failures."""

from __future__ import annotations

import base64
import inspect
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from dramatiq_crontab import scheduler

from aduan import crypto
from complaints import audit as complaints_audit
from complaints.actions.forward import do_forward_complaint
from complaints.actions.route import do_hand_to_authority
from complaints.actions.working import do_respond_to_complaint
from complaints.models import Channel, Complaint, ComplaintEvent, EventKind
from integrations import inbound, outbox, tasks
from integrations.lapor import push as lapor_push
from integrations.lapor import referrals
from integrations.models import (
    InboundMessage,
    InboundStatus,
    LaporConnection,
    OutboxMessage,
    OutboxStatus,
)
from routing.models import LaporReferral
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.complaints.files import photo, png_bytes
from tests.factories import TenantFactory, file_complaint, make_member, sign_in
from tests.integrations.fakes import LaporFake

API = "/api/v1/integrations/lapor/"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def pemkab(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05", name="Pemkab Barito Utara")


def connect(client: TenantClient, tenant: Tenant, client_id: str, secret: str) -> Any:
    sign_in(client, make_member(tenant, Role.TENANT_ADMIN))
    return client.put(
        API,
        {"client_id": client_id, "secret": secret},
        content_type="application/json",
        tenant=tenant,
    )


def run_inbound() -> list[InboundMessage]:
    """Process every waiting inbound message as workers would, until none is left (a sync
    stores one message per complaint, processed in the next round)."""
    done: list[InboundMessage] = []
    while True:
        waiting = list(
            InboundMessage.objects.filter(status=InboundStatus.PENDING)
            .exclude(pk__in=[m.pk for m in done])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not waiting:
            return done
        for pk in waiting:
            processed = inbound.process_message(pk)
            assert processed is not None
            done.append(processed)


def sync() -> list[InboundMessage]:
    tasks.sync_lapor()  # the periodic job's body, here and now
    return run_inbound()


def complaints_of(tenant: Tenant) -> list[Complaint]:
    with schema_context(tenant.schema_name):
        return list(Complaint.objects.order_by("pk"))


def send_outbox() -> None:
    for pk in OutboxMessage.objects.order_by("pk").values_list("pk", flat=True):
        outbox.deliver(pk)


def test_credentials_are_stored_encrypted_and_never_echoed(
    pemkab: Tenant, tenant_client: TenantClient, lapor_server: LaporFake
) -> None:
    # When the tenant admin sets the LAPOR! credentials by API
    lapor_server.accounts["barut"] = "s3cret-lapor"
    response = connect(tenant_client, pemkab, "barut", "s3cret-lapor")
    # Then the secret is stored encrypted and never comes back
    assert response.status_code == 200, response.content
    assert "s3cret-lapor" not in response.content.decode()
    assert response.json()["has_secret"] is True
    connection = LaporConnection.objects.get(tenant=pemkab)
    assert "s3cret-lapor" not in connection.secret_encrypted
    assert crypto.decrypt(connection.secret_encrypted) == "s3cret-lapor"
    assert "s3cret-lapor" not in tenant_client.get(API, tenant=pemkab).content.decode()
    page = tenant_client.get("/integrations/lapor/", tenant=pemkab)
    assert page.status_code == 200 and "s3cret-lapor" not in page.content.decode()
    # And the test call signs in
    tested = tenant_client.post(f"{API}test/", tenant=pemkab)
    assert tested.status_code == 200 and tested.json() == {"ok": True}


def test_a_wrong_secret_fails_the_test_with_a_clear_error(
    pemkab: Tenant, tenant_client: TenantClient, lapor_server: LaporFake
) -> None:
    lapor_server.accounts["barut"] = "right"
    connect(tenant_client, pemkab, "barut", "wrong")
    response = tenant_client.post(f"{API}test/", tenant=pemkab)
    assert response.status_code == 400
    assert response.json()["code"] == "integrations.lapor_rejected"
    assert "menolak kredensial" in response.json()["message"]


def test_a_new_connection_needs_a_secret(pemkab: Tenant, tenant_client: TenantClient) -> None:
    response = connect(tenant_client, pemkab, "barut", "")
    assert response.status_code == 400
    assert response.json()["extra"]["field"] == "secret"
    assert not LaporConnection.objects.exists()


def test_disposed_complaints_are_imported_once_through_intake(
    pemkab: Tenant, tenant_client: TenantClient, lapor_server: LaporFake
) -> None:
    # Given three complaints disposed to Barito Utara on LAPOR! (the fake pages them by two)
    lapor_server.accounts["barut"] = "s3cret"
    lapor_server.dispose("barut", "101", title="Jalan rusak", is_secret=False)
    lapor_server.dispose(
        "barut", "102", title="Lampu jalan mati", is_anonymous=True,
        reporter={"name": "Rahasia", "phone": "bukan nomor", "email": "", "address": "Y"},
    )  # fmt: skip
    lapor_server.dispose("barut", "103", title="Sampah menumpuk")
    connect(tenant_client, pemkab, "barut", "s3cret")
    # When the import job runs
    sync()
    # Then each is filed once in Barito Utara's register through intake, channel lapor
    filed = complaints_of(pemkab)
    assert [c.subject for c in filed] == ["Jalan rusak", "Lampu jalan mati", "Sampah menumpuk"]
    assert {c.channel for c in filed} == {Channel.LAPOR}
    first, anonymous, third = filed
    assert (first.name, first.phone, first.is_confidential) == ("Budi", "+6281234567890", False)
    assert (anonymous.name, anonymous.phone, anonymous.is_anonymous) == ("", "", True)
    assert third.is_confidential  # rahasia unless LAPOR! says otherwise
    assert first.raw_payload is not None and first.raw_payload["tracking_id"] == "LAP-101"
    assert LaporConnection.objects.get(tenant=pemkab).cursor == "3"
    # and no citizen notification of Aduan's own (LAPOR! tells its reporters)
    assert not OutboxMessage.objects.exists()
    # When it runs again, and again after a fourth is disposed
    sync()
    assert len(complaints_of(pemkab)) == 3
    detail_calls = sum(1 for m, p in lapor_server.requests if m == "GET" and p != "/complaints")
    lapor_server.dispose("barut", "104", title="Air PDAM keruh")
    sync()
    # Then only the new one is fetched and filed
    assert [c.subject for c in complaints_of(pemkab)][-1] == "Air PDAM keruh"
    assert len(complaints_of(pemkab)) == 4
    assert sum(1 for m, p in lapor_server.requests if m == "GET" and p != "/complaints") == (
        detail_calls + 1
    )
    # And the staff page shows where it came from
    sign_in(tenant_client, make_member(pemkab, Role.OFFICER))
    page = tenant_client.get(f"/console/pengaduan/{first.pk}/", tenant=pemkab)
    assert "LAP-101" in page.content.decode()


def test_status_changes_and_answers_are_pushed_once(
    pemkab: Tenant, tenant_client: TenantClient, lapor_server: LaporFake
) -> None:
    # Given a complaint imported from LAPOR!
    lapor_server.accounts["barut"] = "s3cret"
    lapor_server.dispose("barut", "201")
    connect(tenant_client, pemkab, "barut", "s3cret")
    sync()
    [complaint] = complaints_of(pemkab)
    officer = make_member(pemkab, Role.OFFICER)
    # When an officer takes an SOP step and answers the reporter
    sign_in(tenant_client, officer)
    stepped = tenant_client.post(
        f"/api/v1/complaints/{complaint.pk}/transitions/",
        json.dumps({"transition": "verify", "inputs": {"classification": "complaint"}}),
        content_type="application/json",
        tenant=pemkab,
    )
    assert stepped.status_code == 200, stepped.content
    with schema_context(pemkab.schema_name):
        do_respond_to_complaint(
            complaint=Complaint.objects.get(pk=complaint.pk),
            message="Tim sudah meninjau lokasi.",
            actor=officer,
        )
    send_outbox()
    # Then LAPOR! has both follow-ups, once each, the status under the complaint's own SOP
    pushed = lapor_server.followups["201"]
    assert [(f["status"], f["reference"]) for f in pushed] == [
        ("proses", complaint.tracking_code),
        ("proses", complaint.tracking_code),
    ]
    assert "Verifikasi, klasifikasi dan disposisi" in pushed[0]["content"]
    assert pushed[1]["content"] == "Tim sudah meninjau lokasi."
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    posts = len([r for r in lapor_server.requests if r[0] == "POST"])
    # When the outbox delivers again (a sent row), and when a row whose outcome was unknown
    # is sent again with its key
    send_outbox()
    assert len([r for r in lapor_server.requests if r[0] == "POST"]) == posts
    OutboxMessage.objects.filter(pk=OutboxMessage.objects.order_by("pk").first().pk).update(  # type: ignore[union-attr]
        status=OutboxStatus.PENDING
    )
    send_outbox()
    # Then LAPOR! still has two follow-ups: the repeated push changed nothing
    assert len(lapor_server.followups["201"]) == 2
    # When the officer finishes it (a terminal state of its SOP) with an answer
    for step, answer in (("first_response", "Sedang diperbaiki."), ("finish", "Sudah beres.")):
        taken = tenant_client.post(
            f"/api/v1/complaints/{complaint.pk}/transitions/",
            json.dumps({"transition": step, "inputs": {"response": answer}}),
            content_type="application/json",
            tenant=pemkab,
        )
        assert taken.status_code == 200, taken.content
    send_outbox()
    # Then the last follow-ups say "selesai": the step and its public answer
    assert [(f["status"], f["is_final"]) for f in lapor_server.followups["201"][2:]] == [
        ("proses", False),
        ("proses", False),
        ("selesai", True),
        ("selesai", True),
    ]
    assert lapor_server.followups["201"][-1]["content"] == "Sudah beres."


def test_bad_credentials_are_kept_as_a_failed_message_with_retry(
    pemkab: Tenant, tenant_client: TenantClient, lapor_server: LaporFake
) -> None:
    # Given a connection with a wrong secret
    lapor_server.accounts["barut"] = "right"
    lapor_server.dispose("barut", "301")
    connect(tenant_client, pemkab, "barut", "wrong")
    # When the import runs
    [failed] = sync()
    # Then the sync is kept as a failed message with a clear error, waiting for a person
    assert failed.status == InboundStatus.FAILED
    assert failed.last_error.startswith("integrations.lapor_rejected: SP4N-LAPOR! menolak")
    assert failed.next_attempt_at is None
    assert complaints_of(pemkab) == []
    assert "menolak kredensial" in tenant_client.get(API, tenant=pemkab).json()["last_error"]
    listed = tenant_client.get("/api/v1/integrations/failed/", tenant=pemkab).json()
    assert [m["id"] for m in listed] == [failed.pk]
    # and the periodic job does not hammer LAPOR! with the same wrong secret
    sync()
    assert InboundMessage.objects.get(pk=failed.pk).status == InboundStatus.FAILED
    # When the right secret is stored and the admin presses Retry
    LaporConnection.objects.filter(tenant=pemkab).update(secret_encrypted=crypto.encrypt("right"))
    retried = tenant_client.post(f"/api/v1/integrations/failed/{failed.pk}/retry/", tenant=pemkab)
    assert retried.status_code == 200
    run_inbound()
    # Then the complaint is imported and the failure is gone
    assert [c.subject for c in complaints_of(pemkab)] == ["Jalan rusak"]
    assert InboundMessage.objects.get(pk=failed.pk).status == InboundStatus.PROCESSED
    assert tenant_client.get(API, tenant=pemkab).json()["last_error"] == ""


def test_an_outage_is_retried_with_backoff(
    pemkab: Tenant, tenant_client: TenantClient, lapor_server: LaporFake
) -> None:
    lapor_server.accounts["barut"] = "s3cret"
    lapor_server.dispose("barut", "401")
    connect(tenant_client, pemkab, "barut", "s3cret")
    # When LAPOR! answers 503
    lapor_server.fail_next = 1
    [failed] = sync()
    # Then the sync waits for its backoff, and the sweeper sends it again only after it
    assert failed.status == InboundStatus.FAILED
    assert "HTTP 503" in failed.last_error
    assert failed.next_attempt_at is not None
    assert failed.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert inbound.sweep_due() == 0
    assert inbound.sweep_due(failed.next_attempt_at + timedelta(seconds=1)) == 1
    assert inbound.process_message(failed.pk).status == InboundStatus.PROCESSED  # type: ignore[union-attr]
    run_inbound()
    assert len(complaints_of(pemkab)) == 1
    # And a push that meets an outage is retried by the outbox, then sent once
    officer = make_member(pemkab, Role.OFFICER)
    with schema_context(pemkab.schema_name):
        do_respond_to_complaint(
            complaint=Complaint.objects.get(), message="Sedang ditangani.", actor=officer
        )
    lapor_server.fail_next = 1
    send_outbox()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.next_attempt_at > timezone.now()
    send_outbox()
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT
    assert len(lapor_server.followups["401"]) == 1


def test_tenants_are_isolated(
    tenant_factory: TenantFactory, tenant_client: TenantClient, lapor_server: LaporFake
) -> None:
    # Given two connected tenants with their own accounts, and one not connected
    barut = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05")
    cilacap = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    unconnected = tenant_factory(kind=TenantKind.PEMKAB, region_code="61.03")
    lapor_server.accounts.update({"barut": "a", "cilacap": "b"})
    lapor_server.dispose("barut", "501", title="Untuk Barut")
    lapor_server.dispose("cilacap", "502", title="Untuk Cilacap")
    connect(tenant_client, barut, "barut", "a")
    connect(TenantClient(), cilacap, "cilacap", "b")
    # When the import runs
    sync()
    # Then each has only what LAPOR! disposed to it, and the other tenant was never visited
    assert [c.subject for c in complaints_of(barut)] == ["Untuk Barut"]
    assert [c.subject for c in complaints_of(cilacap)] == ["Untuk Cilacap"]
    assert complaints_of(unconnected) == []
    assert not InboundMessage.objects.filter(tenant=unconnected).exists()
    # And one tenant's admin cannot see the other's connection or failed messages
    other = TenantClient()
    sign_in(other, make_member(cilacap, Role.TENANT_ADMIN))
    assert other.get(API, tenant=barut).status_code == 404
    assert other.get(API, tenant=cilacap).json()["client_id"] == "cilacap"


def test_a_complaint_whose_authority_is_not_on_aduan_is_sent_once(
    tenant_factory: TenantFactory, tenant_client: TenantClient, lapor_server: LaporFake
) -> None:
    # Given a village alone on Aduan, connected to LAPOR!, and a complaint that is not its own
    village = tenant_factory(region_code="33.01.09.2014", slug="desa-babakan-lapor")
    lapor_server.accounts["babakan"] = "s3cret"
    connect(tenant_client, village, "babakan", "s3cret")
    complaint = file_complaint(
        village, subject="KTP-el hilang", description="e-KTP hilang.", attachments=[photo()]
    )
    # When the officer marks it "not our authority" (nobody on Aduan can take it)
    proposal = do_hand_to_authority(
        tenant=village, complaint_id=complaint.pk, reason="Bukan wewenang desa", actor=None
    )
    assert proposal.target is None
    referral = LaporReferral.objects.get(tracking_code=complaint.tracking_code)
    # When the sending job runs, twice
    tasks.send_lapor_referrals()
    tasks.send_lapor_referrals()
    # Then LAPOR! has it once, with the village's account, and its TrackingID is stored
    [(lapor_id, created)] = lapor_server.created.items()
    assert created["by"] == "babakan"
    assert (created["title"], created["reference"]) == ("KTP-el hilang", complaint.tracking_code)
    assert created["is_secret"] is True
    assert created["attachments"] == [
        {
            "name": "jalan.png",
            "content_type": "image/png",
            "content_base64": base64.b64encode(png_bytes()).decode(),
        }
    ]
    referral.refresh_from_db()
    assert (referral.lapor_id, referral.lapor_tracking_id) == (lapor_id, f"LAP-{lapor_id}")
    assert referral.sent_at is not None
    # and it is visible with the complaint: tracking API and the staff page
    tracked = tenant_client.get(f"/api/v1/track/{complaint.tracking_code}/").json()
    assert tracked["lapor_tracking_id"] == f"LAP-{lapor_id}"
    sign_in(tenant_client, make_member(village, Role.OFFICER))
    page = tenant_client.get(f"/console/pengaduan/{complaint.pk}/", tenant=village)
    assert f"LAP-{lapor_id}" in page.content.decode()
    # When the answer had been lost and the job sends it again
    LaporReferral.objects.filter(pk=referral.pk).update(sent_at=None, lapor_id="", attempts=0)
    assert referrals.send_due() == 1
    # Then LAPOR! still has one complaint (same idempotency key)
    assert len(lapor_server.created) == 1


def test_a_referral_without_credentials_waits_and_is_retried(
    reference_data: object, tenant_client: TenantClient, lapor_server: LaporFake, settings: Any
) -> None:
    # Given a front-door complaint nobody on Aduan can take, and no platform credentials
    response = tenant_client.post(
        "/api/v1/intake/",
        {
            "name": "Siti", "address": "RT 1", "phone": "081234567890", "regency_code": "61.03",
            "subject": "KTP-el hilang", "description": "x", "attachments": [photo("ktp.png")],
        },
    )  # fmt: skip
    assert response.status_code == 201, response.content
    code = response.json()["tracking_code"]
    # When the job runs, it is not sent and waits with the reason
    assert referrals.send_due() == 0
    referral = LaporReferral.objects.get(tracking_code=code)
    assert referral.sent_at is None and "credentials" in referral.last_error
    assert referral.next_attempt_at is not None
    # When the platform's credentials are set and the backoff is over, it is sent
    lapor_server.accounts["aduan-platform"] = "p"
    settings.ADUAN_LAPOR_CLIENT_ID, settings.ADUAN_LAPOR_CLIENT_SECRET = "aduan-platform", "p"
    assert referrals.send_due(referral.next_attempt_at + timedelta(seconds=1)) == 1
    [created] = lapor_server.created.values()
    assert created["by"] == "aduan-platform"
    assert created["reporter"]["name"] == "Siti"
    assert [(a["name"], a["content_type"]) for a in created["attachments"]] == [
        ("ktp.png", "image/png")
    ]
    assert base64.b64decode(created["attachments"][0]["content_base64"]) == png_bytes()


def test_a_forwarded_import_still_pushes_with_the_account_it_was_disposed_to(
    pemkab: Tenant,
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    lapor_server: LaporFake,
) -> None:
    # Given a complaint imported by Barito Utara, forwarded to an agency without LAPOR!
    agency = tenant_factory(kind=TenantKind.OPD, region_code="62.05", name="Dinas PU Barut")
    lapor_server.accounts["barut"] = "s3cret"
    lapor_server.dispose("barut", "601")
    connect(tenant_client, pemkab, "barut", "s3cret")
    sync()
    [complaint] = complaints_of(pemkab)
    moved = do_forward_complaint(
        tenant=pemkab, complaint_id=complaint.pk, to=agency, reason="Jalan: PU", actor=None
    )
    # When the agency answers the reporter
    with schema_context(agency.schema_name):
        do_respond_to_complaint(
            complaint=Complaint.objects.get(pk=moved.complaint.pk),
            message="Perbaikan dijadwalkan.",
            actor=make_member(agency, Role.OFFICER),
        )
    send_outbox()
    # Then LAPOR! gets it, once, through Barito Utara's account
    assert [f["content"] for f in lapor_server.followups["601"]] == ["Perbaikan dijadwalkan."]
    assert OutboxMessage.objects.get(channel="lapor").status == OutboxStatus.SENT


def test_the_lapor_jobs_are_scheduled() -> None:
    # Given the scheduler the `crontab` command runs (integrations.tasks registered its jobs)
    jobs = {job.name: job for job in scheduler.get_jobs()}
    # Then the import and the referral sending run every five minutes
    assert str(jobs["sync_lapor"].trigger) == "interval[0:05:00]"
    assert str(jobs["send_lapor_referrals"].trigger) == "interval[0:05:00]"


def test_a_follow_up_is_queued_once_through_the_notification_door(
    pemkab: Tenant, tenant_client: TenantClient, lapor_server: LaporFake, monkeypatch: Any
) -> None:
    # Given a complaint imported from LAPOR!, and a spy on the LAPOR! push
    lapor_server.accounts["barut"] = "s3cret"
    lapor_server.dispose("barut", "701")
    connect(tenant_client, pemkab, "barut", "s3cret")
    sync()
    [complaint] = complaints_of(pemkab)
    callers: list[str] = []
    real = lapor_push.on_event

    def spy(**kwargs: Any) -> OutboxMessage | None:
        callers.append(
            f"{inspect.stack()[1].frame.f_globals['__name__']}.{inspect.stack()[1].function}"
        )
        return real(**kwargs)

    monkeypatch.setattr(lapor_push, "on_event", spy)
    # When an officer takes an SOP step
    sign_in(tenant_client, make_member(pemkab, Role.OFFICER))
    stepped = tenant_client.post(
        f"/api/v1/complaints/{complaint.pk}/transitions/",
        json.dumps({"transition": "verify", "inputs": {"classification": "complaint"}}),
        content_type="application/json",
        tenant=pemkab,
    )
    assert stepped.status_code == 200, stepped.content
    # Then the follow-up went through the one door (integrations.notify), once
    assert callers == ["integrations.notify.notify_entry"]
    with schema_context(pemkab.schema_name):
        step = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.TRANSITION)
    [queued] = OutboxMessage.objects.all()
    assert (queued.channel, queued.key) == (
        "lapor",
        f"lapor:{pemkab.schema_name}:{complaint.tracking_code}:{step.pk}",
    )
    assert queued.extra["status"] == "proses"
    # and the timeline writer knows nothing of SP4N-LAPOR! (nor of any integration)
    audit = Path(complaints_audit.__file__).read_text()
    assert "lapor" not in audit.lower() and "integrations" not in audit
