"""Due dates (batas waktu) of a step, with the reasons for the date.

The counting rules (the seeds say "diselesaikan dalam 5 hari kerja"):

- `{"working_days": n}`: the day of receipt is not counted, whatever the hour; counting starts
  on the first working day after it (so a complaint received on a holiday also starts on the
  next working day). The step is due at the END of the n-th counted working day (23:59:59 in
  the tenant's zone): an officer has the whole of that day.
- `{"days": n}` (calendar days, e.g. Perpres 76/2013's 60 days): the same, counting every day.
- `{"hours": n}`: clock hours from the moment the step started, not working hours: an hour
  limit is for urgent matters (a threat to safety does not wait for Monday).
- The clock pauses while the complaint waits for the complainant. A day counts only if the
  clock ran for all of it: each day the complaint spent waiting, even partly, is not counted
  (the day of the reply included, like the day of receipt). For hour limits the exact paused
  duration is added. While a pause is open there is no due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aduan.errors import AduanError
from complaints.calendar import DayOff, WorkingCalendar, weekday_name, zone_label


class LimitUnit(StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"
    HOURS = "hours"


class SlaErrorCode(StrEnum):
    INVALID_LIMIT = "complaints.invalid_time_limit"


@dataclass(frozen=True)
class TimeLimit:
    """A step's time limit as the SOP writes it: `{"working_days": 5}`."""

    unit: LimitUnit
    amount: int

    @classmethod
    def parse(cls, raw: dict[str, Any] | TimeLimit | None) -> TimeLimit | None:
        if raw is None or isinstance(raw, TimeLimit):
            return raw
        if not isinstance(raw, dict) or len(raw) != 1:
            raise AduanError(
                SlaErrorCode.INVALID_LIMIT,
                _("Batas waktu harus berisi tepat satu dari: working_days, days, hours."),
                {"field": "time_limit"},
            )
        ((key, amount),) = raw.items()
        if key not in set(LimitUnit) or not isinstance(amount, int) or isinstance(amount, bool):
            raise AduanError(
                SlaErrorCode.INVALID_LIMIT,
                _("Batas waktu harus berisi tepat satu dari: working_days, days, hours."),
                {"field": "time_limit"},
            )
        if amount < 1:
            raise AduanError(
                SlaErrorCode.INVALID_LIMIT,
                _("Batas waktu harus bilangan bulat positif."),
                {"field": "time_limit"},
            )
        return cls(LimitUnit(key), amount)

    def as_dict(self) -> dict[str, int]:
        return {self.unit.value: self.amount}

    def describe(self) -> str:
        # Indonesian has no plural; English gets its singular from its own msgid.
        if self.unit == LimitUnit.WORKING_DAYS:
            text = _("1 hari kerja") if self.amount == 1 else _("%(n)d hari kerja")
        elif self.unit == LimitUnit.DAYS:
            text = _("1 hari") if self.amount == 1 else _("%(n)d hari")
        else:
            text = _("1 jam") if self.amount == 1 else _("%(n)d jam")
        return text % {"n": self.amount} if "%" in text else text


@dataclass(frozen=True)
class Pause:
    """An interval the clock stood still, waiting for the complainant; `end` None = still."""

    start: dt.datetime
    end: dt.datetime | None = None


