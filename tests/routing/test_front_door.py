"""The front door, the tracking page, the triage queue and the directory, over HTTP."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.actions.forward import do_accept_forwarded_complaint, do_forward_complaint
from complaints.models import Attachment, Complaint, ComplaintEvent, EventKind
from routing.models import Authority, LaporReferral, TrackingCode, TriageEntry, TriageStatus
from tenants.models import Role, TenantKind
from tests.client import TenantClient
from tests.complaints.files import disguised_program, photo, png_bytes
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db

CITIZEN = {
    "name": "Siti Aminah",
    "address": "RT 02 RW 03",
    "phone": "0812-3456-7890",
}


def post(client: TenantClient, path: str, body: dict[str, Any], **kw: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json", **kw)


def test_a_village_matter_at_the_front_door_reaches_the_right_babakan(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given Cilacap and its two Desa Babakan on Aduan
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    tenant_factory(region_code="33.01.09.2014", parent=regency, slug="babakan-kawunganten")
    karangpucung = tenant_factory(
        region_code="33.01.12.2010", parent=regency, slug="babakan-karangpucung"
    )
    # When a citizen files a village-funds matter at the front door with the village code
    response = post(
        tenant_client,
        "/api/v1/intake/",
        {
            **CITIZEN,
            "regency_code": "33.01",
            "village_code": "33.01.12.2010",
            "subject": "Dana desa tidak diumumkan",
            "description": "APBDes tahun ini tidak dipasang di balai desa.",
        },
    )
    # Then it is filed in that Babakan's register, routed with the reason on its timeline
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["outcome"], body["holder"]) == ("route", karangpucung.name)
    with schema_context(karangpucung.schema_name):
        complaint = Complaint.objects.get()
        routed = ComplaintEvent.objects.get(kind=EventKind.ROUTED)
    assert (complaint.tracking_code, complaint.number) == (body["tracking_code"], body["number"])
    assert complaint.category == "dana-desa"
    assert routed.message.endswith(f"→ {karangpucung.name}")
    # and its tracking code works at once
    tracked = tenant_client.get(f"/api/v1/track/{body['tracking_code']}/")
    assert tracked.json() == {
        "tracking_code": body["tracking_code"],
        "holder": karangpucung.name,
        "state": "received",
        "lapor": False,
        "lapor_tracking_id": "",
        "journey": [],
    }


def test_an_unsure_complaint_waits_in_the_regency_triage_queue_then_moves(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given Cilacap's government with its Disdukcapil, and a regency admin
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab")
    dukcapil = tenant_factory(
        kind=TenantKind.DISDUKCAPIL, region_code="33.01", parent=regency, slug="dukcapil"
    )
    admin = make_member(regency, Role.REGENCY_ADMIN)
    # When a citizen files something the router cannot place
    response = post(
        tenant_client,
        "/api/v1/intake/",
        {**CITIZEN, "regency_code": "33.01", "subject": "Mohon bantuan", "description": "Tolong"},
    )
    code = response.json()["tracking_code"]
    # Then it is filed with the regency government and waits in its triage queue
    assert response.json()["outcome"] == "triage"
    assert TrackingCode.objects.get(code=code).tenant == regency
    sign_in(tenant_client, admin)
    queue = tenant_client.get("/api/v1/triage/", tenant=regency).json()["results"]
    assert [(e["tracking_code"], e["holder"]) for e in queue] == [(code, regency.name)]
    # When the regency admin sends it to Disdukcapil
    sent = post(
        tenant_client,
        f"/api/v1/triage/{code}/",
        {"to": "dukcapil", "reason": "Soal akta"},
        tenant=regency,
    )
    # Then it moved, and the queue is empty
    assert sent.status_code == 200, sent.content
    assert TrackingCode.objects.get(code=code).tenant == dukcapil
    assert TriageEntry.objects.get(tracking_code=code).status == TriageStatus.DONE
    assert tenant_client.get("/api/v1/triage/", tenant=regency).json()["results"] == []


def test_no_body_on_aduan_keeps_it_whole_for_lapor(
    reference_data: object, tenant_client: TenantClient
) -> None:
    # When a citizen of Sanggau (no tenant of it on Aduan) files a KTP matter
    response = post(
        tenant_client,
        "/api/v1/intake/",
        {**CITIZEN, "regency_code": "61.03", "subject": "KTP-el hilang", "description": "x"},
    )
    # Then it is kept for SP4N-LAPOR! with everything sent, and its code tracks it
    assert response.status_code == 201
    code = response.json()["tracking_code"]
    referral = LaporReferral.objects.get(tracking_code=code)
    assert referral.holder is None
    assert referral.category == "ktp-el"
    assert referral.payload is not None and referral.payload["name"] == "Siti Aminah"
    assert tenant_client.get(f"/api/v1/track/{code}/").json()["lapor"] is True


def test_the_front_door_needs_a_place(reference_data: object, tenant_client: TenantClient) -> None:
    # When a complaint names neither a regency nor a village
    response = post(tenant_client, "/api/v1/intake/", {**CITIZEN, "subject": "KTP"})
    # Then it is refused with a field error, nothing stored
    assert response.status_code == 400
    assert response.json()["code"] == "complaints.location_required"
    assert response.json()["extra"]["fields"] == {
        "regency_code": ["Pilih kabupaten/kota atau isi kode desa/kelurahan."]
    }
    assert not TrackingCode.objects.exists()


def test_the_front_door_refuses_a_village_code_that_names_no_village(
    reference_data: object, tenant_client: TenantClient
) -> None:
    # When a complaint whose category the router cannot tell names a village code that is no
    # village's, with no regency (it would have gone to SP4N-LAPOR! under that code)
    unsure = {**CITIZEN, "subject": "Tolong", "description": "Mohon dibantu."}
    response = post(tenant_client, "/api/v1/intake/", {**unsure, "village_code": "99.99.99.9999"})
    # Then it is refused with the field's error, in the user's language, and nothing is kept
    assert response.status_code == 400
    assert response.json()["code"] == "complaints.unknown_village"
    assert response.json()["extra"]["fields"] == {
        "village_code": ["Kode desa/kelurahan 99.99.99.9999 tidak dikenal."]
    }
    tenant_client.cookies["django_language"] = "en"
    english = post(tenant_client, "/api/v1/intake/", {**unsure, "village_code": "99.99.99.9999"})
    assert english.json()["extra"]["fields"] == {
        "village_code": ["Unknown village code 99.99.99.9999."]
    }
    assert not TrackingCode.objects.exists()
    assert not LaporReferral.objects.exists()


def test_the_front_door_page_files_and_shows_the_code(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village = tenant_factory(region_code="33.01.09.2014", slug="desa-babakan")
    response = tenant_client.post(
        "/pengaduan/",
        {
            **CITIZEN,
            "place": "33.01",
            "address_text": "Babakan, Kawunganten",
            "subject": "Surat keterangan tidak dilayani",
            "description": "SKTM saya ditolak.",
        },
    )
    assert response.status_code == 200
    with schema_context(village.schema_name):
        complaint = Complaint.objects.get()
    assert complaint.tracking_code in response.content.decode()


def test_the_tracking_page_shows_the_journey(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a complaint that went A → B → C
    a, b, c = (
        tenant_factory(slug=s, name=n)
        for s, n in (("desa-a", "Desa A"), ("desa-b", "Desa B"), ("desa-c", "Desa C"))
    )
    filed = file_complaint(a)
    # Reasons no tracking code can contain (codes are upper case, shown lower case in URLs).
    first, second = "alasan-internal-satu", "alasan-internal-dua"
    at_b = do_forward_complaint(tenant=a, complaint_id=filed.pk, to=b, reason=first, actor=None)
    do_accept_forwarded_complaint(tenant=b, complaint_id=at_b.complaint.pk, actor=None)
    do_forward_complaint(tenant=b, complaint_id=at_b.complaint.pk, to=c, reason=second, actor=None)
    # When the citizen looks it up on the front door
    page = tenant_client.get("/lacak/", {"kode": filed.tracking_code.lower()})
    # Then it says who holds it now and each step, without the internal reasons
    html = page.content.decode()
    assert page.status_code == 200
    assert '<strong id="holder">Desa C</strong>' in html
    journey = html[html.index('<ol id="journey">') : html.index("</ol>")]
    assert journey.count("<li>") == 2
    assert "Desa A → Desa B" in journey and "Diteruskan · Diterima" in journey
    assert "Desa B → Desa C" in journey and "Menunggu diterima" in journey
    assert first not in html and second not in html
    # and an unknown code is a plain 404
    assert tenant_client.get("/lacak/", {"kode": "TIDAKADA42"}).status_code == 404


def test_forward_accept_and_return_over_the_api_and_isolation(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given two complaints at Babakan and an officer on each side
    village = tenant_factory(slug="desa-babakan")
    pupr = tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="pupr")
    sent = file_complaint(village, subject="Jembatan putus")
    kept = file_complaint(village, subject="Urusan desa lain")
    sender, receiver = make_member(village, Role.OFFICER), make_member(pupr, Role.OFFICER)
    # When the village officer forwards one
    sign_in(tenant_client, sender)
    empty = post(tenant_client, f"/api/v1/forwarding/{sent.pk}/forward/", {}, tenant=village)
    response = post(
        tenant_client,
        f"/api/v1/forwarding/{sent.pk}/forward/",
        {"to": "pupr", "reason": "Jembatan kabupaten"},
        tenant=village,
    )
    # Then a bad request names its fields, and the good one moves it
    assert empty.status_code == 400
    assert set(empty.json()["extra"]["fields"]) == {"to", "reason"}
    assert response.status_code == 200, response.content
    arrived = response.json()["complaint"]
    # and the receiver sees only that complaint, nothing else of the origin
    sign_in(tenant_client, receiver)
    overview = tenant_client.get("/api/v1/forwarding/", tenant=pupr).json()
    assert [i["complaint"]["subject"] for i in overview["incoming"]] == ["Jembatan putus"]
    assert overview["forwarded"] == []
    with schema_context(pupr.schema_name):
        assert list(Complaint.objects.values_list("subject", flat=True)) == ["Jembatan putus"]
    assert tenant_client.get("/forwarding/", tenant=village).status_code == 404
    stolen = post(tenant_client, f"/api/v1/forwarding/{kept.pk}/accept/", {}, tenant=village)
    assert stolen.status_code == 404
    # When the receiver returns it
    back = post(
        tenant_client,
        f"/api/v1/forwarding/{arrived['id']}/return/",
        {"reason": "Jembatan desa"},
        tenant=pupr,
    )
    # Then the village holds it again under its own number, and sees the return
    assert back.status_code == 200, back.content
    assert back.json()["complaint"]["number"] == sent.number
    sign_in(tenant_client, sender)
    overview = tenant_client.get("/api/v1/forwarding/", tenant=village).json()
    assert overview["incoming"] == []
    with schema_context(village.schema_name):
        assert sorted(Complaint.objects.values_list("number", flat=True)) == sorted(
            [sent.number, kept.number]
        )


def test_the_regency_admin_adjusts_a_declaration(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given Cilacap, an OPD whose name says nothing, and another regency's body
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    opd = tenant_factory(
        kind=TenantKind.OPD, region_code="33.01", parent=regency, name="Dinas Serba Ada"
    )
    stranger = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    sign_in(tenant_client, make_member(regency, Role.REGENCY_ADMIN))
    # When the regency admin declares roads and bridges for it
    response = tenant_client.put(
        f"/api/v1/directory/{opd.slug}/",
        data=json.dumps({"categories": ["jalan-jembatan"], "coverage_code": "33.01"}),
        content_type="application/json",
        tenant=regency,
    )
    bad = tenant_client.put(
        f"/api/v1/directory/{opd.slug}/",
        data=json.dumps({"categories": ["terbang"], "coverage_code": "61.03"}),
        content_type="application/json",
        tenant=regency,
    )
    foreign = tenant_client.put(
        f"/api/v1/directory/{stranger.slug}/",
        data=json.dumps({"categories": [], "coverage_code": ""}),
        content_type="application/json",
        tenant=regency,
    )
    # Then it is saved; an unknown category is a field error; another regency's body is 404
    assert response.status_code == 200, response.content
    assert response.json()["categories"] == ["jalan-jembatan"]
    assert bad.status_code == 400
    assert bad.json()["extra"]["field"] == "categories"
    assert foreign.status_code == 404
    authority = Authority.objects.get(tenant=opd)
    assert (authority.is_customized, authority.coverage_code) == (True, "33.01")
    assert list(authority.categories.values_list("key", flat=True)) == ["jalan-jembatan"]
    assert Authority.objects.get(tenant=stranger).is_customized is False


# --- attachments at the front door ----------------------------------------------------------


def test_front_door_attachments_travel_with_the_routed_complaint(
    tenant_factory: TenantFactory, tenant_client: TenantClient, media_root: Path
) -> None:
    # Given Cilacap's Babakan on Aduan
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    village = tenant_factory(region_code="33.01.09.2014", parent=regency, slug="desa-babakan")
    pupr = tenant_factory(kind=TenantKind.OPD, region_code="33.01", parent=regency, slug="pupr")
    # When a citizen files a village matter at the front door with a photo (multipart)
    response = tenant_client.post(
        "/api/v1/intake/",
        {
            **CITIZEN,
            "village_code": "33.01.09.2014",
            "subject": "Dana desa tidak diumumkan",
            "description": "APBDes tidak dipasang.",
            "attachments": [photo("papan.png")],
        },
    )
    # Then the photo is the complaint's, in the village's own folder
    assert response.status_code == 201, response.content
    with schema_context(village.schema_name):
        complaint = Complaint.objects.get()
        stored = list(Attachment.objects.filter(complaint=complaint))
        filed = ComplaintEvent.objects.get(kind=EventKind.FILED)
    assert complaint.tracking_code == response.json()["tracking_code"]
    assert [(a.original_name, a.content_type, a.size) for a in stored] == [
        ("papan.png", "image/png", len(png_bytes()))
    ]
    assert str(stored[0].file.name).startswith(f"{village.schema_name}/complaints/")
    assert Path(media_root, str(stored[0].file.name)).read_bytes() == png_bytes()
    assert filed.after is not None and filed.after["attachments"] == 1
    # and it travels on when the village forwards the complaint
    moved = do_forward_complaint(
        tenant=village, complaint_id=complaint.pk, to=pupr, reason="Jalan", actor=None
    )
    with schema_context(pupr.schema_name):
        (there,) = Attachment.objects.filter(complaint_id=moved.complaint.pk)
    assert Path(media_root, str(there.file.name)).read_bytes() == png_bytes()


def test_the_front_door_refuses_a_disguised_file_and_keeps_nothing(
    tenant_factory: TenantFactory, tenant_client: TenantClient, media_root: Path
) -> None:
    # Given Babakan on Aduan
    village = tenant_factory(region_code="33.01.09.2014", slug="desa-babakan")
    # When a program named like a photo comes with a complaint
    response = tenant_client.post(
        "/api/v1/intake/",
        {
            **CITIZEN,
            "village_code": "33.01.09.2014",
            "subject": "Dana desa",
            "description": "APBDes.",
            "attachments": [photo(), disguised_program("bukti.jpg")],
        },
    )
    # Then it is refused with the field's error, as at a tenant's intake, and nothing is kept
    assert response.status_code == 400
    assert response.json()["code"] == "complaints.attachment_type"
    assert response.json()["extra"]["fields"] == {
        "attachments": ["Berkas bukti.jpg bukan foto (JPEG, PNG, WebP) atau PDF."]
    }
    assert not TrackingCode.objects.exists()
    with schema_context(village.schema_name):
        assert not Complaint.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_with_no_body_on_aduan_the_files_are_kept_for_lapor(
    reference_data: object, tenant_client: TenantClient, media_root: Path
) -> None:
    # When a citizen of Sanggau (no tenant there) files a KTP matter with a photo
    response = tenant_client.post(
        "/api/v1/intake/",
        {
            **CITIZEN,
            "regency_code": "61.03",
            "subject": "KTP-el hilang",
            "description": "x",
            "attachments": [photo("ktp.png")],
        },
    )
    # Then the referral keeps the file with what SP4N-LAPOR! needs to send it on
    assert response.status_code == 201, response.content
    code = response.json()["tracking_code"]
    payload = LaporReferral.objects.get(tracking_code=code).payload
    assert payload is not None
    (kept,) = payload["attachments"]
    assert kept == {
        "file": f"public/lapor/{code}/1.png",
        "original_name": "ktp.png",
        "content_type": "image/png",
        "size": len(png_bytes()),
        "sha256": hashlib.sha256(png_bytes()).hexdigest(),
    }
    assert Path(media_root, kept["file"]).read_bytes() == png_bytes()


def test_the_front_door_page_takes_attachments(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given Babakan on Aduan, and the page offers a file input
    village = tenant_factory(region_code="33.01.09.2014", slug="desa-babakan")
    page = tenant_client.get("/pengaduan/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="attachments"' in page and "multiple" in page
    # When the form is sent with a photo
    response = tenant_client.post(
        "/pengaduan/",
        {
            **CITIZEN,
            "place": "33.01.09.2014",
            "subject": "Surat keterangan tidak dilayani",
            "description": "SKTM saya ditolak.",
            "attachments": photo(),
        },
    )
    # Then the complaint has it
    assert response.status_code == 200
    with schema_context(village.schema_name):
        assert Attachment.objects.get().complaint.tracking_code in response.content.decode()
    # and a disguised file is refused on the page, with the message
    refused = tenant_client.post(
        "/pengaduan/",
        {
            **CITIZEN,
            "place": "33.01.09.2014",
            "subject": "x",
            "attachments": disguised_program(),
        },
    )
    assert refused.status_code == 400
    assert "bukan foto (JPEG, PNG, WebP) atau PDF" in refused.content.decode()
    with schema_context(village.schema_name):
        assert Complaint.objects.count() == 1
