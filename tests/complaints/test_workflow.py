"""Complaints worked through their tenant's SOP, end to end through the API."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from complaints.models import Attachment, Complaint, ComplaintEvent
from complaints.public.models import Deadline
from complaints.sop_templates import template_for
from tenants.models import Role, Tenant, TenantKind, User
from tests.client import TenantClient
from tests.complaints.files import disguised_program, minutes_pdf, pdf_bytes
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db


class Staff:
    """One signed-in client per role in a tenant."""

    def __init__(self, tenant: Tenant, *roles: Role) -> None:
        self.tenant = tenant
        self.users: dict[Role, User] = {}
        self.clients: dict[Role, TenantClient] = {}
        for role in roles:
            self.users[role] = make_member(tenant, role)
            self.clients[role] = TenantClient()
            sign_in(self.clients[role], self.users[role])

    def hand_to_liaison(self, complaint: Complaint) -> None:
        """A liaison officer works only what is assigned to them: the officer assigns it."""
        response = self.clients[Role.OFFICER].post(
            f"/api/v1/complaints/{complaint.pk}/assignment/",
            {"assignee": self.users[Role.LIAISON].pk},
            content_type="application/json",
            tenant=self.tenant,
        )
        assert response.status_code == 200, response.json()

    def steps(self, role: Role, complaint: Complaint) -> Any:
        return self.clients[role].get(f"/api/v1/complaints/{complaint.pk}/transitions/",
                                      tenant=self.tenant)  # fmt: skip

    def take(self, role: Role, complaint: Complaint, transition: str, **inputs: Any) -> Any:
        if role == Role.LIAISON and Role.OFFICER in self.users:
            with schema_context(self.tenant.schema_name):
                assignee = Complaint.objects.get(pk=complaint.pk).assignee_id
            if assignee != self.users[Role.LIAISON].pk:
                self.hand_to_liaison(complaint)
        url = f"/api/v1/complaints/{complaint.pk}/transitions/"
        if any(isinstance(v, (bytes, File)) for v in inputs.values()):
            # A step with a file input goes as multipart: one part per input.
            form = {
                k: SimpleUploadedFile("berita-acara.pdf", v) if isinstance(v, bytes) else v
                for k, v in inputs.items()
            }
            return self.clients[role].post(
                url, {"transition": transition, **form}, tenant=self.tenant
            )
        return self.clients[role].post(
            url,
            json.dumps({"transition": transition, "inputs": inputs}),
            content_type="application/json",
            tenant=self.tenant,
        )


def state_of(tenant: Tenant, complaint: Complaint) -> str:
    with schema_context(tenant.schema_name):
        return Complaint.objects.get(pk=complaint.pk).state


class Event:
    """A timeline entry as the tests read it (before/after are dicts on a transition)."""

    def __init__(self, event: ComplaintEvent) -> None:
        self.before: dict[str, Any] = event.before or {}
        self.after: dict[str, Any] = event.after or {}
        self.message, self.is_public, self.actor_id = event.message, event.is_public, event.actor_id


def events(tenant: Tenant, complaint: Complaint, kind: str) -> list[Event]:
    with schema_context(tenant.schema_name):
        return [
            Event(e) for e in ComplaintEvent.objects.filter(complaint_id=complaint.pk, kind=kind)
        ]


def walk(staff: Staff, complaint: Complaint, steps: list[tuple[Role, str, dict[str, Any]]]) -> None:
    for role, transition, inputs in steps:
        response = staff.take(role, complaint, transition, **inputs)
        assert response.status_code == 200, (transition, response.json())
        assert response.json()["state"] == state_of(staff.tenant, complaint)


def test_disdukcapil_complaint_from_intake_to_closed(tenant_factory: TenantFactory) -> None:
    # Given a Disdukcapil office with its officer and answer team, and a complaint filed
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    staff = Staff(tenant, Role.OFFICER, Role.ANSWER_TEAM, Role.HEAD)
    complaint = file_complaint(tenant, subject="KTP-el belum jadi")
    # Then it starts received, under version 1 of the Disdukcapil template
    steps = staff.steps(Role.OFFICER, complaint).json()
    assert (steps["state"], steps["sop_version"]) == ("received", 1)
    assert steps["state_label"] == "Diterima petugas pengelola pengaduan"
    assert [t["key"] for t in steps["transitions"]] == [
        "answer_directly", "distribute", "request_information"
    ]  # fmt: skip
    # When it is distributed, discussed in a meeting, answered and closed
    walk(staff, complaint, [
        (Role.OFFICER, "distribute", {"note": "Untuk bidang PIAK"}),
        (Role.ANSWER_TEAM, "schedule_meeting", {"meeting_date": "2026-11-26"}),
        (Role.ANSWER_TEAM, "answer", {"response": "KTP-el dapat diambil hari Jumat.",
                                      "minutes": "Blangko tersedia kembali."}),
    ])  # fmt: skip
    # (the final answer waits for the head's approval: tests/complaints/test_approval.py)
    approved = staff.clients[Role.HEAD].post(
        f"/api/v1/complaints/{complaint.pk}/approval/", {"decision": "approve"},
        content_type="application/json", tenant=tenant,
    )  # fmt: skip
    assert approved.status_code == 200, approved.json()
    walk(staff, complaint, [(Role.OFFICER, "close", {})])
    # Then it is closed, with one timeline entry per step and the answer public
    final = staff.steps(Role.OFFICER, complaint).json()
    assert (final["state"], final["terminal"], final["transitions"]) == ("closed", True, [])
    moves = events(tenant, complaint, "transition")
    assert [(e.before, e.after["state"]) for e in moves] == [
        ({"state": "received"}, "distributed"),
        ({"state": "distributed"}, "meeting"),
        ({"state": "meeting"}, "answered"),
        ({"state": "answered"}, "closed"),
    ]
    assert moves[0].after["inputs"] == {"note": "Untuk bidang PIAK"}
    assert moves[0].actor_id == staff.users[Role.OFFICER].pk and not moves[0].is_public
    assert moves[2].after["inputs"] == {"minutes": "Blangko tersedia kembali."}
    assert moves[2].actor_id == staff.users[Role.HEAD].pk
    responses = events(tenant, complaint, "response")
    assert [(e.message, e.is_public) for e in responses] == [
        ("KTP-el dapat diambil hari Jumat.", True)
    ]


def test_disdukcapil_officer_answers_a_simple_complaint_at_intake(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    staff = Staff(tenant, Role.OFFICER)
    complaint = file_complaint(tenant, subject="Jam buka layanan")
    walk(staff, complaint, [
        (Role.OFFICER, "answer_directly", {"response": "Layanan buka 08.00-15.00 WIB."}),
        (Role.OFFICER, "close", {}),
    ])  # fmt: skip
    assert state_of(tenant, complaint) == "closed"


PEMDES_PATH: list[tuple[Role, str, dict[str, Any]]] = [
    (Role.OFFICER, "give_receipt", {}),
    (Role.OFFICER, "verify", {"note": "Identitas dan objek jelas"}),
    (Role.OFFICER, "classify", {"classification": "public_service", "urgency": "high"}),
    (Role.LIAISON, "forward", {"official": "kaur", "official_name": "Bapak Darto"}),
    (Role.LIAISON, "schedule_review", {"meeting_date": "2026-11-27", "invite_reporter": True}),
    (Role.HEAD, "decide_outcome", {
        "minutes": pdf_bytes(),
        "outcome_kind": "administrative", "outcome_action": "procedure_fix",
        "recommendation": "Perbaikan jalan masuk RKPDes.",
    }),
    (Role.OFFICER, "inform_reporter", {"response": "Jalan akan diperbaiki bulan depan."}),
    (Role.OFFICER, "close", {}),
]  # fmt: skip


def test_pemdes_complaint_from_intake_to_closed(tenant_factory: TenantFactory) -> None:
    # Given a village with its officer, liaison officer and head, and a complaint filed
    tenant = tenant_factory()
    staff = Staff(tenant, Role.OFFICER, Role.LIAISON, Role.HEAD)
    complaint = file_complaint(tenant)
    assert state_of(tenant, complaint) == "received"
    # When it goes through every step of the village SOP
    walk(staff, complaint, PEMDES_PATH)
    # Then it is closed, the outcome recorded with its minutes, the reporter informed
    assert state_of(tenant, complaint) == "closed"
    moves = events(tenant, complaint, "transition")
    assert [e.after["transition"] for e in moves] == [step for _, step, _ in PEMDES_PATH]
    outcome = moves[5].after["inputs"]
    assert outcome["outcome_kind"] == "administrative"
    # the minutes (berita acara) stored as an attachment, linked from the step's entry
    with schema_context(tenant.schema_name):
        (minutes,) = Attachment.objects.filter(complaint_id=complaint.pk)
    assert (minutes.content_type, minutes.original_name) == ("application/pdf", "berita-acara.pdf")
    assert outcome["minutes"] == {
        "attachment": minutes.pk, "name": "berita-acara.pdf", "content_type": "application/pdf",
        "size": minutes.size,
    }  # fmt: skip
    detail = staff.clients[Role.OFFICER].get(f"/api/v1/complaints/{complaint.pk}/",
                                             tenant=tenant).json()  # fmt: skip
    (step,) = [e for e in detail["events"] if e["files"]]
    link = f"/t/{tenant.slug}/console/pengaduan/{complaint.pk}/lampiran/{minutes.pk}/"
    assert step["files"] == [{"input": "minutes", "attachment": minutes.pk,
                              "name": "berita-acara.pdf", "url": link}]  # fmt: skip
    download = staff.clients[Role.OFFICER].get(link)
    assert download.status_code == 200
    assert download.getvalue().startswith(b"%PDF")
    assert moves[4].after["inputs"] == {
        "meeting_date": "2026-11-27", "invite_reporter": True, "invite_reported": False
    }  # fmt: skip
    assert [e.message for e in events(tenant, complaint, "response")] == [
        "Jalan akan diperbaiki bulan depan."
    ]


def test_a_role_that_may_not_take_the_step_is_refused(tenant_factory: TenantFactory) -> None:
    # Given a village complaint handed on to the liaison stage
    tenant = tenant_factory()
    staff = Staff(tenant, Role.OFFICER, Role.LIAISON, Role.AUDITOR)
    complaint = file_complaint(tenant)
    walk(staff, complaint, PEMDES_PATH[:3])
    before = len(events(tenant, complaint, "transition"))
    # When the officer (not the liaison) and an auditor try to hand it to an official
    by_officer = staff.take(Role.OFFICER, complaint, "forward", official="kaur")
    by_auditor = staff.take(Role.AUDITOR, complaint, "forward", official="kaur")
    # Then both are refused with a clear code, the state unchanged and no entry written
    for response in (by_officer, by_auditor):
        assert response.status_code == 400
        assert response.json()["code"] == "workflow.role_not_allowed"
        assert response.json()["extra"]["roles"] == ["liaison"]
    assert state_of(tenant, complaint) == "classified"
    assert len(events(tenant, complaint, "transition")) == before
    # and the auditor is not offered the step at all
    assert staff.steps(Role.AUDITOR, complaint).json()["transitions"] == []


def test_staff_of_another_tenant_get_404(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    other = tenant_factory()
    outsider = Staff(other, Role.OFFICER)
    complaint = file_complaint(tenant)
    # When an officer of another village tries the complaint's steps (by its id)
    outsider.tenant = tenant
    response = outsider.take(Role.OFFICER, complaint, "give_receipt")
    # Then it is not found and nothing changed
    assert response.status_code == 404
    assert outsider.steps(Role.OFFICER, complaint).status_code == 404
    assert state_of(tenant, complaint) == "received"
    assert events(tenant, complaint, "transition") == []


def test_missing_or_invalid_inputs_are_refused_with_field_errors(
    tenant_factory: TenantFactory,
) -> None:
    # Given a village complaint at its review meeting
    tenant = tenant_factory()
    staff = Staff(tenant, Role.OFFICER, Role.LIAISON, Role.HEAD)
    complaint = file_complaint(tenant)
    walk(staff, complaint, PEMDES_PATH[:5])
    # When the outcome is recorded without minutes, with an action of another kind, a bad date
    missing = staff.take(Role.HEAD, complaint, "decide_outcome", outcome_kind="corrective",
                         outcome_action="procedure_fix", recommendation="Teguran")  # fmt: skip
    unknown = staff.take(Role.HEAD, complaint, "decide_outcome", minutes=pdf_bytes(),
                         outcome_kind="bribe", outcome_action="reprimand", recommendation="-",
                         extra_field="?")  # fmt: skip
    # Then each is refused field by field, and the complaint stays at the meeting
    assert missing.status_code == 400
    body = missing.json()
    assert body["code"] == "workflow.invalid_input"
    assert set(body["extra"]["fields"]) == {"minutes", "outcome_action"}
    assert body["extra"]["fields"]["minutes"] == ["Wajib diisi."]
    assert unknown.status_code == 400
    assert set(unknown.json()["extra"]["fields"]) == {"outcome_kind", "extra_field"}
    assert state_of(tenant, complaint) == "review_meeting"
    assert len(events(tenant, complaint, "transition")) == 5


def test_a_step_not_from_the_current_state_is_refused(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    staff = Staff(tenant, Role.OFFICER)
    complaint = file_complaint(tenant)
    skipped = staff.take(Role.OFFICER, complaint, "close")
    unknown = staff.take(Role.OFFICER, complaint, "teleport")
    assert skipped.status_code == 400 and unknown.status_code == 400
    assert skipped.json()["code"] == "workflow.not_from_current_state"
    assert unknown.json()["code"] == "workflow.unknown_transition"
    assert unknown.json()["extra"]["fields"]["transition"]
    assert state_of(tenant, complaint) == "received"
    assert events(tenant, complaint, "transition") == []


def test_a_running_complaint_keeps_its_sop_version(tenant_factory: TenantFactory) -> None:
    # Given a village complaint filed under version 1
    tenant = tenant_factory()
    staff = Staff(tenant, Role.OFFICER, Role.TENANT_ADMIN)
    first = file_complaint(tenant)
    # When the admin edits the SOP mid-case: the receipt now needs its number
    edited = template_for(TenantKind.PEMDES)
    receipt = next(t for t in edited["transitions"] if t["key"] == "give_receipt")
    receipt["inputs"] = [{"key": "receipt_number", "label": "Nomor tanda terima",
                          "type": "text", "required": True}]  # fmt: skip
    saved = staff.clients[Role.TENANT_ADMIN].put(
        "/api/v1/sop/", json.dumps({"definition": edited}), content_type="application/json",
        tenant=tenant,
    )  # fmt: skip
    assert saved.json()["version"] == 2
    second = file_complaint(tenant)
    # Then the first complaint still runs under version 1, the new one under version 2
    assert staff.steps(Role.OFFICER, first).json()["sop_version"] == 1
    assert staff.steps(Role.OFFICER, second).json()["sop_version"] == 2
    assert staff.take(Role.OFFICER, first, "give_receipt").status_code == 200
    refused = staff.take(Role.OFFICER, second, "give_receipt")
    assert refused.status_code == 400
    assert set(refused.json()["extra"]["fields"]) == {"receipt_number"}
    numbered = staff.take(Role.OFFICER, second, "give_receipt", receipt_number="TT-7")
    assert numbered.status_code == 200
    assert state_of(tenant, first) == state_of(tenant, second) == "receipt_given"


def test_an_incomplete_complaint_waits_then_enters_the_sop(tenant_factory: TenantFactory) -> None:
    # Given a complaint filed without the complainant's phone number
    tenant = tenant_factory()
    staff = Staff(tenant, Role.OFFICER)
    complaint = file_complaint(tenant, phone="")
    steps = staff.steps(Role.OFFICER, complaint).json()
    # Then it waits in the incomplete state; when the officer records the missing element it
    # enters the SOP at its start
    assert steps["state"] == "incomplete"
    assert [t["key"] for t in steps["transitions"]] == ["complete_file"]
    walk(staff, complaint, [(Role.OFFICER, "complete_file", {"note": "Nomor HP lewat telepon"})])
    assert state_of(tenant, complaint) == "received"


def test_each_step_starts_or_pauses_the_sla_clock(tenant_factory: TenantFactory) -> None:
    # Given a Disdukcapil complaint filed on Monday 23 November 2026, 09:00 WIB
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    staff = Staff(tenant, Role.OFFICER)
    filed_at = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(filed_at, tick=False):
        complaint = file_complaint(tenant)
    # Then "received" (2 working days) is due at the end of Wednesday 25 November, WIB
    with schema_context(tenant.schema_name):
        received = Complaint.objects.get(pk=complaint.pk)
    assert (received.sla_state, received.sla_limit) == ("received", {"working_days": 2})
    assert received.due_at == dt.datetime(2026, 11, 25, 16, 59, 59, tzinfo=dt.UTC)
    # When the officer asks the complainant for more information on Tuesday
    with time_machine.travel(filed_at + dt.timedelta(days=1), tick=False):
        walk(staff, complaint, [(Role.OFFICER, "request_information",
                                 {"question": "Mohon kirim nomor NIK Anda."})])  # fmt: skip
    # Then the clock is paused while the complaint waits for the complainant
    with schema_context(tenant.schema_name):
        waiting = Complaint.objects.get(pk=complaint.pk)
    assert waiting.state == "awaiting_information"
    assert waiting.paused_at == filed_at + dt.timedelta(days=1)
    assert [e.message for e in events(tenant, complaint, "response")] == [
        "Mohon kirim nomor NIK Anda."
    ]


def test_staff_completing_the_file_makes_the_complaint_complete(
    tenant_factory: TenantFactory,
) -> None:
    # Given a regency complaint filed without the complainant's phone number
    tenant = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05")
    staff = Staff(tenant, Role.OFFICER)
    complaint = file_complaint(tenant, phone="")
    with schema_context(tenant.schema_name):
        waiting = Complaint.objects.get(pk=complaint.pk)
    assert (waiting.state, waiting.is_complete, waiting.missing_elements) == (
        "incomplete", False, ["phone"]
    )  # fmt: skip
    # When the officer records that the missing element came by phone
    walk(staff, complaint, [(Role.OFFICER, "complete_file", {"note": "Nomor HP lewat telepon"})])
    # Then the file is complete (the 60 days of Perpres 76/2013 count from here), audited
    with schema_context(tenant.schema_name):
        done = Complaint.objects.get(pk=complaint.pk)
    assert (done.state, done.is_complete, done.missing_elements) == ("received", True, [])
    (move,) = events(tenant, complaint, "transition")
    assert move.before == {
        "state": "incomplete", "is_complete": False, "missing_elements": ["phone"]
    }  # fmt: skip
    assert (move.after["is_complete"], move.after["missing_elements"]) == (True, [])


WIB = dt.timezone(dt.timedelta(hours=7))


def wib(
    year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=WIB)


def test_a_reply_to_a_request_for_information_returns_to_the_step_and_its_clock(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a Disdukcapil complaint received Monday 23 November 2026 09:00 WIB (2 working days:
    # due Wednesday 25th), and the officer asking the complainant on Tuesday 10:00
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    staff = Staff(tenant, Role.OFFICER)
    with time_machine.travel(wib(2026, 11, 23, 9), tick=False):
        complaint = file_complaint(tenant)
    with time_machine.travel(wib(2026, 11, 24, 10), tick=False):
        walk(staff, complaint, [(Role.OFFICER, "request_information",
                                 {"question": "Mohon kirim nomor NIK Anda."})])  # fmt: skip
    with schema_context(tenant.schema_name):
        assert Complaint.objects.get(pk=complaint.pk).due_at is None  # paused
    # When the complainant answers on the tracking API on Wednesday 10:00
    with time_machine.travel(wib(2026, 11, 25, 10), tick=False):
        reply = tenant_client.post(
            f"/api/v1/track/{complaint.tracking_code}/replies/",
            {"message": "NIK saya 6103012345678901."},
            content_type="application/json",
            tenant=tenant,
        )
    # Then it is back in the step it was in, its clock running again without the waiting days
    # (Tuesday and Wednesday not counted: due Friday 27th instead of Wednesday 25th)
    assert reply.status_code == 201, reply.json()
    assert reply.json()["state"] == "received"
    with schema_context(tenant.schema_name):
        back = Complaint.objects.get(pk=complaint.pk)
        deadline = Deadline.objects.get(tenant=tenant, complaint_id=complaint.pk, kind="step")
    assert (back.state, back.paused_at, back.sla_state) == ("received", None, "received")
    assert back.due_at == wib(2026, 11, 27, 23, 59, 59)
    assert deadline.due_at == back.due_at and deadline.reminded_at is None
    moves = events(tenant, complaint, "transition")
    assert [(e.before["state"], e.after["state"], e.after["transition"]) for e in moves] == [
        ("received", "awaiting_information", "request_information"),
        ("awaiting_information", "received", "complainant_replied"),
    ]
    assert moves[1].actor_id is None
    assert [e.message for e in events(tenant, complaint, "reply")] == ["NIK saya 6103012345678901."]
    # and the officer takes the next step from there
    walk(staff, complaint, [(Role.OFFICER, "distribute", {})])


def test_the_minutes_must_be_a_real_pdf_or_photo(tenant_factory: TenantFactory) -> None:
    # Given a village complaint at its review meeting
    tenant = tenant_factory()
    staff = Staff(tenant, Role.OFFICER, Role.LIAISON, Role.HEAD)
    complaint = file_complaint(tenant)
    walk(staff, complaint, PEMDES_PATH[:5])
    outcome = {"outcome_kind": "administrative", "outcome_action": "clarification",
               "recommendation": "-"}  # fmt: skip
    # When the minutes are a program named like a photo, or text instead of a file
    disguised = staff.take(Role.HEAD, complaint, "decide_outcome", minutes=disguised_program(),
                           **outcome)  # fmt: skip
    as_text = staff.take(Role.HEAD, complaint, "decide_outcome", minutes="Rapat selesai",
                         **outcome)  # fmt: skip
    # Then both are refused on the minutes field; nothing stored, the state unchanged
    assert disguised.status_code == 400
    assert disguised.json()["extra"]["fields"] == {
        "minutes": ["Berkas foto.jpg bukan foto (JPEG, PNG, WebP) atau PDF."]
    }
    assert as_text.status_code == 400
    assert as_text.json()["extra"]["fields"] == {
        "minutes": ["Harus berupa berkas (PDF atau foto) yang diunggah."]
    }
    with schema_context(tenant.schema_name):
        assert Attachment.objects.filter(complaint_id=complaint.pk).count() == 0
    assert state_of(tenant, complaint) == "review_meeting"


def test_the_steps_page_takes_the_minutes_as_an_upload(tenant_factory: TenantFactory) -> None:
    # Given a village complaint at its review meeting, and its head on the steps page
    tenant = tenant_factory()
    staff = Staff(tenant, Role.OFFICER, Role.LIAISON, Role.HEAD)
    complaint = file_complaint(tenant)
    walk(staff, complaint, PEMDES_PATH[:5])
    head = staff.clients[Role.HEAD]
    page = head.get(f"/console/complaints/{complaint.pk}/steps/", tenant=tenant)
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" id="decide_outcome-minutes" name="minutes"' in html
    # When the head submits the outcome form with the scanned minutes
    posted = head.post(
        f"/console/complaints/{complaint.pk}/steps/",
        {"transition": "decide_outcome", "minutes": minutes_pdf("BA-27-11.pdf"),
         "outcome_kind": "corrective", "outcome_action": "coaching",
         "recommendation": "Pembinaan petugas"},
        tenant=tenant,
    )  # fmt: skip
    # Then the step is taken and the complaint's timeline links the minutes
    assert posted.status_code == 302
    assert state_of(tenant, complaint) == "outcome_decided"
    with schema_context(tenant.schema_name):
        minutes = Attachment.objects.get(complaint_id=complaint.pk)
    view = staff.clients[Role.OFFICER].get(f"/console/pengaduan/{complaint.pk}/", tenant=tenant)
    link = f"/t/{tenant.slug}/console/pengaduan/{complaint.pk}/lampiran/{minutes.pk}/"
    assert f'<a class="event-file" href="{link}">BA-27-11.pdf</a>' in view.content.decode()
