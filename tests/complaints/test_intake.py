"""The intake action: the one way a complaint is created."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.models import Attachment, Channel, Complaint, ComplaintEvent, EventKind
from complaints.sop_hooks import INCOMPLETE, RECEIVED
from tests.complaints.files import disguised_program, oversized_photo, photo, png_bytes
from tests.factories import TenantFactory, file_complaint

pytestmark = pytest.mark.django_db


def test_a_complete_complaint_gets_a_number_a_code_and_a_public_filed_event(
    tenant_factory: TenantFactory,
) -> None:
    # Given Desa Babakan
    tenant = tenant_factory(slug="desa-babakan")
    # When a citizen files a complete complaint with a photo
    complaint = file_complaint(tenant, phone="0812-3456-7890", attachments=[photo()])
    # Then it is the register's first entry of the year, in the tenant's code
    year = timezone.localtime().year
    assert complaint.number == f"0001/ADU/DESA-BABAKAN/{year}"
    assert (complaint.register_year, complaint.register_seq) == (year, 1)
    assert re.fullmatch(r"[234679ACDEFGHJKMNPQRTUVWXYZ]{10}", complaint.tracking_code)
    # and the phone is stored in E.164, the safe privacy choice is on, the state is received
    assert complaint.phone == "+6281234567890"
    assert (complaint.is_confidential, complaint.is_anonymous, complaint.is_wbs) == (
        True,
        False,
        False,
    )
    assert complaint.is_complete is True
    assert complaint.missing_elements == []
    assert complaint.state == RECEIVED
    with schema_context(tenant.schema_name):
        events = list(ComplaintEvent.objects.filter(complaint=complaint))
        attachment = Attachment.objects.get(complaint=complaint)
    assert [(e.kind, e.is_public, e.actor_label) for e in events] == [
        (EventKind.FILED, True, "Situs web")
    ]
    assert events[0].after == {"number": complaint.number, "channel": "web", "attachments": 1}
    # and the photo is stored under the tenant's folder, typed by content, with its digest
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "jalan.png"
    assert attachment.sha256 == hashlib.sha256(png_bytes()).hexdigest()
    stored_name = str(attachment.file.name)
    assert stored_name.startswith(f"{tenant.schema_name}/complaints/")
    assert stored_name.endswith(".png")
    assert Path(settings.MEDIA_ROOT, stored_name).read_bytes() == png_bytes()


def test_missing_identity_is_kept_incomplete_and_the_complainant_is_asked(
    tenant_factory: TenantFactory,
) -> None:
    # Given a tenant
    tenant = tenant_factory()
    # When a complaint arrives by SMS with no name, no address and no subject
    complaint = file_complaint(
        tenant, channel=Channel.SMS, name="", address="", subject="", phone="+62 812 3456 7890"
    )
    # Then it is kept, numbered, incomplete, and lists exactly what is missing
    assert complaint.pk is not None
    assert complaint.register_seq == 1
    assert complaint.is_complete is False
    assert complaint.missing_elements == ["name", "address", "subject"]
    assert complaint.state == INCOMPLETE
    # and a public timeline entry asks for the missing elements
    with schema_context(tenant.schema_name):
        events = list(ComplaintEvent.objects.filter(complaint=complaint).values("kind", "after"))
    assert events == [
        {
            "kind": "filed",
            "after": {"number": complaint.number, "channel": "sms", "attachments": 0},
        },
        {"kind": "info_requested", "after": {"missing": ["name", "address", "subject"]}},
    ]


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"phone": "12345"}, ComplaintErrorCode.INVALID_PHONE, "phone"),
        ({"phone": "+852 12"}, ComplaintErrorCode.INVALID_PHONE, "phone"),
        ({"email": "bukan-surel"}, ComplaintErrorCode.INVALID_EMAIL, "email"),
        ({"subject": "x" * 201}, ComplaintErrorCode.TOO_LONG, "subject"),
        ({"village_code": "99.99.99.9999"}, ComplaintErrorCode.UNKNOWN_VILLAGE, "village_code"),
        ({"latitude": "100", "longitude": "110"}, ComplaintErrorCode.INVALID_COORDINATES,
         "latitude"),
        ({"channel": "fax"}, ComplaintErrorCode.INVALID_CHANNEL, "channel"),
        ({"subject": "", "description": ""}, ComplaintErrorCode.EMPTY, "description"),
    ],
)  # fmt: skip
def test_invalid_values_are_refused_and_nothing_is_stored(
    tenant_factory: TenantFactory, overrides: dict[str, str], code: str, field: str
) -> None:
    tenant = tenant_factory()
    # When a complaint with one invalid value is filed
    with pytest.raises(ComplaintError) as caught:
        file_complaint(tenant, **overrides)
    # Then the error names the field, and no complaint, event or number was used
    assert caught.value.code == code
    assert caught.value.extra["field"] == field
    with schema_context(tenant.schema_name):
        assert Complaint.objects.count() == 0
        assert ComplaintEvent.objects.count() == 0
    assert file_complaint(tenant).register_seq == 1


@pytest.mark.parametrize(
    ("make_file", "code"),
    [
        (disguised_program, ComplaintErrorCode.ATTACHMENT_TYPE),
        (lambda: oversized_photo(settings.ADUAN_ATTACHMENT_MAX_BYTES),
         ComplaintErrorCode.ATTACHMENT_TOO_LARGE),
    ],
)  # fmt: skip
def test_bad_attachments_are_refused_and_nothing_is_stored(
    tenant_factory: TenantFactory, make_file: object, code: str
) -> None:
    tenant = tenant_factory()
    media = Path(settings.MEDIA_ROOT, tenant.schema_name)
    with pytest.raises(ComplaintError) as caught:
        file_complaint(tenant, attachments=[photo(), make_file()])  # type: ignore[operator]
    assert caught.value.code == code
    assert caught.value.extra["field"] == "attachments"
    with schema_context(tenant.schema_name):
        assert Complaint.objects.count() == 0
        assert Attachment.objects.count() == 0
    assert not media.exists()


def test_a_long_file_name_is_kept_to_its_last_150_characters(tenant_factory: TenantFactory) -> None:
    # (a bounded row: the attachment table needs no TOAST table, issue 23)
    tenant = tenant_factory()
    name = "foto-jalan-rusak-" + "sangat-panjang-" * 12 + "akhir.png"
    assert len(name) > 150
    complaint = file_complaint(tenant, attachments=[photo(name)])
    with schema_context(tenant.schema_name):
        stored = Attachment.objects.get(complaint=complaint).original_name
    assert stored == name[-150:] and stored.endswith("-akhir.png")


def test_more_than_five_attachments_are_refused(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    with pytest.raises(ComplaintError) as caught:
        file_complaint(tenant, attachments=[photo(f"{i}.png") for i in range(6)])
    assert caught.value.code == ComplaintErrorCode.TOO_MANY_ATTACHMENTS
    with schema_context(tenant.schema_name):
        assert Complaint.objects.count() == 0


def test_a_whistleblowing_report_is_never_public(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    complaint = file_complaint(tenant, is_wbs=True, is_confidential=False)
    assert (complaint.is_wbs, complaint.is_confidential) == (True, True)


def test_events_are_append_only(tenant_factory: TenantFactory) -> None:
    # Given a filed complaint and its first event
    tenant = tenant_factory()
    complaint = file_complaint(tenant)
    with schema_context(tenant.schema_name):
        event = ComplaintEvent.objects.get(complaint=complaint)
        # When anyone tries to change or delete it, by instance or in bulk, it is refused
        event.message = "diubah"
        with pytest.raises(TypeError):
            event.save()
        with pytest.raises(TypeError):
            event.delete()
        with pytest.raises(TypeError):
            ComplaintEvent.objects.filter(pk=event.pk).update(message="diubah")
        with pytest.raises(TypeError):
            ComplaintEvent.objects.filter(pk=event.pk).delete()
        # Then it is as it was written
        assert ComplaintEvent.objects.get(pk=event.pk).message == ""
