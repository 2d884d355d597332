"""Answer approval (F30): a step with "approval" is held until the head approves it or sends
it back; only then is the citizen told. DISDUKCAPIL's final answer uses it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from complaints.models import Attachment, Complaint, ComplaintEvent
from integrations.models import OutboxMessage
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.complaints.files import pdf_bytes
from tests.complaints.test_workflow import Staff, state_of, walk
from tests.factories import TenantFactory, file_complaint

pytestmark = pytest.mark.django_db


def reload(tenant: Tenant, complaint: Complaint) -> Complaint:
    with schema_context(tenant.schema_name):
        return Complaint.objects.get(pk=complaint.pk)


def kinds(tenant: Tenant, complaint: Complaint) -> list[str]:
    with schema_context(tenant.schema_name):
        return list(
            ComplaintEvent.objects.filter(complaint_id=complaint.pk).values_list("kind", flat=True)
        )


def told(complaint: Complaint) -> int:
    return OutboxMessage.objects.filter(tracking_code=complaint.tracking_code).count()


def decide(staff: Staff, role: Role, complaint: Complaint, **body: Any) -> Any:
    return staff.clients[role].post(
        f"/api/v1/complaints/{complaint.pk}/approval/", body,
        content_type="application/json", tenant=staff.tenant,
    )  # fmt: skip


def approval_queue(staff: Staff, role: Role) -> dict[str, Any]:
    queues = staff.clients[role].get("/api/v1/work/", tenant=staff.tenant).json()
    return next(q for q in queues if q["key"] == "approval")


@pytest.fixture
def drafted(tenant_factory: TenantFactory) -> tuple[Staff, Complaint]:
    """A Disdukcapil complaint whose answer team drafted the final answer with its letter."""
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    staff = Staff(tenant, Role.OFFICER, Role.ANSWER_TEAM, Role.HEAD)
    complaint = file_complaint(tenant, subject="KTP-el belum jadi", email="siti@example.test")
    walk(staff, complaint, [(Role.OFFICER, "distribute", {"note": "Untuk bidang PIAK"})])
    letter = SimpleUploadedFile("surat-jawaban.pdf", pdf_bytes())
    response = staff.take(
        Role.ANSWER_TEAM, complaint, "answer",
        response="KTP-el dapat diambil hari Jumat.", letter=letter,
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    return staff, complaint


def test_the_answer_is_held_until_the_head_approves_it(drafted: tuple[Staff, Complaint]) -> None:
    staff, complaint = drafted
    tenant = staff.tenant
    # Then the step is not taken: the complaint stays distributed, nothing public, nobody told
    sent_before = told(complaint)
    assert state_of(tenant, complaint) == "distributed"
    held = reload(tenant, complaint)
    assert held.pending_answer is not None
    assert (held.pending_answer["transition"], held.pending_answer["status"]) == (
        "answer", "waiting",
    )  # fmt: skip
    assert held.pending_answer["drafted_by"] == staff.users[Role.ANSWER_TEAM].pk
    assert "response" not in kinds(tenant, complaint)
    assert kinds(tenant, complaint)[-1] == "answer_drafted"
    track = staff.clients[Role.OFFICER].get(f"/api/v1/track/{complaint.tracking_code}/",
                                            tenant=tenant).json()  # fmt: skip
    assert track["files"] == [] and track["state"] == "distributed"
    # and it waits in the head's approval queue (the work queue's "approval" list)
    queue = approval_queue(staff, Role.HEAD)
    assert (queue["count"], [c["id"] for c in queue["complaints"]]) == (1, [complaint.pk])
    # No other step while it waits
    again = staff.take(Role.ANSWER_TEAM, complaint, "answer", response="Lain")
    assert (again.status_code, again.json()["code"]) == (400, "workflow.awaiting_approval")
    # The answer team and the officer cannot approve (not approvers: "not found")
    assert decide(staff, Role.OFFICER, complaint, decision="approve").status_code == 404
    assert decide(staff, Role.ANSWER_TEAM, complaint, decision="approve").status_code == 404
    assert state_of(tenant, complaint) == "distributed" and told(complaint) == sent_before
    # When the head approves
    response = decide(staff, Role.HEAD, complaint, decision="approve", note="Sesuai.")
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["pending_answer"]) == ("answered", None)
    # Then the step is taken with the answer public, its letter a response file, and the
    # citizen told
    assert kinds(tenant, complaint)[-3:] == ["answer_approved", "transition", "response"]
    with schema_context(tenant.schema_name):
        (letter,) = Attachment.objects.filter(complaint_id=complaint.pk)
        answer = ComplaintEvent.objects.get(complaint_id=complaint.pk, kind="response")
        approval = ComplaintEvent.objects.get(complaint_id=complaint.pk, kind="answer_approved")
    assert (answer.message, answer.is_public) == ("KTP-el dapat diambil hari Jumat.", True)
    assert (approval.actor_id, approval.message, approval.is_public) == (
        staff.users[Role.HEAD].pk, "Sesuai.", False,
    )  # fmt: skip
    assert letter.is_response and not letter.redacted
    # staff find the letter on the step's timeline entry
    detail = staff.clients[Role.OFFICER].get(f"/api/v1/complaints/{complaint.pk}/",
                                             tenant=tenant).json()  # fmt: skip
    (step,) = [e for e in detail["events"] if e["files"]]
    assert [(f["input"], f["attachment"]) for f in step["files"]] == [("letter", letter.pk)]
    assert told(complaint) > sent_before
    assert approval_queue(staff, Role.HEAD)["count"] == 0
    # and the tracking page and its API show the letter, downloadable with the code
    anonymous = TenantClient()
    track = anonymous.get(f"/api/v1/track/{complaint.tracking_code}/", tenant=tenant).json()
    (file,) = track["files"]
    assert (file["name"], file["content_type"]) == ("surat-jawaban.pdf", "application/pdf")
    download = anonymous.get(file["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    page = anonymous.get(f"/lacak/{complaint.tracking_code}/", tenant=tenant)
    assert b"surat-jawaban.pdf" in page.content and file["url"].encode() in page.content
    # a wrong file id under a real code is not found
    assert anonymous.get(file["url"].replace(f"/{file['id']}/", "/999999/")).status_code == 404
    # When the officer redacts the letter from the public view, with a reason
    redacted = staff.clients[Role.OFFICER].post(
        f"/api/v1/complaints/{complaint.pk}/redactions/",
        {"reason": "Memuat NIK pengadu.", "attachment": letter.pk},
        content_type="application/json", tenant=tenant,
    )  # fmt: skip
    assert redacted.status_code == 200, redacted.json()
    assert redacted.json()["redacted_attachments"] == [letter.pk]
    # Then the tracking page no longer lists or serves it; staff still have it
    track = anonymous.get(f"/api/v1/track/{complaint.tracking_code}/", tenant=tenant).json()
    assert track["files"] == []
    assert anonymous.get(file["url"]).status_code == 404
    with schema_context(tenant.schema_name):
        entry = ComplaintEvent.objects.get(complaint_id=complaint.pk, kind="redacted")
        assert Attachment.objects.filter(pk=letter.pk, redacted=True).exists()
    assert (entry.message, entry.before, entry.after) == (
        "Memuat NIK pengadu.",
        {"attachment": letter.pk, "public": True},
        {"attachment": letter.pk, "public": False},
    )
    staff_copy = staff.clients[Role.OFFICER].get(
        f"/console/pengaduan/{complaint.pk}/lampiran/{letter.pk}/", tenant=tenant
    )
    assert staff_copy.status_code == 200


def test_the_head_sends_an_answer_back_with_a_note(drafted: tuple[Staff, Complaint]) -> None:
    staff, complaint = drafted
    tenant = staff.tenant
    sent_before = told(complaint)
    # A return without a note is refused, field by field, and changes nothing
    refused = decide(staff, Role.HEAD, complaint, decision="return", note="  ")
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["extra"]["field"]) == (
        "approval.note_required", "note",
    )  # fmt: skip
    assert reload(tenant, complaint).pending_answer["status"] == "waiting"  # type: ignore[index]
    # When the head sends it back with a note
    response = decide(staff, Role.HEAD, complaint, decision="return",
                      note="Sebutkan jam pengambilan.")  # fmt: skip
    assert response.status_code == 200, response.json()
    # Then nothing left: the complaint stays, the draft is marked returned with the note
    pending = reload(tenant, complaint).pending_answer
    assert pending is not None
    assert (pending["status"], pending["note"]) == ("returned", "Sebutkan jam pengambilan.")
    assert state_of(tenant, complaint) == "distributed" and told(complaint) == sent_before
    assert kinds(tenant, complaint)[-1] == "answer_returned"
    assert approval_queue(staff, Role.HEAD)["count"] == 0
    # and approving a returned answer is refused
    late = decide(staff, Role.HEAD, complaint, decision="approve")
    assert (late.status_code, late.json()["code"]) == (400, "approval.nothing_waiting")
    # The drafter sees the note on the steps page and drafts again; the head approves
    page = staff.clients[Role.ANSWER_TEAM].get(f"/console/complaints/{complaint.pk}/steps/",
                                               tenant=tenant)  # fmt: skip
    assert b"Sebutkan jam pengambilan." in page.content
    again = staff.take(Role.ANSWER_TEAM, complaint, "answer",
                       response="KTP-el dapat diambil hari Jumat pukul 08.00-12.00.")  # fmt: skip
    assert again.status_code == 200
    assert decide(staff, Role.HEAD, complaint, decision="approve").status_code == 200
    with schema_context(tenant.schema_name):
        answer = ComplaintEvent.objects.get(complaint_id=complaint.pk, kind="response")
    assert answer.message == "KTP-el dapat diambil hari Jumat pukul 08.00-12.00."
    assert state_of(tenant, complaint) == "answered"


def test_the_approval_page_shows_the_draft_and_takes_the_decision(
    drafted: tuple[Staff, Complaint],
) -> None:
    staff, complaint = drafted
    tenant = staff.tenant
    url = f"/console/pengaduan/{complaint.pk}/persetujuan/"
    # The answer team reads the draft but gets no decision form
    page = staff.clients[Role.ANSWER_TEAM].get(url, tenant=tenant)
    assert page.status_code == 200
    assert b"KTP-el dapat diambil hari Jumat." in page.content
    assert b'id="approval-form"' not in page.content
    # The head reaches it from the work queue and decides there
    home = staff.clients[Role.HEAD].get("/console/", tenant=tenant)
    assert f'href="/t/{tenant.slug}{url}"'.encode() in home.content
    bad = staff.clients[Role.HEAD].post(url, {"decision": "return", "note": ""}, tenant=tenant)
    assert bad.status_code == 400 and b'id="error-note"' in bad.content
    done = staff.clients[Role.HEAD].post(url, {"decision": "approve", "note": ""}, tenant=tenant)
    assert done.status_code == 302
    assert state_of(tenant, complaint) == "answered"
