"""Bahasa Indonesia by default whatever the browser says; English on request; catalogs current."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.utils import translation

from tests.client import TenantClient
from tests.factories import TenantFactory

ROOT = Path(__file__).resolve().parents[2]
# Each app keeps its own catalog (<app>/locale/en/...); the platform's is under platform/aduan.
CATALOGS = sorted(
    p
    for pattern in (
        "*/locale/*/LC_MESSAGES/django.po",
        "platform/aduan/locale/*/LC_MESSAGES/django.po",
    )
    for p in ROOT.glob(pattern)
    if ".venv" not in p.parts
)

pytestmark = pytest.mark.django_db


def test_indonesian_by_default_even_when_the_browser_asks_for_english(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    page = tenant_client.get(
        "/", tenant=tenant, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    ).content.decode()
    assert '<html lang="id">' in page
    assert "Pemerintah Desa/Kelurahan" in page


def test_english_after_switching(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    switched = tenant_client.post("/i18n/setlang/", {"language": "en", "next": "/"}, tenant=tenant)
    assert switched.status_code == 302
    page = tenant_client.get("/", tenant=tenant).content.decode()
    assert '<html lang="en">' in page
    assert "Village Government" in page and "Staff sign-in" in page
    # and the English request leaves nothing behind in the thread
    assert translation.get_language() == "id"


def test_every_catalog_is_translated_and_compiled() -> None:
    assert CATALOGS, "no catalogs found"
    for po_path in CATALOGS:
        po = polib.pofile(str(po_path))
        assert po.untranslated_entries() == [] and po.fuzzy_entries() == [], po_path
        compiled = {
            e.msgid: e.msgstr for e in polib.mofile(str(po_path.with_suffix(".mo"))) if e.msgid
        }
        assert compiled == {e.msgid: e.msgstr for e in po.translated_entries()}, (
            "stale .mo: recompile"
        )
