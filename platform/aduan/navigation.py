"""The staff navigation on every page: the pages of their work a signed-in user may open here,
and nothing else. Whether a link is shown is read from the page's own access declaration
(tenants.access.declared_access), so the menu and the pages can never disagree."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from django.http import HttpRequest
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLResolver,
    get_resolver,
    get_script_prefix,
    get_urlconf,
    resolve,
)
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aduan.tenancy import tenant_reverse
from tenants.access import Access, Scope, declared_access

# (URL name, label), in menu order; a name the host's URLconf lacks is skipped.
STAFF_PAGES: tuple[tuple[str, Promise], ...] = (
    ("console", _("Beranda kerja")),
    ("complaints:register", _("Buku pengaduan")),
    ("complaints:exports", _("Ekspor")),
    ("complaints:desk", _("Catat pengaduan")),
    ("forwarding", _("Penerusan")),
    ("triage", _("Pemilahan")),
    ("statistics", _("Statistik")),
    ("teams", _("Tim")),
    ("sop-editor", _("SOP")),
    ("canned-answers", _("Templat jawaban")),
    ("notifications", _("Notifikasi")),
    ("holidays", _("Hari libur")),
    ("complaints:access-log", _("Log akses")),
    ("complaints:erasure-requests", _("Permintaan penghapusan data")),
    ("complaints:privacy-settings", _("Pengaturan privasi")),
    ("authority-directory", _("Direktori kewenangan")),
    ("own-door", _("Pengaturan penerusan")),
    ("wbs-console", _("WBS")),
    ("members", _("Anggota")),
    ("citizen-doors", _("Pintu warga")),
    ("integrations-whatsapp", _("WhatsApp")),
    ("integrations-instagram", _("Instagram")),
    ("integrations-sms-keyword", _("SMS")),
    ("integrations-email", _("Surel")),
    ("integrations-lapor", _("SP4N-LAPOR!")),
    ("integrations-failed", _("Pesan gagal")),
    ("desk-queue", _("Verifikasi layanan desa")),
    ("governed-tenants", _("Instansi yang dikelola")),
    ("regencies", _("Kabupaten/kota")),
    ("billing-account", _("Tagihan")),
    ("billing-plans", _("Paket")),
    ("billing-accounts", _("Akun tagihan")),
    ("billing-transfers", _("Konfirmasi transfer")),
    ("regency-statistics-home", _("Rekap kabupaten")),
)


# (path under the host's prefix, label, the page's declaration) of each page above that can be
# in a menu, per URLconf: reversing and resolving 34 names cost ~2 ms of CPU on every staff page.
# Keyed by the resolver, so Django's `clear_url_caches` (a changed ROOT_URLCONF) starts anew.
_MENU_PAGES: WeakKeyDictionary[URLResolver, tuple[tuple[str, Promise, Access], ...]] = (
    WeakKeyDictionary()
)


def menu_pages() -> tuple[tuple[str, Promise, Access], ...]:
    """The pages of `STAFF_PAGES` this host's URLconf routes that some role may be shown."""
    resolver = get_resolver(get_urlconf())
    pages = _MENU_PAGES.get(resolver)
    if pages is not None:
        return pages
    found = []
    prefix = get_script_prefix()  # a tenant reached by path: /t/<slug>/
    for name, label in STAFF_PAGES:
        try:
            path = tenant_reverse(name).removeprefix(prefix)
            match = resolve("/" + path)
        except (NoReverseMatch, Resolver404):
            continue
        access = declared_access(match.func)
        if access is None or access.is_public or access.scope is Scope.SIGNED_IN:
            continue
        found.append((path, label, access))
    pages = _MENU_PAGES[resolver] = tuple(found)
    return pages


def staff_links(request: HttpRequest) -> list[tuple[str, str]]:
    """(url, label) of each page above this request's user may open (a GET) on this host."""
    if not request.user.is_authenticated:
        return []
    prefix = get_script_prefix()
    # What each page's own declaration lets this user read (its roles are read once per
    # request and shared with the page's check).
    return [
        (prefix + path, str(label))
        for path, label, access in menu_pages()
        if access.held_roles(request) & access.read_roles
    ]
