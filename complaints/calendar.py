"""Indonesian working days (hari kerja) and the time zone of a tenant.

A working day is a day that is not Saturday or Sunday, not a national holiday (libur
nasional), not collective leave (cuti bersama) and not one of the tenant's local holidays.

National holidays and cuti bersama come from the maintained `holidays` library (python-
holidays): its Indonesian calendar has a "public" category (the Keppres/SKB national
holidays) and a "government" category, which holds exactly the cuti bersama of the SKB 3
Menteri (checked for 2024-2027: e.g. 2026 Idul Fitri on Sat 21 and Sun 22 March, cuti bersama
on Fri 20, Mon 23 and Tue 24 March). No dates are shipped here: a library update brings new
years and corrections.

Times are stored in UTC; a tenant sees them in its own zone, WIB, WITA or WIT, chosen by the
province of the tenant's region (Undang-Undang/Keppres 41/1987 on the three zones).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from complaints.public.models import LocalHoliday

if TYPE_CHECKING:
    from tenants.models import Tenant

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

# The 38 provinces (Kemendagri codes, see tenants/data/regions/provinces.csv) by zone.
# West and Central Kalimantan are WIB; South, East and North Kalimantan are WITA.
_WIB_PROVINCES = (
    "11 12 13 14 15 16 17 18 19 21 "  # Sumatra, Riau Islands, Bangka Belitung
    "31 32 33 34 35 36 "  # Java
    "61 62"  # Kalimantan Barat, Kalimantan Tengah
)
_WITA_PROVINCES = (
    "51 52 53 "  # Bali, NTB, NTT
    "63 64 65 "  # Kalimantan Selatan, Timur, Utara
    "71 72 73 74 75 76"  # Sulawesi
)
_WIT_PROVINCES = "81 82 91 92 93 94 95 96"  # Maluku, Maluku Utara, the six Papua provinces
PROVINCE_ZONES: dict[str, ZoneInfo] = {
    **dict.fromkeys(_WIB_PROVINCES.split(), WIB),
    **dict.fromkeys(_WITA_PROVINCES.split(), WITA),
    **dict.fromkeys(_WIT_PROVINCES.split(), WIT),
}


# The years a calendar page, or a local holiday, may name.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def year_or_current(raw: str | None) -> int:
    """A year from a query parameter, this year when absent or unreadable, kept in range."""
    try:
        year = int(raw) if raw else timezone.now().year
    except ValueError:
        year = timezone.now().year
    return min(max(year, FIRST_YEAR), LAST_YEAR)


def zone_for_province(province_code: str | None) -> ZoneInfo:
    """The zone of a province; WIB (the capital's) when the province is unknown."""
    return PROVINCE_ZONES.get((province_code or "")[:2], WIB)


def tenant_zone(tenant: Tenant) -> ZoneInfo:
    return zone_for_province(tenant.region_id[:2] if tenant.region_id else None)


def zone_label(zone: ZoneInfo) -> str:
    return ZONE_LABELS.get(zone.key, zone.key)


class DayOffKind(StrEnum):
    WEEKEND = "weekend"
    NATIONAL_HOLIDAY = "national_holiday"
    CUTI_BERSAMA = "cuti_bersama"
    LOCAL_HOLIDAY = "local_holiday"

    @property
    def label(self) -> str:
        return str(_DAY_OFF_LABELS[self])


_DAY_OFF_LABELS = {
    DayOffKind.WEEKEND: _("akhir pekan"),
    DayOffKind.NATIONAL_HOLIDAY: _("libur nasional"),
    DayOffKind.CUTI_BERSAMA: _("cuti bersama"),
    DayOffKind.LOCAL_HOLIDAY: _("libur daerah"),
}
_WEEKDAY_NAMES = (
    _("Senin"),
    _("Selasa"),
    _("Rabu"),
    _("Kamis"),
    _("Jumat"),
    _("Sabtu"),
    _("Minggu"),
)


def weekday_name(day: dt.date) -> str:
    return str(_WEEKDAY_NAMES[day.weekday()])


@dataclass(frozen=True)
class DayOff:
    """A day that is not counted, and why."""

    date: dt.date
    kind: DayOffKind
    name: str


def _library_language() -> str:
    return "en_US" if (get_language() or "id").startswith("en") else "id"


@lru_cache(maxsize=64)
def _national(year: int, category: str, language: str) -> dict[dt.date, str]:
    calendar = holidays.country_holidays(
        "ID", years=year, categories=(category,), language=language
    )
    # Two holidays on one date (rare) are named together.
    return {day: "; ".join(calendar.get_list(day)) for day in calendar}


def national_days_off(year: int) -> list[DayOff]:
    """National holidays and cuti bersama of a year, by date (weekends not listed)."""
    language = _library_language()
    days = [
        DayOff(day, DayOffKind.NATIONAL_HOLIDAY, name)
        for day, name in _national(year, holidays.PUBLIC, language).items()
    ] + [
        DayOff(day, DayOffKind.CUTI_BERSAMA, name)
        for day, name in _national(year, holidays.GOVERNMENT, language).items()
    ]
    return sorted(days, key=lambda d: (d.date, d.kind))


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days in one zone, with a tenant's local holidays (date -> name)."""

    zone: ZoneInfo = WIB
    local_holidays: Mapping[dt.date, str] = field(default_factory=dict)

    def day_off(self, day: dt.date) -> DayOff | None:
        """Why `day` is not a working day, or None when it is one. A holiday that falls on a
        weekend is named as the holiday: that is what people remember the day for."""
        language = _library_language()
        name = _national(day.year, holidays.PUBLIC, language).get(day)
        if name:
            return DayOff(day, DayOffKind.NATIONAL_HOLIDAY, name)
        name = _national(day.year, holidays.GOVERNMENT, language).get(day)
        if name:
            return DayOff(day, DayOffKind.CUTI_BERSAMA, name)
        name = self.local_holidays.get(day)
        if name:
            return DayOff(day, DayOffKind.LOCAL_HOLIDAY, name)
        if day.weekday() >= 5:
            return DayOff(day, DayOffKind.WEEKEND, weekday_name(day))
        return None

    def is_working_day(self, day: dt.date) -> bool:
        return self.day_off(day) is None

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.zone).date()

    def end_of_day(self, day: dt.date) -> dt.datetime:
        """The last second of `day` in this zone, in UTC."""
        return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=self.zone).astimezone(dt.UTC)

    def start_of_day(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0, 0), tzinfo=self.zone).astimezone(dt.UTC)

    def working_days_before(self, day: dt.date, count: int) -> dt.date:
        """The working day `count` working days before `day`."""
        found = 0
        while found < count:
            day -= dt.timedelta(days=1)
            if self.is_working_day(day):
                found += 1
        return day