@dataclass
class DueDate:
    """A step's due date and its explanation: what was counted, skipped and paused."""

    start: dt.datetime
    limit: TimeLimit
    calendar: WorkingCalendar
    due_at: dt.datetime | None = None  # UTC; None while paused
    counted_days: list[dt.date] = field(default_factory=list)
    skipped: list[DayOff] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    paused_days: list[dt.date] = field(default_factory=list)
    paused_duration: dt.timedelta = dt.timedelta(0)

    @property
    def is_paused(self) -> bool:
        return any(p.end is None for p in self.pauses)

    @property
    def zone_label(self) -> str:
        return zone_label(self.calendar.zone)

    @property
    def due_local(self) -> dt.datetime | None:
        return self.due_at.astimezone(self.calendar.zone) if self.due_at else None

    def _moment(self, moment: dt.datetime) -> str:
        local = moment.astimezone(self.calendar.zone)
        return f"{date_format(local, 'DATETIME_FORMAT')} {zone_label(self.calendar.zone)}"

    def _day(self, day: dt.date) -> str:
        return f"{weekday_name(day)}, {date_format(day, 'DATE_FORMAT')}"

    def explanation(self) -> list[str]:
        """Why this date, one sentence per line, in the active language and the tenant's zone."""
        lines = [
            _("Batas waktu %(limit)s, dihitung sejak %(start)s.")
            % {"limit": self.limit.describe(), "start": self._moment(self.start)}
        ]
        if self.limit.unit != LimitUnit.HOURS:
            lines.append(
                _("Hari diterima tidak dihitung; hari yang dihitung: %(days)s.")
                % {"days": "; ".join(self._day(d) for d in self.counted_days) or "-"}
            )
        for off in self.skipped:
            lines.append(
                _("Dilewati %(day)s: %(name)s (%(kind)s).")
                % {"day": self._day(off.date), "name": off.name, "kind": off.kind.label}
            )
        for pause in self.pauses:
            if pause.end is None:
                lines.append(
                    _("Waktu dihentikan sejak %(start)s, menunggu tanggapan pelapor.")
                    % {"start": self._moment(pause.start)}
                )
            else:
                lines.append(
                    _("Waktu dihentikan %(start)s sampai %(end)s, menunggu tanggapan pelapor.")
                    % {"start": self._moment(pause.start), "end": self._moment(pause.end)}
                )
        if self.paused_days:
            lines.append(
                _("Hari yang tidak dihitung karena jeda: %(days)s.")
                % {"days": "; ".join(self._day(d) for d in self.paused_days)}
            )
        if self.due_at is None:
            lines.append(_("Belum ada batas waktu selama menunggu tanggapan pelapor."))
        else:
            lines.append(_("Jatuh tempo %(due)s.") % {"due": self._moment(self.due_at)})
        return lines

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable explanation (API)."""
        return {
            "due_at": self.due_at,
            "zone": self.calendar.zone.key,
            "zone_label": zone_label(self.calendar.zone),
            "start": self.start,
            "limit": self.limit.as_dict(),
            "counted_days": self.counted_days,
            "skipped": [
                {"date": off.date, "kind": off.kind.value, "name": off.name} for off in self.skipped
            ],
            "pauses": [{"start": p.start, "end": p.end} for p in self.pauses],
            "paused_days": self.paused_days,
            "paused": self.is_paused,
            "explanation": self.explanation(),
        }


def _paused_dates(pauses: list[Pause], calendar: WorkingCalendar) -> set[dt.date]:
    dates: set[dt.date] = set()
    for pause in pauses:
        assert pause.end is not None
        day, last = calendar.local_date(pause.start), calendar.local_date(pause.end)
        while day <= last:
            dates.add(day)
            day += dt.timedelta(days=1)
    return dates


def compute_due(
    start: dt.datetime,
    limit: TimeLimit | dict[str, Any],
    calendar: WorkingCalendar,
    pauses: list[Pause] | tuple[Pause, ...] = (),
) -> DueDate:
    """The due date of a step that started at `start` (aware) under `limit`, see the module
    docstring for the rules. Pauses that ended before `start` belong to an earlier step and are
    ignored."""
    parsed = TimeLimit.parse(limit)
    assert parsed is not None
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    relevant = sorted((p for p in pauses if p.end is None or p.end > start), key=lambda p: p.start)
    result = DueDate(start=start, limit=parsed, calendar=calendar, pauses=relevant)
    if result.is_paused:
        return result
    if parsed.unit == LimitUnit.HOURS:
        result.paused_duration = sum(
            ((p.end - max(p.start, start)) for p in relevant if p.end is not None),
            dt.timedelta(0),
        )
        result.due_at = (
            start + dt.timedelta(hours=parsed.amount) + result.paused_duration
        ).astimezone(dt.UTC)
        return result
    paused = _paused_dates(relevant, calendar)
    day = calendar.local_date(start)
    while len(result.counted_days) < parsed.amount:
        day += dt.timedelta(days=1)
        if parsed.unit == LimitUnit.WORKING_DAYS:
            off = calendar.day_off(day)
            if off is not None:
                result.skipped.append(off)
                continue
        if day in paused:
            result.paused_days.append(day)
            continue
        result.counted_days.append(day)
    result.due_at = calendar.end_of_day(result.counted_days[-1])
    return result
