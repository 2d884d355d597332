"""Onboarding path 4, the lifecycle: suspend (staff read-only, citizens see a notice, new
complaints go to the parent), reactivate, archive with a complete export, delete only after
archiving; every change audited; refusals change nothing."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context

from tenants import selectors
from tenants.actions import lifecycle
from tenants.errors import OnboardingErrorCode
from tenants.models import Domain, Membership, Role, Tenant, TenantEvent, TenantKind, User
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, sign_in


@pytest.fixture
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


@pytest.fixture
def cilacap(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab-cilacap",
                          name="Pemerintah Kabupaten Cilacap")  # fmt: skip


@pytest.fixture
def village(tenant_factory: TenantFactory, cilacap: Tenant) -> Tenant:
    return tenant_factory(region_code="33.01.09.2014", slug="desa-babakan", parent=cilacap,
                          name="Pemerintah Desa Babakan")  # fmt: skip


@pytest.fixture
def admin(cilacap: Tenant) -> User:
    return make_member(cilacap, Role.REGENCY_ADMIN, username="admin-cilacap")


def _schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def _events(slug: str) -> list[tuple[str, str, str]]:
    return [
        (e.kind, e.actor.username if e.actor else "", e.reason)
        for e in TenantEvent.objects.filter(tenant_slug=slug).order_by("pk")
    ]


def test_suspend_then_reactivate_is_audited(village: Tenant, admin: User) -> None:
    lifecycle.do_suspend_tenant(tenant=village, reason="Audit inspektorat", actor=admin)
    village.refresh_from_db()
    assert village.status == "suspended"
    # New complaints go to the parent while suspended
    assert selectors.intake_tenant(village) == village.parent
    lifecycle.do_reactivate_tenant(tenant=village, actor=admin)
    village.refresh_from_db()
    assert village.status == "active"
    assert selectors.intake_tenant(village) == village
    assert _events("desa-babakan") == [
        ("suspended", "admin-cilacap", "Audit inspektorat"),
        ("reactivated", "admin-cilacap", ""),
    ]


def test_refused_transitions_change_nothing(village: Tenant, admin: User, media: Path) -> None:
    # Reactivating an active tenant, suspending without a reason, deleting before archiving
    with pytest.raises(Exception) as active:
        lifecycle.do_reactivate_tenant(tenant=village, actor=admin)
    assert active.value.code == OnboardingErrorCode.BAD_TRANSITION  # type: ignore[attr-defined]
    assert str(active.value) == (
        "Pemerintah Desa Babakan tidak dapat diaktifkan kembali karena berstatus aktif."
    )
    with pytest.raises(Exception) as no_reason:
        lifecycle.do_suspend_tenant(tenant=village, reason=" ", actor=admin)
    assert no_reason.value.code == OnboardingErrorCode.REASON_REQUIRED  # type: ignore[attr-defined]
    with pytest.raises(Exception) as not_archived:
        lifecycle.do_delete_tenant(tenant=village, reason="Tutup", actor=admin)
    assert not_archived.value.code == OnboardingErrorCode.NOT_ARCHIVED  # type: ignore[attr-defined]
    assert str(not_archived.value) == "Pemerintah Desa Babakan harus diarsipkan sebelum dihapus."
    # Suspending an archived tenant
    lifecycle.do_archive_tenant(tenant=village, reason="Digabung", actor=admin)
    with pytest.raises(Exception) as archived:
        lifecycle.do_suspend_tenant(tenant=village, reason="x", actor=admin)
    assert str(archived.value) == (
        "Pemerintah Desa Babakan tidak dapat ditangguhkan karena berstatus diarsipkan."
    )
    village.refresh_from_db()
    assert village.status == "archived"
    assert _schema_exists(village.schema_name)
    assert [k for k, _, _ in _events("desa-babakan")] == ["archived"]


def test_archive_exports_every_table_and_the_media_then_delete_drops_the_schema(
    village: Tenant, admin: User, media: Path
) -> None:
    # Given a village with complaints and an uploaded file
    with schema_context(village.schema_name):
        from complaints.actions.intake import do_file_complaint

        do_file_complaint(
            tenant=village, channel="web", name="Budi", address="Dusun I", phone="081234567890",
            subject="Jalan rusak", description="Berlubang di depan balai desa",
        )  # fmt: skip
    uploads = media / village.schema_name / "attachments"
    uploads.mkdir(parents=True)
    (uploads / "foto.jpg").write_bytes(b"\xff\xd8\xff jpeg")
    # When it is archived
    event = lifecycle.do_archive_tenant(tenant=village, reason="Penggabungan desa", actor=admin)
    # Then one zip holds every tenant table as JSON, the manifest, and the media
    path = media / event.detail["archive"]
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        complaints = json.loads(archive.read("data/complaints.complaint.json"))
        assert archive.read("media/attachments/foto.jpg") == b"\xff\xd8\xff jpeg"
    tenant_tables = {f"data/{m._meta.label_lower}.json" for m in lifecycle.tenant_models()}
    assert tenant_tables <= names
    assert manifest["tenant"]["slug"] == "desa-babakan"
    assert manifest["tables"]["complaints.complaint"] == 1
    assert manifest["media"] == ["attachments/foto.jpg"]
    assert [c["fields"]["subject"] for c in complaints] == ["Jalan rusak"]
    # When it is deleted
    lifecycle.do_delete_tenant(tenant=village, reason="Sudah diserahkan", actor=admin)
    # Then the schema, the row, its domains and memberships are gone; the archive and the
    # audit trail stay
    assert not _schema_exists(village.schema_name)
    assert not Tenant.objects.filter(slug="desa-babakan").exists()
    assert not Domain.objects.filter(domain__startswith="desa-babakan.").exists()
    assert not Membership.objects.filter(tenant_id=village.pk).exists()
    assert path.is_file()
    assert _events("desa-babakan") == [
        ("archived", "admin-cilacap", "Penggabungan desa"),
        ("deleted", "admin-cilacap", "Sudah diserahkan"),
    ]


def test_a_regency_with_agencies_cannot_be_deleted(
    cilacap: Tenant, village: Tenant, media: Path
) -> None:
    operator = make_member(Tenant.objects.get(schema_name="public"), Role.PLATFORM_OPERATOR)
    lifecycle.do_archive_tenant(tenant=cilacap, reason="x", actor=operator)
    with pytest.raises(Exception) as raised:
        lifecycle.do_delete_tenant(tenant=cilacap, reason="x", actor=operator)
    assert raised.value.code == OnboardingErrorCode.HAS_CHILDREN  # type: ignore[attr-defined]
    assert Tenant.objects.filter(pk=cilacap.pk).exists()
    assert _schema_exists(cilacap.schema_name)


def test_suspended_tenant_staff_read_but_cannot_write(
    village: Tenant, admin: User, tenant_client: TenantClient
) -> None:
    officer = make_member(village, Role.OFFICER)
    lifecycle.do_suspend_tenant(tenant=village, reason="Audit", actor=admin)
    sign_in(tenant_client, officer)
    # Reading works
    assert tenant_client.get("/console/", tenant=village).status_code == 200
    assert tenant_client.get("/api/v1/tenant/", tenant=village).status_code == 200
    # Writing is refused with one clear message, on pages and APIs, by path and by host
    page = tenant_client.post("/console/", {}, tenant=village)
    assert page.status_code == 403
    message = (
        "Pemerintah Desa Babakan sedang ditangguhkan atau diarsipkan: data hanya dapat dibaca,"
        " tidak dapat diubah."
    )
    assert message in page.content.decode()
    api = tenant_client.post("/api/v1/tenant/", {}, tenant=village, via="host")
    assert (api.status_code, api.json()["code"], api.json()["message"]) == (
        403,
        "tenants.read_only",
        message,
    )
    # while signing out still works
    assert tenant_client.post("/accounts/logout/", tenant=village).status_code == 302


def test_citizens_see_a_notice_on_a_suspended_tenant(
    village: Tenant, admin: User, tenant_client: TenantClient
) -> None:
    lifecycle.do_suspend_tenant(tenant=village, reason="Audit", actor=admin)
    page = tenant_client.get("/", tenant=village)
    assert "Layanan pengaduan instansi ini sedang tidak aktif." in page.content.decode()


def test_lifecycle_through_the_api(
    village: Tenant, admin: User, tenant_client: TenantClient, media: Path
) -> None:
    sign_in(tenant_client, admin)
    base = "/api/v1/tenants/desa-babakan/"

    def post(action: str, reason: str) -> Any:
        return tenant_client.post(base + action, json.dumps({"reason": reason}),
                                  content_type="application/json")  # fmt: skip

    # Delete before archive: refused, nothing changed
    early = tenant_client.delete(base, json.dumps({"reason": "x"}), content_type="application/json")
    assert (early.status_code, early.json()["code"]) == (400, "tenants.not_archived")
    assert post("suspend/", "Audit").json()["status"] == "suspended"
    assert post("reactivate/", "").json()["status"] == "active"
    archived = post("archive/", "Digabung")
    assert archived.json()["status"] == "archived"
    assert archived.json()["archive_url"] == base + "archive/download/"
    download = tenant_client.get(base + "archive/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]
    again = post("suspend/", "x")
    assert (again.status_code, again.json()["code"]) == (400, "tenants.bad_transition")
    detail = tenant_client.get(base).json()
    assert [e["kind"] for e in detail["events"]] == ["archived", "reactivated", "suspended"]
    deleted = tenant_client.delete(base, json.dumps({"reason": "Selesai"}),
                                   content_type="application/json")  # fmt: skip
    assert deleted.json() == {"deleted": "desa-babakan"}
    assert not Tenant.objects.filter(slug="desa-babakan").exists()


def test_lifecycle_page_suspends_and_another_regency_gets_404(
    village: Tenant, admin: User, tenant_client: TenantClient, tenant_factory: TenantFactory
) -> None:
    sign_in(tenant_client, admin)
    page = tenant_client.get("/console/tenants/desa-babakan/")
    assert '<strong id="tenant-status">Aktif</strong>' in page.content.decode()
    response = tenant_client.post(
        "/console/tenants/desa-babakan/", {"action": "suspend", "reason": "Audit"}
    )
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.status == "suspended"
    # Another regency's admin: 404 on the page and the API, and nothing changes
    sanggau = tenant_factory(kind=TenantKind.PEMKAB, region_code="61.03")
    sign_in(tenant_client, make_member(sanggau, Role.REGENCY_ADMIN))
    assert tenant_client.get("/console/tenants/desa-babakan/").status_code == 404
    refused = tenant_client.post(
        "/console/tenants/desa-babakan/", {"action": "reactivate", "reason": "x"}
    )
    assert refused.status_code == 404
    village.refresh_from_db()
    assert village.status == "suspended"
