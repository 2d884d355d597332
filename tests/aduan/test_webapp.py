"""The installable web app (aduan.webapp): each host's manifest and service worker, and the
script that registers it only on citizens' pages. The offline journey itself is walked in
tests/browser/test_offline_webapp.py."""

from __future__ import annotations

import json
import re

import pytest

from tenants.models import Role
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, sign_in

pytestmark = pytest.mark.django_db


def worker_constants(source: str) -> dict[str, list[str]]:
    found = re.findall(r"^var ([A-Z_]+) = (.+);$", source, re.MULTILINE)
    return {name: json.loads(value) for name, value in found if name != "CACHE"}


def test_a_tenant_has_its_own_manifest_and_worker_at_its_root(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village = tenant_factory(slug="desa-babakan", name="Pemerintah Desa Babakan")
    manifest = tenant_client.get("/manifest.webmanifest", tenant=village)
    body = json.loads(manifest.content)
    assert manifest["Content-Type"] == "application/manifest+json"
    assert (body["name"], body["start_url"], body["scope"], body["display"]) == (
        "Pemerintah Desa Babakan", "/t/desa-babakan/", "/t/desa-babakan/", "standalone"
    )  # fmt: skip
    assert [icon["sizes"] for icon in body["icons"]] == ["any", "192x192", "512x512"]
    worker = tenant_client.get("/sw.js", tenant=village)
    assert worker["Content-Type"] == "text/javascript; charset=utf-8"
    assert worker["Cache-Control"] == "no-cache"
    constants = worker_constants(worker.content.decode())
    assert constants["SHELL"] == [
        "/static/aduan/pico.min.css", "/static/aduan/aduan.css", "/static/aduan/forms.js",
        "/static/aduan/offline.js", "/static/aduan/icon.svg",
        "/t/desa-babakan/", "/t/desa-babakan/pengaduan/baru/",
    ]  # fmt: skip
    assert constants["PREFIXES"] == [
        "/t/desa-babakan/pengaduan/baru/", "/t/desa-babakan/lacak/",
        "/t/desa-babakan/transparansi/",
    ]  # fmt: skip
    # Personal data and response files are never kept on a phone.
    assert constants["NEVER"] == ["/data-pribadi/", "/berkas/"]


def test_the_platform_worker_keeps_the_front_door(tenant_client: TenantClient) -> None:
    constants = worker_constants(tenant_client.get("/sw.js").content.decode())
    assert constants["SHELL"][-2:] == ["/", "/pengaduan/"]
    assert constants["PREFIXES"] == ["/pengaduan/", "/lacak/"]
    assert json.loads(tenant_client.get("/manifest.webmanifest").content)["start_url"] == "/"


def test_only_citizens_pages_register_the_worker(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village = tenant_factory(slug="desa-babakan")
    script = 'src="/static/aduan/offline.js" defer data-sw="/t/desa-babakan/sw.js"'
    form = tenant_client.get("/pengaduan/baru/", tenant=village).content.decode()
    assert script in form and "data-offline" in form
    sign_in(tenant_client, make_member(village, Role.OFFICER))
    staff = tenant_client.get("/console/", tenant=village).content.decode()
    assert "offline.js" not in staff
