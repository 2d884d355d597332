"""Billing periods are calendar months in the platform's time zone (Asia/Jakarta)."""

from __future__ import annotations

import calendar
from datetime import date

from django.utils import timezone


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def days_in(period: date) -> int:
    return calendar.monthrange(period.year, period.month)[1]


def today() -> date:
    return timezone.localdate()
