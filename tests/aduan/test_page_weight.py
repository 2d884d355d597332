"""Page-weight budgets of the citizen pages, as a phone on a village's connection gets them:
at most 30 KB transferred on the first visit (the HTML compressed, with every stylesheet,
script and image it links, as whitenoise serves them compressed, plus the installable web
app: its manifest, its service worker and the app shell the worker fetches when it installs)
and 10 KB on the next (the HTML only: static files carry far-future cache headers, checked
below on the production storage, and the worker has the shell)."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware  # type: ignore[import-untyped]

from tenants.models import Tenant
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint

pytestmark = pytest.mark.django_db

FIRST_VISIT_BUDGET = 30 * 1024
NEXT_VISIT_BUDGET = 10 * 1024
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="(/static/[^"?#]+)"')
MANIFEST = re.compile(r'<link rel="manifest" href="([^"]+)"')
WORKER = re.compile(r'data-sw="([^"]+)"')
SHELL = re.compile(r"^var SHELL = (\[.*\]);$", re.MULTILINE)


def asset_bytes(url: str) -> int:
    """A static file's size as served compressed (whitenoise precompresses with gzip/brotli;
    gzip is the upper bound of the two)."""
    found = finders.find(url.removeprefix("/static/"))
    assert found, url
    with open(str(found), "rb") as handle:
        raw = handle.read()
    return min(len(raw), len(gzip.compress(raw, 9)))


def unprefixed(path: str, tenant: object) -> str:
    """A path as a page links it, without the tenant's prefix (the client adds it)."""
    return path.removeprefix(f"/t/{tenant.slug}") if isinstance(tenant, Tenant) else path


def fetch(client: TenantClient, path: str, **kw: object) -> tuple[int, str]:
    """Bytes on the wire (compressed as served) and the text."""
    path = unprefixed(path, kw.get("tenant"))
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br", **kw)  # type: ignore[arg-type]
    assert response.status_code in (200, 404), (path, response.status_code)
    body = response.content
    text = gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body
    return len(body), text.decode()


def weigh(
    client: TenantClient, path: str, *, webapp: bool = True, **kw: object
) -> tuple[int, int]:
    """(first visit, next visit) in bytes. `webapp` False: a page that installs no web app
    (the embedded form, framed in a village's own site), which must then link none."""
    html_bytes, html_text = fetch(client, path, **kw)
    assets = set(ASSET.findall(html_text))
    if not webapp:
        assert MANIFEST.findall(html_text) == [] and WORKER.findall(html_text) == []
        return html_bytes + sum(asset_bytes(url) for url in assets), html_bytes
    # The web app: manifest, worker, and the shell the worker fetches (minus what the page
    # itself already brought).
    (manifest,) = MANIFEST.findall(html_text)
    (worker,) = WORKER.findall(html_text)
    manifest_bytes, _text = fetch(client, manifest, **kw)
    worker_bytes, worker_text = fetch(client, worker, **kw)
    (shell_json,) = SHELL.findall(worker_text)
    shell = json.loads(shell_json)
    shell_pages = [url for url in shell if not url.startswith("/static/")]
    assets |= {url for url in shell if url.startswith("/static/")}
    pages = sum(
        fetch(client, url, **kw)[0]
        for url in shell_pages
        if unprefixed(url, kw.get("tenant")) != path
    )
    first = html_bytes + sum(asset_bytes(url) for url in assets)
    return first + manifest_bytes + worker_bytes + pages, html_bytes


@override_settings(
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)
def test_every_citizen_page_stays_within_its_budget(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village = tenant_factory(slug="desa-babakan")
    complaint = file_complaint(village, description="Jalan desa berlubang sejak bulan lalu. " * 20)
    code = complaint.tracking_code
    pages = [
        ("/", None),
        ("/pengaduan/", None),
        ("/lacak/", None),
        (f"/lacak/?kode={code}", None),
        ("/tidak-ada/", None),
        ("/lacak-kirim-ulang/", None),
        ("/", village),
        ("/pengaduan/baru/", village),
        ("/lacak/", village),
        ("/transparansi/", village),
        (f"/lacak/{code}/", village),
        (f"/pengaduan/tanda-terima/{code}/", village),
        (f"/lacak/{code}/data-pribadi/", village),
        ("/lacak-kirim-ulang/", village),
        ("/statistik/", village),
        ("/wbs/", village),
    ]
    weights = {}
    for path, tenant in pages:
        weights[(path, tenant.slug if tenant else "")] = weigh(tenant_client, path, tenant=tenant)
    too_heavy = {
        page: (first, following)
        for page, (first, following) in weights.items()
        if first > FIRST_VISIT_BUDGET or following > NEXT_VISIT_BUDGET
    }
    assert too_heavy == {}
    # The measure itself sees the stylesheet (else a budget would pass on nothing).
    assert all(first - following > 5000 for first, following in weights.values())


EMBED_BUDGET = 15 * 1024  # framed inside a village's own page: half the citizen budget


@override_settings(
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)
def test_the_embedded_form_is_tiny(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village = tenant_factory(slug="desa-kuripan-kidul")
    code = file_complaint(village).tracking_code
    for path in ("/embed/", f"/embed/diterima/{code}/"):
        first, following = weigh(tenant_client, path, webapp=False, tenant=village)
        assert first <= EMBED_BUDGET and following <= NEXT_VISIT_BUDGET, (path, first, following)
        # (its own small stylesheet is counted, and pico.css is not loaded)
        assert 300 < first - following < 2000, (path, first, following)


def test_static_files_are_cached_for_ever_in_production(tmp_path: Path) -> None:
    """The next visit's budget holds because a phone keeps the static files: the production
    storage names them by content hash and whitenoise marks those immutable."""
    root = tmp_path / "static"
    production = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=production):
        call_command("collectstatic", interactive=False, verbosity=0)
        manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
        hashed = "/static/" + manifest["aduan/pico.min.css"]
        middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
        response = middleware(RequestFactory().get(hashed, HTTP_ACCEPT_ENCODING="gzip"))
        plain = middleware(RequestFactory().get("/static/aduan/pico.min.css"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "gzip"
    # The unhashed name (never linked by a page) is only cached briefly.
    assert "immutable" not in plain["Cache-Control"]
