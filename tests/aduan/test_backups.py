"""`aduan backup` / `aduan restore`: the whole platform and one tenant, each restored into a
fresh deployment (its own state folder and embedded PostgreSQL), proven by reading it back."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.aduan.test_cli import ADUAN, _env
from tests.complaints.files import png_bytes

FILE_A_COMPLAINT = """
from django.core.files.base import ContentFile
from django_tenants.utils import schema_context
from complaints.actions.intake import do_file_complaint
from tenants.models import Tenant
tenant = Tenant.objects.get(slug="desa-babakan")
with schema_context(tenant.schema_name):
    complaint = do_file_complaint(
        tenant=tenant, channel="web", name="Siti Aminah", address="RT 02 RW 03",
        phone="0812-3456-7890", subject="Jalan desa berlubang",
        description="Jalan di depan balai desa berlubang sejak Senin.",
        attachments=[ContentFile(open(PHOTO, "rb").read(), name="jalan.png")],
    )
"""

READ_BACK = """
import json
from pathlib import Path
from django.conf import settings
from django_tenants.utils import schema_context
from complaints.models import Complaint
from tenants.models import Membership, Tenant
tenant = Tenant.objects.get(slug="desa-babakan")
with schema_context(tenant.schema_name):
    complaints = [
        [c.tracking_code, c.subject, [
            (Path(settings.MEDIA_ROOT) / a.file.name).read_bytes().hex()
            for a in c.attachments.all()
        ]] for c in Complaint.objects.order_by("pk")
    ]
print(json.dumps({
    "tenants": sorted(Tenant.objects.values_list("slug", flat=True)),
    "members": sorted(
        Membership.objects.filter(tenant=tenant).values_list("user__username", flat=True)
    ),
    "complaints": complaints,
}))
"""


def _aduan(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ADUAN, *args], env=_env(state), capture_output=True, text=True, timeout=300, check=False
    )


def _ok(state: Path, *args: str) -> str:
    done = _aduan(state, *args)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _read_back(state: Path) -> dict[str, object]:
    found: dict[str, object] = json.loads(
        _ok(state, "manage", "shell", "-c", READ_BACK).splitlines()[-1]
    )
    return found


@pytest.fixture
def preparing() -> Iterator[ThreadPoolExecutor]:
    """A second thread for a deployment made beside the test's; waited for at its end."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool


def _prepare_fresh(state: Path) -> None:
    _ok(state, "migrate")
    _ok(state, "regions", "load")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_platform_and_one_tenant_restore_into_fresh_deployments(
    tmp_path: Path, preparing: ThreadPoolExecutor
) -> None:
    # Given a deployment with the demo tenants and a complaint with a photo in Desa Babakan
    # (and, made meanwhile on the other core, a fresh deployment: migrated, regions loaded)
    fresh = tmp_path / "fresh"
    fresh_ready = preparing.submit(_prepare_fresh, fresh)
    source = tmp_path / "source"
    _ok(source, "migrate")
    _ok(source, "demo")
    photo = tmp_path / "jalan.png"
    photo.write_bytes(png_bytes())
    _ok(source, "manage", "shell", "-c", f"PHOTO = {str(photo)!r}\n{FILE_A_COMPLAINT}")
    before = _read_back(source)
    assert len(before["complaints"]) == 1  # type: ignore[arg-type]

    # When the whole platform and the tenant alone are backed up
    _ok(source, "backup", str(tmp_path / "platform"))
    _ok(source, "backup", "--tenant", "desa-babakan", str(tmp_path / "babakan"))

    # Then the platform restored into an empty deployment reads back the same
    whole = tmp_path / "whole"
    _ok(whole, "restore", str(tmp_path / "platform"))
    assert _read_back(whole) == before
    assert not (whole / "pgdata" / "postmaster.pid").exists()  # stopped with its last user

    # and the tenant restored into a fresh deployment (migrated, regions loaded) does too
    fresh_ready.result()
    _ok(fresh, "restore", "--tenant", str(tmp_path / "babakan"))
    alone = _read_back(fresh)
    assert alone["tenants"] == ["desa-babakan", "platform"]
    assert alone["members"] == before["members"]
    assert alone["complaints"] == before["complaints"]

    # When it is restored a second time, or a platform backup lands on a deployment
    again = _aduan(fresh, "restore", "--tenant", str(tmp_path / "babakan"))
    onto = _aduan(fresh, "restore", str(tmp_path / "platform"))
    # Then each is refused in one readable line, and nothing changed
    assert again.returncode == 1
    assert again.stderr.strip() == "aduan: error: tenant 'desa-babakan' already exists here"
    assert onto.returncode == 1
    assert onto.stderr.strip() == (
        f"aduan: error: {fresh / 'pgdata'} already holds a database:"
        " restore into a fresh deployment"
    )
    assert _read_back(fresh) == alone


def test_a_folder_that_is_not_a_backup_is_one_readable_line(tmp_path: Path) -> None:
    done = _aduan(tmp_path / "state", "restore", str(tmp_path))
    assert done.returncode == 1
    assert (
        done.stderr.strip() == f"aduan: error: {tmp_path} is not an Aduan backup (no manifest.json)"
    )
    assert not (tmp_path / "state" / "pgdata").exists()
