"""Working days, zones and due dates with their explanation (pure: no database)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from aduan.errors import AduanError
from complaints.calendar import (
    PROVINCE_ZONES,
    WIB,
    WIT,
    WITA,
    DayOffKind,
    WorkingCalendar,
    national_days_off,
    zone_for_province,
)
from complaints.sla_clock import DueDate, Pause, TimeLimit, compute_due

PROVINCES_CSV = Path(__file__).resolve().parents[2] / "tenants/data/regions/provinces.csv"


def wib(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=WIB)


def kinds(due: DueDate) -> list[tuple[str, str]]:
    return [(off.date.isoformat(), off.kind.value) for off in due.skipped]


def test_library_has_national_holidays_and_cuti_bersama_2024_to_2027() -> None:
    # Given the SKB 3 Menteri dates around Idul Fitri 2026 and Christmas 2024-2027
    # When the national calendar is read
    days = {
        (off.date.isoformat(), off.kind.value)
        for year in (2024, 2025, 2026, 2027)
        for off in national_days_off(year)
    }
    # Then the holidays and the collective leave days are there, each with its kind
    assert {
        ("2026-03-20", "cuti_bersama"),
        ("2026-03-21", "national_holiday"),
        ("2026-03-22", "national_holiday"),
        ("2026-03-23", "cuti_bersama"),
        ("2026-03-24", "cuti_bersama"),
        ("2026-12-24", "cuti_bersama"),
        ("2026-12-25", "national_holiday"),
        ("2024-12-26", "cuti_bersama"),
        ("2025-12-26", "cuti_bersama"),
        ("2027-12-24", "cuti_bersama"),
    } <= days
    assert sum(1 for _d, kind in days if kind == "cuti_bersama") >= 30


def test_every_province_has_its_zone() -> None:
    # Given the 38 provinces of the region data
    with PROVINCES_CSV.open() as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    # Then the zone table covers exactly them, and the borders fall where the law puts them
    assert len(codes) == 38
    assert set(PROVINCE_ZONES) == codes
    assert zone_for_province("33") == WIB  # Jawa Tengah
    assert zone_for_province("61") == WIB  # Kalimantan Barat
    assert zone_for_province("62") == WIB  # Kalimantan Tengah
    assert zone_for_province("63") == WITA  # Kalimantan Selatan
    assert zone_for_province("51") == WITA  # Bali
    assert zone_for_province("73") == WITA  # Sulawesi Selatan
    assert zone_for_province("81") == WIT  # Maluku
    assert zone_for_province("95") == WIT  # Papua Pegunungan
    assert zone_for_province(None) == WIB


def test_weekend_is_skipped_and_the_day_of_receipt_is_not_counted() -> None:
    # Given a complaint received on Friday 20 November 2026 at 10:00 WIB, limit 2 working days
    due = compute_due(wib(2026, 11, 20, 10), {"working_days": 2}, WorkingCalendar())
    # Then Saturday and Sunday are skipped, Monday and Tuesday counted, due Tuesday 23:59:59
    assert due.counted_days == [dt.date(2026, 11, 23), dt.date(2026, 11, 24)]
    assert kinds(due) == [("2026-11-21", "weekend"), ("2026-11-22", "weekend")]
    assert due.due_at == dt.datetime(2026, 11, 24, 16, 59, 59, tzinfo=dt.UTC)


def test_idul_fitri_2026_national_holidays_and_cuti_bersama_are_skipped() -> None:
    # Given a complaint received Tuesday 17 March 2026 (before Nyepi and Idul Fitri), 5 days
    due = compute_due(wib(2026, 3, 17, 10), {"working_days": 5}, WorkingCalendar())
    # Then 18-24 March (Nyepi, Idul Fitri, cuti bersama, a weekend) and 28-29 are skipped
    assert kinds(due) == [
        ("2026-03-18", "cuti_bersama"),
        ("2026-03-19", "national_holiday"),
        ("2026-03-20", "cuti_bersama"),
        ("2026-03-21", "national_holiday"),
        ("2026-03-22", "national_holiday"),
        ("2026-03-23", "cuti_bersama"),
        ("2026-03-24", "cuti_bersama"),
        ("2026-03-28", "weekend"),
        ("2026-03-29", "weekend"),
    ]
    assert due.counted_days == [
        dt.date(2026, 3, 25),
        dt.date(2026, 3, 26),
        dt.date(2026, 3, 27),
        dt.date(2026, 3, 30),
        dt.date(2026, 3, 31),
    ]
    assert due.due_local == wib(2026, 3, 31, 23, 59, 59)
    # And the explanation names each skipped day
    with translation.override("id"):
        lines = due.explanation()
    assert lines[0] == "Batas waktu 5 hari kerja, dihitung sejak 17 Maret 2026, 10.00 WIB."
    assert "Dilewati Sabtu, 21 Maret 2026: Hari Raya Idul Fitri (libur nasional)." in lines
    assert (
        "Dilewati Senin, 23 Maret 2026: Cuti Bersama Hari Raya Idul Fitri (cuti bersama)." in lines
    )
    assert lines[-1] == "Jatuh tempo 31 Maret 2026, 23.59 WIB."


def test_christmas_2026_cuti_bersama_then_weekend() -> None:
    # Given a complaint received Wednesday 23 December 2026, limit 1 working day
    due = compute_due(wib(2026, 12, 23, 15), {"working_days": 1}, WorkingCalendar())
    # Then 24 (cuti bersama), 25 (Natal), 26-27 (weekend) are skipped: due Monday 28
    assert kinds(due) == [
        ("2026-12-24", "cuti_bersama"),
        ("2026-12-25", "national_holiday"),
        ("2026-12-26", "weekend"),
        ("2026-12-27", "weekend"),
    ]
    assert due.counted_days == [dt.date(2026, 12, 28)]


def test_received_on_a_holiday_counts_from_the_first_working_day_after() -> None:
    # Given a complaint received on Idul Fitri itself (Saturday 21 March 2026), 1 working day
    due = compute_due(wib(2026, 3, 21, 9), {"working_days": 1}, WorkingCalendar())
    # Then the first counted day is Wednesday 25 March
    assert due.counted_days == [dt.date(2026, 3, 25)]


def test_local_holiday_is_skipped_with_its_name() -> None:
    # Given a regency anniversary on Monday 23 November 2026
    calendar = WorkingCalendar(local_holidays={dt.date(2026, 11, 23): "Hari Jadi Kabupaten"})
    # When a complaint is received Friday 20 November, 2 working days
    due = compute_due(wib(2026, 11, 20, 10), {"working_days": 2}, calendar)
    # Then the local holiday is skipped like a national one
    assert kinds(due)[-1] == ("2026-11-23", "local_holiday")
    assert due.skipped[-1].name == "Hari Jadi Kabupaten"
    assert due.counted_days == [dt.date(2026, 11, 24), dt.date(2026, 11, 25)]


def test_pause_shifts_the_due_date_by_the_paused_working_days() -> None:
    # Given a step of 5 working days started Monday 2 November 2026
    start = wib(2026, 11, 2, 9)
    unpaused = compute_due(start, {"working_days": 5}, WorkingCalendar())
    # When it waited for the complainant from Tuesday 3rd 14:00 to Thursday 5th 10:00
    pause = Pause(wib(2026, 11, 3, 14), wib(2026, 11, 5, 10))
    paused = compute_due(start, {"working_days": 5}, WorkingCalendar(), [pause])
    # Then the three working days touched by the pause are not counted: due 3 working days later
    assert unpaused.due_local == wib(2026, 11, 9, 23, 59, 59)
    assert paused.paused_days == [dt.date(2026, 11, 3), dt.date(2026, 11, 4), dt.date(2026, 11, 5)]
    assert paused.due_local == wib(2026, 11, 12, 23, 59, 59)
    with translation.override("id"):
        assert (
            "Waktu dihentikan 3 Nov. 2026, 14.00 WIB sampai 5 Nov. 2026, 10.00 WIB, "
            "menunggu tanggapan pelapor." in paused.explanation()
        )


def test_open_pause_has_no_due_date_and_old_pauses_are_ignored() -> None:
    # Given a pause from an earlier step and one that is still open
    start = wib(2026, 11, 2, 9)
    old = Pause(wib(2026, 10, 1, 9), wib(2026, 10, 2, 9))
    # When the due date is computed with the open pause
    waiting = compute_due(start, {"working_days": 5}, WorkingCalendar(), [old, Pause(start)])
    # Then there is none while waiting; and the old pause alone changes nothing
    assert waiting.due_at is None
    assert waiting.is_paused
    assert waiting.pauses == [Pause(start)]
    alone = compute_due(start, {"working_days": 5}, WorkingCalendar(), [old])
    assert alone.due_local == wib(2026, 11, 9, 23, 59, 59)
    assert alone.paused_days == []


def test_hour_limits_count_clock_hours_plus_the_paused_time() -> None:
    # Given an urgent step of 24 hours started Friday 20 November 2026 at 16:00 WIB
    start = wib(2026, 11, 20, 16)
    # When it waited 90 minutes for the complainant
    pause = Pause(wib(2026, 11, 20, 17), wib(2026, 11, 20, 18, 30))
    due = compute_due(start, {"hours": 24}, WorkingCalendar(), [pause])
    # Then it is due on Saturday (clock hours), 90 minutes later than without the pause
    assert due.due_local == wib(2026, 11, 21, 17, 30)
    assert due.counted_days == []


def test_calendar_days_ignore_holidays() -> None:
    # Given Perpres 76/2013's 60 days, received on 23 December 2026
    due = compute_due(wib(2026, 12, 23, 10), {"days": 60}, WorkingCalendar())
    # Then holidays and weekends count: due 21 February 2027
    assert due.skipped == []
    assert due.due_local == wib(2027, 2, 21, 23, 59, 59)


def test_wit_tenant_is_due_at_the_end_of_the_day_in_jayapura() -> None:
    # Given a Papua tenant's calendar and a complaint received Friday 20 Nov 2026 08:00 WIT
    calendar = WorkingCalendar(zone=zone_for_province("91"))
    start = dt.datetime(2026, 11, 20, 8, tzinfo=WIT)
    # When 1 working day is allowed
    due = compute_due(start, {"working_days": 1}, calendar)
    # Then it is due Monday 23:59:59 WIT, which is 14:59:59 UTC
    assert due.due_at == dt.datetime(2026, 11, 23, 14, 59, 59, tzinfo=dt.UTC)
    with translation.override("en"):
        assert due.explanation()[-1] == "Due Nov. 23, 2026, 11:59 p.m. WIT."


def test_the_receipt_day_is_the_tenants_local_day() -> None:
    # Given 23:30 WIB on Friday, which is already Saturday 01:30 in Jayapura
    start = wib(2026, 11, 20, 23, 30)
    # Then a WIB tenant counts from Monday and so does a WIT tenant (Saturday is its day 0)
    assert compute_due(start, {"working_days": 1}, WorkingCalendar()).counted_days == [
        dt.date(2026, 11, 23)
    ]
    # ... but at 23:30 WIB on Thursday the WIT tenant's day of receipt is already Friday
    thursday = wib(2026, 11, 19, 23, 30)
    assert compute_due(thursday, {"working_days": 1}, WorkingCalendar(zone=WIT)).counted_days == [
        dt.date(2026, 11, 23)
    ]
    assert compute_due(thursday, {"working_days": 1}, WorkingCalendar()).counted_days == [
        dt.date(2026, 11, 20)
    ]


@pytest.mark.parametrize(
    "raw",
    [{}, {"weeks": 2}, {"working_days": 0}, {"working_days": "5"}, {"hours": 1, "days": 1}],
)
def test_invalid_time_limits_are_refused(raw: dict[str, object]) -> None:
    # When a malformed limit is parsed
    with pytest.raises(AduanError) as caught:
        TimeLimit.parse(raw)
    # Then the error names the field
    assert caught.value.code == "complaints.invalid_time_limit"
    assert caught.value.extra == {"field": "time_limit"}


def test_holiday_names_follow_the_language() -> None:
    # When the calendar is read in English
    with translation.override("en"):
        off = WorkingCalendar().day_off(dt.date(2026, 3, 23))
    # Then the library's English name is used
    assert off is not None
    assert (off.kind, off.name) == (DayOffKind.CUTI_BERSAMA, "Eid al-Fitr Joint Holiday")


def test_due_snippet_shows_the_date_and_why() -> None:
    # Given a due date across the Christmas 2026 cuti bersama
    due = compute_due(wib(2026, 12, 23, 15), {"working_days": 1}, WorkingCalendar())
    # When the snippet the complaint and tracking pages include is rendered
    with translation.override("id"):
        html = render_to_string("complaints/_due.html", {"due": due})
        paused = render_to_string(
            "complaints/_due.html",
            {
                "due": compute_due(
                    wib(2026, 12, 23, 15),
                    {"days": 1},
                    WorkingCalendar(),
                    [Pause(wib(2026, 12, 23, 16))],
                )
            },
        )
    # Then it shows the local due date with its zone, and each skipped day
    assert "Senin, 28 Desember 2026 23:59 WIB" in html
    assert "Dilewati Kamis, 24 Des. 2026: Cuti Bersama Hari Raya Natal (cuti bersama)." in html
    assert "dihentikan sementara, menunggu tanggapan pelapor" in paused
