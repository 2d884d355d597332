"""Page-weight budgets of the citizen pages, as a phone on a village's connection gets them:
at most 30 KB transferred on the first visit (the HTML compressed, with every stylesheet,
script and image it links, as whitenoise serves them compressed) and 10 KB on the next
(the HTML only: static files carry far-future cache headers)."""

from __future__ import annotations

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint

pytestmark = pytest.mark.django_db

FIRST_VISIT_BUDGET = 30 * 1024
NEXT_VISIT_BUDGET = 10 * 1024
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="(/static/[^"?#]+)"')


def asset_bytes(url: str) -> int:
    """A static file's size as served compressed (whitenoise precompresses with gzip/brotli;
    gzip is the upper bound of the two)."""
    found = finders.find(url.removeprefix("/static/"))
    assert found, url
    with open(str(found), "rb") as handle:
        raw = handle.read()
    return min(len(raw), len(gzip.compress(raw, 9)))


def weigh(client: TenantClient, path: str, **kw: object) -> tuple[int, int]:
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br", **kw)  # type: ignore[arg-type]
    assert response.status_code in (200, 404), (path, response.status_code)
    html = response.content
    if response.get("Content-Encoding") == "gzip":
        html_text = gzip.decompress(html).decode()
    else:
        html_text = html.decode()
    assets = sum(asset_bytes(url) for url in set(ASSET.findall(html_text)))
    return len(html) + assets, len(html)


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
        ("/", village),
        ("/pengaduan/baru/", village),
        ("/lacak/", village),
        ("/transparansi/", village),
        (f"/lacak/{code}/", village),
        (f"/pengaduan/tanda-terima/{code}/", village),
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
        first, following = weigh(tenant_client, path, tenant=village)
        assert first <= EMBED_BUDGET and following <= NEXT_VISIT_BUDGET, (path, first, following)
        # (its own small stylesheet is counted, and pico.css is not loaded)
        assert 300 < first - following < 2000, (path, first, following)
