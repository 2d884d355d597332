"""Where intake hands a new complaint to the SOP: it starts in its tenant's active SOP version
(the kind's template becomes version 1 on first use) and keeps that version to the end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from aduan.tenancy import connection_tenant
from complaints import sla
from complaints.actions.sop import do_ensure_sop_version
from complaints.actions.state import Entry, enter_state, place_first_state
from complaints.actions.workflow import complaint_sop
from complaints.models import Complaint, ComplaintEvent, EventKind
from complaints.selectors import sop_by_id
from complaints.sop import Sop
from complaints.wbs import WBS_PURPOSE
from tenants.models import Tenant

# The entry states of every default template (complaints.sop_templates); a tenant's edited SOP
# may name its own.
RECEIVED = "received"
INCOMPLETE = "incomplete"


def sop_purpose(complaint: Complaint) -> str:
    """The SOP a complaint runs under: a WBS report the tenant's whistleblowing SOP (WBS
    officers, WBS deadlines), any other complaint the tenant's own."""
    return WBS_PURPOSE if complaint.is_wbs else ""


@dataclass(frozen=True)
class Placed:
    """Where `place_filed` put a new complaint: its SOP and the due dates its row carries."""

    sop: Sop
    dues: sla.Dues


def place_filed(
    complaint: Complaint,
    *,
    tenant: Tenant,
    active_sop_id: int | None,
    at: dt.datetime,
    sop_digest: str | None = None,
) -> Placed:
    """Before intake writes the row: the SOP version it runs under (`active_sop_id`, read with
    the register number with `sop_digest`; None before the tenant's first complaint, when the
    kind's template becomes version 1), its first state (the SOP's initial or, while required
    elements are missing, its incomplete state) and that state's clocks from `at`. The row is
    then written once, already in that state with its due dates."""
    if active_sop_id is None:
        active_sop_id = do_ensure_sop_version(tenant=tenant, purpose=sop_purpose(complaint)).pk
    complaint.sop_version_id = active_sop_id
    # Parsed SOPs are kept per process by definition digest: usually no read at all.
    sop = sop_by_id(active_sop_id, tenant.schema_name, sop_digest)
    return Placed(sop, place_first_state(complaint, sop=sop, tenant=tenant, at=at))


def on_filed(complaint: Complaint, *, tenant: Tenant, placed: Placed) -> None:
    """After the row is written in its first state (`place_filed`), inside the filing
    transaction: the rest of entering it (its deadline rows), through the one state writer."""
    sop = placed.sop
    state = sop.state(complaint.state)
    assert state is not None  # a validated SOP has its initial and incomplete states
    enter_state(
        tenant=tenant, complaint=complaint, sop=sop, state=state, entry=None, arrived=True,
        filed=placed.dues,
    )  # fmt: skip


def on_completed(complaint: Complaint) -> None:
    """An incomplete complaint got every required element: it enters the SOP at its start."""
    sop = complaint_sop(complaint)
    if sop.incomplete and complaint.state == sop.incomplete:
        _enter(connection_tenant(), complaint, sop, sop.initial)


# How the automatic step back is written in the timeline (the audit keeps the source language).
REPLY_STEP = "complainant_replied"
REPLY_STEP_LABEL = "Keterangan tambahan diterima dari pengadu"


def on_complainant_replied(complaint: Complaint, actor_label: str) -> None:
    """The complainant answered (tracking page, API, a channel's reply): inside the reply's
    transaction, with the complaint row locked.

    A complaint waiting for more information (a `waits_for_complainant` state other than the
    incomplete one, e.g. awaiting_information) goes back to the state it was in when staff
    asked, and the clock of that step runs again (the waiting days are not counted). Any other
    paused clock just resumes. The incomplete state is left by completing the file instead
    (`on_completed`)."""
    sop = complaint_sop(complaint)
    here = sop.state(complaint.state)
    if here is None or not here.waits_for_complainant or complaint.state == sop.incomplete:
        sla.on_complainant_replied(complaint, timezone.now())
        return
    target = _state_before_waiting(complaint, sop)
    if target is None:
        sla.on_complainant_replied(complaint, timezone.now())
        return
    _enter(
        connection_tenant(),
        complaint,
        sop,
        target,
        entry=Entry(
            kind=EventKind.TRANSITION,
            actor_label=actor_label,
            message=REPLY_STEP_LABEL,
            after={
                "transition": REPLY_STEP,
                "sop_version": complaint.sop_version.number if complaint.sop_version else None,
                "inputs": {},
            },
        ),
    )


def _state_before_waiting(complaint: Complaint, sop: Sop) -> str | None:
    """Where the complaint was when it started waiting; else the SOP's declared way out of the
    waiting state (the target of its first step to a state that runs)."""
    entered = (
        ComplaintEvent.objects.filter(
            complaint=complaint, kind=EventKind.TRANSITION, after__state=complaint.state
        )
        .order_by("-at", "-id")
        .first()
    )
    previous = (entered.before or {}).get("state") if entered is not None else None
    state = sop.state(previous) if isinstance(previous, str) else None
    if state is not None and not state.terminal and not state.waits_for_complainant:
        return state.key
    for step in sop.transitions_from(complaint.state):
        target = sop.state(step.target)
        if target is not None and not target.terminal and not target.waits_for_complainant:
            return target.key
    return None


def _enter(
    tenant: Tenant,
    complaint: Complaint,
    sop: Sop,
    key: str,
    *,
    entry: Entry | None = None,
    also_save: Sequence[str] = (),
) -> None:
    """Enter the SOP state `key` through the one state writer."""
    state = sop.state(key)
    assert state is not None  # a validated SOP has its initial, incomplete and targets
    enter_state(
        tenant=tenant, complaint=complaint, sop=sop, state=state, entry=entry, also_save=also_save
    )


def state_label(complaint: Complaint) -> str:
    """The name of the complaint's current step in its SOP version, in the current language."""
    state = complaint_sop(complaint).state(complaint.state)
    return str(state.label) if state else complaint.state.replace("_", " ").capitalize()
