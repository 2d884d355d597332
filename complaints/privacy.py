"""Reads of personal-data protection (UU 27/2022): the access log's filtered list and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aduan.errors import AduanError
from complaints.errors import PrivacyErrorCode
from complaints.models import AccessKind, AccessLogEntry
from tenants.models import Tenant

PAGE_SIZE = 100


@dataclass(frozen=True)
class AccessLogFilter:
    kind: str = ""
    number: str = ""
    actor: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _date(name: str, value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise AduanError(
            PrivacyErrorCode.BAD_FILTER, _("Tanggal tidak valid (TTTT-BB-HH)."), {"field": name}
        ) from None


def parse_filter(params: dict[str, str]) -> AccessLogFilter:
    kind = params.get("kind", "") or ""
    if kind and kind not in AccessKind.values:
        raise AduanError(
            PrivacyErrorCode.BAD_FILTER, _("Jenis akses tidak dikenal."), {"field": "kind"}
        )
    return AccessLogFilter(
        kind=kind,
        number=(params.get("number") or "").strip()[:60],
        actor=(params.get("actor") or "").strip()[:200],
        date_from=_date("date_from", params.get("date_from")),
        date_to=_date("date_to", params.get("date_to")),
    )


def access_log(given: AccessLogFilter, zone: dt.tzinfo) -> QuerySet[AccessLogEntry]:
    """Newest first; the days are in the tenant's time zone."""
    entries = AccessLogEntry.objects.all()
    if given.kind:
        entries = entries.filter(kind=given.kind)
    if given.number:
        entries = entries.filter(complaint_number__icontains=given.number)
    if given.actor:
        entries = entries.filter(actor_label__icontains=given.actor)
    if given.date_from:
        entries = entries.filter(at__gte=dt.datetime.combine(given.date_from, dt.time.min, zone))
    if given.date_to:
        end = given.date_to + dt.timedelta(days=1)
        entries = entries.filter(at__lt=dt.datetime.combine(end, dt.time.min, zone))
    return entries.order_by("-at", "-id")


def access_log_csv(entries: Iterable[AccessLogEntry], zone: dt.tzinfo) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Waktu"), _("Pengguna"), _("Jenis"), _("Nomor pengaduan"), _("Alasan")])
    for entry in entries:
        writer.writerow(
            [
                entry.at.astimezone(zone).isoformat(timespec="seconds"),
                entry.actor_label,
                AccessKind(entry.kind).label,
                entry.complaint_number,
                entry.reason,
            ]
        )
    return out.getvalue()


# -- the tenant's privacy settings and notice ------------------------------------------------

RETENTION_YEARS = 5
WBS_RETENTION_YEARS = 10
MAX_RETENTION_YEARS = 100
DPO_CONTACT_MAX = 300
NOTICE_MAX = 3000


@dataclass(frozen=True)
class PrivacySettings:
    dpo_contact: str
    notice: str
    retention_years: int
    wbs_retention_years: int

    def as_dict(self) -> dict[str, str | int]:
        return {
            "dpo_contact": self.dpo_contact,
            "notice": self.notice,
            "retention_years": self.retention_years,
            "wbs_retention_years": self.wbs_retention_years,
        }


def _years(value: object, default: int) -> int:
    return value if isinstance(value, int) and 0 < value <= MAX_RETENTION_YEARS else default


def privacy_settings(tenant: Tenant) -> PrivacySettings:
    given = tenant.privacy if isinstance(tenant.privacy, dict) else {}
    return PrivacySettings(
        dpo_contact=str(given.get("dpo_contact") or ""),
        notice=str(given.get("notice") or ""),
        retention_years=_years(given.get("retention_years"), RETENTION_YEARS),
        wbs_retention_years=_years(given.get("wbs_retention_years"), WBS_RETENTION_YEARS),
    )


def privacy_notice(tenant: Tenant) -> str:
    """The privacy notice (pemberitahuan privasi) on every intake page and in each channel's
    first message: what is collected, why, for how long, whom to ask."""
    found = privacy_settings(tenant)
    if found.notice:
        return found.notice
    text = _(
        "%(tenant)s mengumpulkan nama, alamat, nomor telepon dan surel Anda hanya untuk "
        "menangani pengaduan ini dan mengabari Anda (UU 27/2022 tentang Pelindungan Data "
        "Pribadi). Data disimpan terenkripsi dan dianonimkan %(years)s tahun setelah pengaduan "
        "selesai. Dengan kode lacak Anda dapat melihat, memperbaiki atau meminta penghapusan "
        "data Anda."
    ) % {"tenant": tenant.name, "years": found.retention_years}
    if found.dpo_contact:
        text += " " + _("Pejabat pelindungan data: %(contact)s.") % {"contact": found.dpo_contact}
    return str(text)
