"""The monthly recap (rekap bulanan): a month of complaints with known outcomes at Disdukcapil
Sanggau (seed 002), each figure checked against values worked out by hand below.

March 2026 in WIB: Nyepi on Thursday 19, cuti bersama on 18, 20, 23 and 24, Idul Fitri on the
weekend of 21-22. Disdukcapil's SOP: the "received" step is due in 2 working days, the whole
case in 5 working days from receipt to the answer."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from django_tenants.utils import schema_context

from aduan.errors import AduanError
from aduan.periods import Month, parse_month
from complaints.actions.approval import do_approve_answer
from complaints.actions.closing import do_rate_complaint, do_reopen_complaint
from complaints.actions.forward import do_forward_complaint
from complaints.calendar import WIB
from complaints.models import Complaint
from complaints.sla import run_sla_sweep
from complaints.statistics import (
    check_period,
    monthly_figures,
    p90,
    wilson_interval,
)
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db


def wib(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=WIB)


@contextmanager
def at(moment: dt.datetime) -> Iterator[dt.datetime]:
    with time_machine.travel(moment, tick=False):
        yield moment


def take(
    client: TenantClient, tenant: Tenant, complaint: Complaint, step: str, **inputs: Any
) -> None:
    response = client.post(
        f"/api/v1/complaints/{complaint.pk}/transitions/",
        json.dumps({"transition": step, "inputs": inputs}),
        content_type="application/json",
        tenant=tenant,
    )
    assert response.status_code == 200, response.json()


def answer(officer: TenantClient, tenant: Tenant, complaint: Complaint, response: str) -> None:
    """The DISDUKCAPIL answer waits for the head's approval (issue 16); the head approves at
    once, so the answer leaves at the same moment."""
    take(officer, tenant, complaint, "answer", response=response)
    with schema_context(tenant.schema_name):
        do_approve_answer(complaint=reload(tenant, complaint), actor=make_member(tenant, Role.HEAD))


def reload(tenant: Tenant, complaint: Complaint) -> Complaint:
    with schema_context(tenant.schema_name):
        return Complaint.objects.get(pk=complaint.pk)


def seed_march(tenant_factory: TenantFactory) -> tuple[Tenant, dict[str, Complaint]]:
    """The month the recap is checked against (see the test for the expected figures)."""
    with at(wib(2026, 2, 1)):
        tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
        other = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="62.05")
    officer_user = make_member(tenant, Role.OFFICER)
    officer = TenantClient()
    sign_in(officer, officer_user)
    made: dict[str, Complaint] = {}
    # E: received in February, answered and closed then, reopened in March, closed again.
    with at(wib(2026, 2, 20)):
        made["E"] = file_complaint(tenant, subject="E")
    with at(wib(2026, 2, 23)):
        take(officer, tenant, made["E"], "answer_directly", response="Sudah dijawab.")
    with at(wib(2026, 2, 24)):
        take(officer, tenant, made["E"], "close")
    with at(wib(2026, 3, 9)), schema_context(tenant.schema_name):
        do_reopen_complaint(complaint=reload(tenant, made["E"]), reason="Belum beres")
    with at(wib(2026, 3, 11)):
        take(officer, tenant, made["E"], "answer_directly", response="Sudah beres.")
        take(officer, tenant, made["E"], "close")
    # A: web, answered the next day, closed Wednesday 4: 2 working days, within the limits.
    with at(wib(2026, 3, 2)):
        made["A"] = file_complaint(tenant, subject="A")
    with at(wib(2026, 3, 3)):
        take(officer, tenant, made["A"], "answer_directly", response="Jawaban A.")
    with at(wib(2026, 3, 4)):
        take(officer, tenant, made["A"], "close")
    with at(wib(2026, 3, 5)), schema_context(tenant.schema_name):
        do_rate_complaint(complaint=reload(tenant, made["A"]), score=5)
    # C: at the desk, distributed in time but answered Tuesday 10 after the case was due
    # (3, 4, 5, 6, 9 March: due Monday 9, 23:59): the sweep escalates it at 00:05.
    with at(wib(2026, 3, 2, 10)):
        made["C"] = file_complaint(tenant, subject="C", channel="desk")
    with at(wib(2026, 3, 3)):
        take(officer, tenant, made["C"], "distribute", priority="low")
    # H: by SMS, its "received" step (2 working days: due Wednesday 4) breached, escalated on
    # Thursday 5; distributed Friday 6 and answered Monday 9, within the case's 5 days.
    with at(wib(2026, 3, 2, 11)):
        made["H"] = file_complaint(tenant, subject="H", channel="sms")
    with at(wib(2026, 3, 5, 0, 5)):
        run_sla_sweep()
    with at(wib(2026, 3, 6)):
        take(officer, tenant, made["H"], "distribute", priority="medium")
    with at(wib(2026, 3, 9)):
        answer(officer, tenant, made["H"], "Jawaban H.")
        take(officer, tenant, made["H"], "close")
    with at(wib(2026, 3, 10, 0, 5)):
        run_sla_sweep()
    with at(wib(2026, 3, 10)):
        answer(officer, tenant, made["C"], "Jawaban C.")
        take(officer, tenant, made["C"], "close")
    # D: incomplete (no phone), still waiting at the month's end.
    with at(wib(2026, 3, 5)):
        made["D"] = file_complaint(tenant, subject="D", phone="")
    # F: a whistleblowing report: only its count may show.
    with at(wib(2026, 3, 6)):
        made["F"] = file_complaint(tenant, subject="F rahasia", is_wbs=True)
    # G: forwarded to another Disdukcapil on Tuesday 10.
    with at(wib(2026, 3, 9)):
        made["G"] = file_complaint(tenant, subject="G")
    with at(wib(2026, 3, 10)), schema_context(tenant.schema_name):
        do_forward_complaint(tenant=tenant, complaint_id=made["G"].pk, to=other,
                             reason="Bukan wilayah kami", actor=officer_user)  # fmt: skip
    # B: WhatsApp, high priority; waited for the complainant from Monday 16 to Wednesday 25
    # (those days do not count), answered Thursday 26, closed Friday 27: counted days 13, 26,
    # 27 = 3 working days; the case's due date moved to Tuesday 31: within.
    with at(wib(2026, 3, 12)):
        made["B"] = file_complaint(tenant, subject="B", channel="whatsapp")
    with at(wib(2026, 3, 13)):
        take(officer, tenant, made["B"], "distribute", priority="high")
    with at(wib(2026, 3, 16)):
        take(officer, tenant, made["B"], "request_information", question="Nomor NIK?")
    with at(wib(2026, 3, 25)):
        take(officer, tenant, made["B"], "information_received")
    with at(wib(2026, 3, 26)):
        answer(officer, tenant, made["B"], "Jawaban B.")
    with at(wib(2026, 3, 27)):
        take(officer, tenant, made["B"], "close")
    with at(wib(2026, 3, 28)), schema_context(tenant.schema_name):
        do_rate_complaint(complaint=reload(tenant, made["B"]), score=3)
    return tenant, made


def test_every_figure_of_a_month_matches_the_hand_count(tenant_factory: TenantFactory) -> None:
    tenant, _made = seed_march(tenant_factory)
    with at(wib(2026, 4, 2)), schema_context(tenant.schema_name):
        figures = monthly_figures(tenant, Month(2026, 3))
    # Received here in March, WBS apart: A, B, C, D, H (G left for the other office).
    assert figures.received == 5
    assert figures.by_channel == {"desk": 1, "sms": 1, "web": 2, "whatsapp": 1}
    assert figures.by_urgency == {"": 2, "high": 1, "low": 1, "medium": 1}
    assert figures.by_category == {"": 5}
    assert figures.by_state_at_month_end == {"closed": 4, "incomplete": 1}
    assert (figures.complete, figures.incomplete) == (4, 1)
    # Resolved in March: A (2 days, in time), B (3, in time), C (6, case late), E (13 working
    # days since 20 February, in time after its reopen), H (5, its first step escalated).
    assert figures.resolved == 5
    assert figures.resolved_within_limit == 3
    assert figures.within_limit_percent == 60.0
    assert figures.median_resolution_days == 5.0  # of 2, 3, 5, 6, 13
    assert figures.p90_resolution_days == 13  # nearest rank: the 5th of 5
    assert figures.reopened == 1
    assert figures.forwarded_out == 1
    assert (figures.forwarded_in, figures.returned, figures.referred_to_lapor) == (0, 0, 0)
    assert (figures.rating_count, figures.rating_average) == (2, 4.0)
    assert figures.wbs_reports == 1
    assert figures.open_at_month_end == 1  # D
    assert figures.outcome_kinds == {}
    assert figures.trend[-2:] == [
        {"month": "2026-02", "received": 1, "resolved": 0},  # E's first closing was undone
        {"month": "2026-03", "received": 5, "resolved": 5},
    ]
    assert len(figures.trend) == 12 and figures.trend[0]["month"] == "2025-04"
    # Nothing of the WBS report but its count
    assert "F rahasia" not in json.dumps(figures.as_dict())


def test_a_future_month_and_one_before_the_tenant_are_refused(
    tenant_factory: TenantFactory,
) -> None:
    with at(wib(2026, 2, 10)):
        tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    with at(wib(2026, 3, 15)):
        check_period(tenant, Month(2026, 3))
        check_period(tenant, Month(2026, 2))
        with pytest.raises(AduanError) as future:
            check_period(tenant, Month(2026, 4))
        with pytest.raises(AduanError) as before:
            check_period(tenant, Month(2026, 1))
    assert future.value.code == "period.future_month"
    assert before.value.code == "period.before_start"
    assert before.value.message == "Periode 2026-01 sebelum instansi ini terdaftar di Aduan."
    for garbled_text in ("2026-13", "2026", "26-03", "2026-03-15", "maret", ""):
        with pytest.raises(AduanError) as garbled:
            parse_month(garbled_text)
        assert (garbled.value.code, garbled.value.extra) == (
            "period.invalid_month",
            {"field": "month"},
        ), garbled_text
    assert parse_month(" 2026-3 ") == Month(2026, 3)
    assert parse_month("2026-03-01", allow_day=True) == Month(2026, 3)


def test_wilson_puts_one_lucky_complaint_below_95_of_100() -> None:
    lucky = wilson_interval(1, 1)
    steady = wilson_interval(95, 100)
    assert lucky is not None and steady is not None
    assert round(lucky.low, 3) == 0.207 and lucky.high == 1.0
    assert (round(steady.low, 3), round(steady.high, 3)) == (0.888, 0.978)
    assert lucky.low < steady.low
    assert wilson_interval(0, 0) is None


def test_p90_is_the_nearest_rank() -> None:
    assert p90([]) is None
    assert p90([4]) == 4
    assert p90(list(range(1, 11))) == 9
    assert p90(list(range(1, 12))) == 10