def calendar_for(tenant: Tenant) -> WorkingCalendar:
    """The tenant's calendar: its zone and its local holidays. Kept per process under the
    tenant row's `calendar_version` (renewed with every change of its holidays), so only the
    first use in a process, or the first after a change, reads the holidays."""
    if tenant.calendar_version is None:  # no local holiday: nothing to read
        return WorkingCalendar(zone=tenant_zone(tenant), local_holidays=_NONE)
    key = (tenant.pk, tenant.calendar_version)
    local = _LOCAL_HOLIDAYS.get(key)
    if local is None:
        rows = LocalHoliday.objects.filter(tenant=tenant).values_list("date", "name")
        local = MappingProxyType(dict(rows))  # shared by every calendar of the tenant: read-only
        if len(_LOCAL_HOLIDAYS) >= _LOCAL_HOLIDAYS_MAX:
            _LOCAL_HOLIDAYS.clear()
        _LOCAL_HOLIDAYS[key] = local
    return WorkingCalendar(zone=tenant_zone(tenant), local_holidays=local)


def forget_calendars() -> None:
    """Empty the process's calendars (tests: each starts with none)."""
    _LOCAL_HOLIDAYS.clear()


# (tenant id, calendar version) -> its local holidays; bounded (a few hundred bytes a tenant).
_LOCAL_HOLIDAYS: dict[tuple[int, uuid.UUID], Mapping[dt.date, str]] = {}
_LOCAL_HOLIDAYS_MAX = 50_000
_NONE: Mapping[dt.date, str] = MappingProxyType({})
