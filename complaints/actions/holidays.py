"""A tenant's local holidays (libur daerah): the one write path, and the year's calendar.
Adding or removing one recomputes the running due dates it touches, in the same transaction."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aduan.errors import AduanError, NotFoundError
from complaints.access import access_holidays
from complaints.calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    WorkingCalendar,
)
from complaints.errors import HolidayErrorCode
from complaints.public.models import LocalHoliday
from complaints.sla import recompute_due_dates
from tenants.models import Tenant
from tenants.permissions import AnyUser

# The library's national calendar reaches this far; a local holiday outside it is a typo.


NAME_MAX = 100


def do_add_local_holiday(
    *, tenant: Tenant, date: dt.date, name: str, actor: AnyUser
) -> LocalHoliday:
    access_holidays(actor, tenant, write=True)
    name = name.strip()
    if not name:
        raise AduanError(
            HolidayErrorCode.NAME_REQUIRED, _("Nama hari libur wajib diisi."), {"field": "name"}
        )
    if len(name) > NAME_MAX:
        raise AduanError(
            HolidayErrorCode.NAME_TOO_LONG,
            _("Nama hari libur paling panjang %(max)d karakter.") % {"max": NAME_MAX},
            {"field": "name"},
        )
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise AduanError(
            HolidayErrorCode.OUT_OF_RANGE,
            _("Tanggal harus antara tahun %(first)d dan %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            {"field": "date"},
        )
    off = WorkingCalendar().day_off(date)
    if off is not None:
        raise AduanError(
            HolidayErrorCode.ALREADY_OFF,
            _("Tanggal itu sudah bukan hari kerja: %(name)s (%(kind)s).")
            % {"name": off.name, "kind": off.kind.label},
            {"field": "date"},
        )
    try:
        with transaction.atomic():
            holiday = LocalHoliday.objects.create(tenant=tenant, date=date, name=name)
            _renew_calendar_version(tenant)
            recompute_due_dates(tenant, date)
            return holiday
    except IntegrityError:
        raise AduanError(
            HolidayErrorCode.DUPLICATE,
            _("Sudah ada libur daerah pada tanggal itu."),
            {"field": "date"},
        ) from None


def do_remove_local_holiday(*, tenant: Tenant, date: dt.date, actor: AnyUser) -> None:
    access_holidays(actor, tenant, write=True)
    with transaction.atomic():
        deleted, _rows = LocalHoliday.objects.filter(tenant=tenant, date=date).delete()
        if deleted:
            _renew_calendar_version(tenant, none_left=not tenant.local_holidays.exists())
            recompute_due_dates(tenant, date)
    if not deleted:
        raise NotFoundError(HolidayErrorCode.NOT_FOUND, _("Tidak ditemukan."), {"date": str(date)})


def _renew_calendar_version(tenant: Tenant, *, none_left: bool = False) -> None:
    """The tenant's holidays changed: a new `calendar_version` (in the caller's transaction),
    so no process keeps using the calendar it had (complaints.calendar.calendar_for); None
    when it has none left."""
    tenant.calendar_version = None if none_left else uuid.uuid4()
    Tenant.objects.filter(pk=tenant.pk).update(calendar_version=tenant.calendar_version)
