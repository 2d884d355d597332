"""The one parser of the periods and pages a request asks for: `month=YYYY-MM` and
`page=N&page_size=M`, for every API and page that reads them (statistics, billing).

Bad input is an `AduanError` in the platform's one error shape, naming the field at fault
(HTTP 400); what a month must also satisfy (not in the future, not before a tenant existed) is
checked by `check_month` against the bounds the caller knows.

Kept free of Django imports but gettext: the command line parses periods too."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from aduan.errors import AduanError


class PeriodErrorCode:
    INVALID_MONTH = "period.invalid_month"
    FUTURE_MONTH = "period.future_month"
    BEFORE_START = "period.before_start"
    INVALID_PAGE = "period.invalid_page"


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month (periode): of a report, of an invoice."""

    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def invalid_month(field: str = "month") -> AduanError:
    return AduanError(
        PeriodErrorCode.INVALID_MONTH,
        _("Periode harus berbentuk TTTT-BB, misalnya 2026-03."),
        {"field": field},
    )


def parse_month(raw: str | None, *, field: str = "month", allow_day: bool = False) -> Month:
    """`YYYY-MM` (and, with `allow_day`, a month's first day `YYYY-MM-01`, as a date field
    sends it); a 400 naming `field` for anything else."""
    text = (raw or "").strip()
    parts = text.split("-")
    try:
        if len(parts) == 3 and allow_day:
            day = dt.date.fromisoformat(text)
            if day.day != 1:
                raise ValueError(text)
            return Month.of(day)
        if len(parts) != 2 or len(parts[0]) != 4 or not 1 <= len(parts[1]) <= 2:
            raise ValueError(text)
        found = Month(int(parts[0]), int(parts[1]))
        dt.date(found.year, found.month, 1)
    except ValueError:
        raise invalid_month(field) from None
    return found


def check_month(
    month: Month,
    *,
    latest: Month,
    earliest: Month | None = None,
    before_start: str = "",
    field: str = "month",
) -> Month:
    """A month within [earliest, latest]: a later one has not begun (400), an earlier one is
    before the subject existed (400, with the caller's `before_start` message)."""
    if month > latest:
        raise AduanError(
            PeriodErrorCode.FUTURE_MONTH,
            _("Periode %(month)s belum berjalan.") % {"month": month},
            {"field": field},
        )
    if earliest is not None and month < earliest:
        raise AduanError(
            PeriodErrorCode.BEFORE_START,
            before_start or _("Periode %(month)s sebelum data tersedia.") % {"month": month},
            {"field": field},
        )
    return month


@dataclass(frozen=True)
class Paging:
    """One page of a list: `page` from 1, `size` rows."""

    page: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def pages(self, count: int) -> int:
        return max(1, math.ceil(count / self.size))

    def window(self, rows: list[Any]) -> list[Any]:
        return rows[self.offset : self.offset + self.size]


def parse_paging(params: Any, *, default_size: int = 25, max_size: int = 200) -> Paging:
    """`page` (from 1) and `page_size` (1 to `max_size`) of a query string; a 400 naming the
    field for anything else."""

    def number(name: str, default: int, top: int) -> int:
        raw = params.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(str(raw))
        except ValueError:
            value = 0
        if not 1 <= value <= top:
            raise AduanError(
                PeriodErrorCode.INVALID_PAGE,
                _("%(name)s harus bilangan bulat 1 sampai %(top)d.") % {"name": name, "top": top},
                {"field": name},
            )
        return value

    return Paging(
        page=number("page", 1, 1_000_000), size=number("page_size", default_size, max_size)
    )
