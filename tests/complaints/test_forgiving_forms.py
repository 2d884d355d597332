"""Forms that forgive (complaints.forgiving) on the intake pages: the error next to its
field for screen readers, the needed markers and limits, the chosen files kept across an
error, the place found by name at the front door."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from complaints.forgiving import sweep_held_files as sweep_held
from complaints.models import Attachment, Complaint
from complaints.tasks import sweep_held_files
from tenants.models import TenantKind
from tests.client import TenantClient
from tests.complaints.files import disguised_program, photo, png_bytes
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db

CITIZEN = {
    "name": "Siti Aminah",
    "address": "RT 02 RW 03",
    "phone": "0812-3456-7890",
    "subject": "Dana desa tidak diumumkan",
    "description": "APBDes tahun ini tidak dipasang di balai desa.",
}


def token_of(page: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', page)
    assert found, "no form token"
    return found.group(1)


def test_the_tenant_form_marks_the_error_and_keeps_the_photo(
    tenant_factory: TenantFactory, tenant_client: TenantClient, media_root: Path
) -> None:
    village = tenant_factory(slug="desa-babakan")
    # Given the form: needed fields are marked, limits are in the inputs
    blank = tenant_client.get("/pengaduan/baru/", tenant=village).content.decode()
    assert 'name="subject" maxlength="200"' in blank
    # name, address, phone, subject, description and the catalogue's four required questions
    assert blank.count('class="needed"') == 9
    assert 'data-max-bytes="10485760"' in blank
    # When the citizen sends a photo with a wrong e-mail address
    first = tenant_client.post(
        "/pengaduan/baru/",
        {**CITIZEN, "email": "bukan-surel", "attachments": photo(), "form_token": token_of(blank)},
        tenant=village,
    )
    # Then the error stands next to the e-mail field, which says so to screen readers
    page = first.content.decode()
    assert first.status_code == 400
    assert re.search(r'<input[^>]*name="email"[^>]*aria-invalid="true"', page)
    assert 'aria-describedby="error-email"' in page
    assert (
        '<small class="field-error" id="error-email" role="alert">Alamat surel tidak valid.' in page
    )
    # and the photo is kept (named under the file input), nothing filed yet
    assert 'id="held-attachments"' in page and "jalan.png" in page
    with schema_context(village.schema_name):
        assert not Complaint.objects.exists()
    # When the citizen fixes the address and sends again without choosing the photo again
    second = tenant_client.post(
        "/pengaduan/baru/",
        {**CITIZEN, "email": "siti@example.test", "form_token": token_of(page)},
        tenant=village,
    )
    # Then the complaint is filed with the kept photo, and nothing stays held
    assert second.status_code == 302
    with schema_context(village.schema_name):
        attachment = Attachment.objects.get()
        assert Path(media_root, str(attachment.file.name)).read_bytes() == png_bytes()
    assert not list((media_root / "held").rglob("*.*"))


def test_a_refused_file_is_not_kept(
    tenant_factory: TenantFactory, tenant_client: TenantClient, media_root: Path
) -> None:
    village = tenant_factory(slug="desa-babakan")
    refused = tenant_client.post(
        "/pengaduan/baru/", {**CITIZEN, "attachments": disguised_program()}, tenant=village
    )
    page = refused.content.decode()
    assert refused.status_code == 400
    assert re.search(r'<input[^>]*name="attachments"[^>]*aria-invalid="true"', page)
    assert 'id="held-attachments"' not in page
    assert not list(media_root.rglob("held/*/*"))


def test_the_front_door_finds_the_place_by_name_and_keeps_what_was_typed(
    tenant_factory: TenantFactory, tenant_client: TenantClient, media_root: Path
) -> None:
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab-cilacap")
    village = tenant_factory(region_code="33.01.09.2014", parent=regency, slug="babakan")
    # When the citizen searches "Babakan" with a photo already chosen
    searched = tenant_client.post(
        "/pengaduan/", {**CITIZEN, "place_query": "babakan", "cari": "1", "attachments": photo()}
    )
    page = searched.content.decode()
    # Then the villages come with district, regency and province, the text stays, the photo too
    assert searched.status_code == 200
    options = re.findall(r'name="place" value="([^"]+)"> ([^<]+)</label>', page)
    assert ("33.01.09.2014", "Desa Babakan — Kec. Kawunganten — Kab. Cilacap — Jawa Tengah") in [
        (code, label.strip()) for code, label in options
    ]
    assert 'value="Dana desa tidak diumumkan"' in page and "jalan.png" in page
    # When sent without a place
    missing = tenant_client.post("/pengaduan/", {**CITIZEN, "form_token": token_of(page)})
    # Then the error stands at the place
    assert missing.status_code == 400
    assert 'id="error-place"' in missing.content.decode()
    # When the village is chosen and sent
    filed = tenant_client.post(
        "/pengaduan/",
        {**CITIZEN, "place": "33.01.09.2014", "form_token": token_of(missing.content.decode())},
    )
    assert filed.status_code == 200, filed.content
    assert 'id="receipt-link"' in filed.content.decode()
    with schema_context(village.schema_name):
        assert Attachment.objects.get().complaint.subject == CITIZEN["subject"]


def test_files_held_past_the_form_tokens_life_are_swept(
    tenant_factory: TenantFactory, tenant_client: TenantClient, media_root: Path, settings: Any
) -> None:
    village = tenant_factory(slug="desa-babakan")

    def abandon() -> Path:
        """A citizen sends a photo with an error and never comes back."""
        refused = tenant_client.post(
            "/pengaduan/baru/", {**CITIZEN, "email": "bukan-surel", "attachments": photo()},
            tenant=village,
        )  # fmt: skip
        assert refused.status_code == 400
        return media_root / "held" / token_of(refused.content.decode())

    old, recent = abandon(), abandon()
    assert [len(list(folder.iterdir())) for folder in (old, recent)] == [1, 1]
    # Given one token's files older than a token's life, the other's an hour younger
    life = timedelta(hours=settings.ADUAN_FORM_TOKEN_HOURS)
    now = timezone.now()
    for folder, age in ((old, life + timedelta(minutes=1)), (recent, life - timedelta(hours=1))):
        stamp = (now - age).timestamp()
        for held in folder.iterdir():
            os.utime(held, (stamp, stamp))
    # When the hourly job runs (as the worker runs it)
    sweep_held_files.fn()
    # Then the old token's files and folder are gone, the recent one's kept
    assert (old.exists(), [p.name for p in recent.iterdir()]) == (False, ["00-jalan.png"])
    # and a sweep with nothing due deletes nothing
    assert sweep_held() == 0
    assert recent.exists()
