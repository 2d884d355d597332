"""The staff navigation on every page: the pages of their work a signed-in user may open here,
and nothing else. Whether a link is shown is read from the page's own access declaration
(tenants.access.declared_access), so the menu and the pages can never disagree."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aduan.tenancy import tenant_reverse
from tenants.access import Scope, declared_access

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


def staff_links(request: HttpRequest) -> list[tuple[str, str]]:
    """(url, label) of each page above this request's user may open (a GET) on this host."""
    if not request.user.is_authenticated:
        return []
    links = []
    prefix = get_script_prefix()  # a tenant reached by path: /t/<slug>/
    for name, label in STAFF_PAGES:
        try:
            url = tenant_reverse(name)
            match = resolve("/" + url.removeprefix(prefix))
        except (NoReverseMatch, Resolver404):
            continue
        access = declared_access(match.func)
        if access is None or access.is_public or access.scope is Scope.SIGNED_IN:
            continue
        # What the page's own declaration lets this user read (its roles are read once per
        # request and shared with the page's check).
        if access.held_roles(request) & access.read_roles:
            links.append((url, str(label)))
    return links
