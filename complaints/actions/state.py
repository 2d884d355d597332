"""The one writer of a complaint's state: `enter_state`.

Every change of state goes through it: an SOP step (complaints.actions.workflow), a reopen
(complaints.actions.closing), a merge (complaints.actions.merge), the intake hooks
(complaints.sop_hooks: filed, completed, the complainant's reply) and a move's arrival at the
receiver (complaints.forwarding). In the caller's transaction it writes, in this order:

1. the state (and `closed_at`: the reopen window counts from a terminal state's entry);
2. the timeline entry of the change (complaints.audit.record_event), then the step's public
   responses, each handed to the notification door as it is written (an entry of a complaint
   imported from SP4N-LAPOR! goes back there as a follow-up: complaints.notifications);
3. the SLA clocks, the step's and the whole case's (complaints.sla.on_state_entered);
4. a triage entry of the complaint is closed when its holder's staff took a step on it or it
   reached an end (routing.actions.triage.do_close_triage_entry): it is decided;
5. the citizen's notification, where the rules table (complaints.notifications.CITIZEN_NOTICE)
   says the entry's kind is told.

A test (tests/complaints/test_state.py) scans the source: no other code assigns a complaint's
state or starts its SLA clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from complaints import notifications, sla
from complaints.actions.statistics import request_statistics_refresh
from complaints.audit import record_event
from complaints.models import Complaint, ComplaintEvent, EventKind
from complaints.notifications import Notice
from complaints.sop import Sop, State, Transition
from routing.actions.triage import do_close_triage_entry
from tenants.models import Tenant


@dataclass(frozen=True)
class Entry:
    """The timeline entry a change of state writes. `before` and `after` add to the state
    before and after the change, which `enter_state` writes itself ("state" given here wins:
    a move's arrival names the state the complaint had at the origin)."""

    kind: str
    actor: AbstractBaseUser | AnonymousUser | None = None
    actor_label: str = ""
    message: str = ""
    is_public: bool = False
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


def place_first_state(
    complaint: Complaint, *, sop: Sop, tenant: Tenant, at: dt.datetime
) -> sla.Dues:
    """Before intake writes a new complaint's row (complaints.sop_hooks.place_filed): its first
    state, the SOP's initial or, while required elements are missing, its incomplete state,
    and that state's clocks from `at`, so the row is inserted once, already in it and with its
    due dates; `enter_state(filed=dues)` then writes the rest (the deadline rows)."""
    waiting = not complaint.is_complete and sop.incomplete
    complaint.state = sop.incomplete if waiting else sop.initial
    state = sop.state(complaint.state)
    assert state is not None  # a validated SOP has its initial and incomplete states
    return sla.start_clocks(
        complaint,
        state.for_urgency(complaint.urgency),
        at,
        case_limit=sop.case_limit,
        initial=sop.initial,
        tenant=tenant,
    )


def enter_state(
    *,
    tenant: Tenant,
    complaint: Complaint,
    sop: Sop,
    state: State,
    entry: Entry | None,
    at: dt.datetime | None = None,
    also_save: Sequence[str] = (),
    arrived: bool = False,
    restart_case_clock: bool = False,
    step: Transition | None = None,
    responses: Sequence[str] = (),
    handing_over: bool = False,
    note: str = "",
    safe_note: bool = False,
    filed: sla.Dues | None = None,
) -> ComplaintEvent | None:
    """Put `complaint` (locked by the caller, inside its transaction) in `state` of its `sop`.

    `entry`: the timeline entry of the change, None where none is written (intake's first
    state, a completed file). `also_save`: other fields the caller changed with the state,
    saved in the same statement. `arrived`: the row was just created in this state by a move
    (nothing to save). `restart_case_clock`: the whole case's clock starts anew (a reopen).
    `step`, `responses`, `handing_over`: the SOP step taken, its public responses (each
    written as an entry) and whether it hands the complaint to another body; they decide the
    step's notification. `note`, `safe_note`: what a told public entry carries (see
    complaints.notifications.on_public_event). `filed`: intake's first state, the row just
    inserted with its clocks and these due dates (`place_first_state`). Returns the change's
    entry."""
    at = at or timezone.now()
    was = complaint.state
    if not arrived:
        complaint.state = state.key
        complaint.closed_at = at if state.terminal else None
        complaint.save(update_fields=["state", "closed_at", *also_save, "updated_at"])
    event = None
    if entry is not None:
        event = record_event(
            complaint,
            kind=entry.kind,
            actor=entry.actor,
            actor_label=entry.actor_label,
            message=entry.message,
            is_public=entry.is_public,
            before={"state": was, **entry.before},
            after={"state": state.key, **entry.after},
        )
        notifications.on_entry(tenant=tenant, complaint=complaint, event=event, done=state.terminal)
    for text in responses:
        answered = record_event(
            complaint,
            kind=EventKind.RESPONSE,
            actor=entry.actor if entry is not None else None,
            message=text,
            is_public=True,
        )
        notifications.on_entry(
            tenant=tenant, complaint=complaint, event=answered, done=state.terminal
        )
    if restart_case_clock:
        sla.restart_case_clock(complaint)
    if filed is not None:
        # Its row went in with its clocks (place_first_state): only its deadline rows now.
        sla.write_new_deadlines(tenant, complaint, filed)
    else:
        # The step's limit may depend on the complaint's urgency (the SOP's limits_by_urgency).
        sla.on_state_entered(
            complaint,
            state.for_urgency(complaint.urgency),
            at,
            case_limit=sop.case_limit,
            initial=sop.initial,
            tenant=tenant,
        )
    # The published statistics follow after the batch (complaints.actions.statistics); a
    # filing's refresh is asked for by its after-filing job, off the request path.
    if filed is None:
        request_statistics_refresh(tenant.schema_name)
    if step is not None or (state.terminal and not arrived):
        do_close_triage_entry(tracking_code=complaint.tracking_code)
    if event is not None:
        _notify(
            tenant=tenant,
            complaint=complaint,
            sop=sop,
            state=state,
            event=event,
            step=step,
            public_text="\n".join(responses),
            handing_over=handing_over,
            note=note,
            safe_note=safe_note,
        )
    return event


def _notify(
    *,
    tenant: Tenant,
    complaint: Complaint,
    sop: Sop,
    state: State,
    event: ComplaintEvent,
    step: Transition | None,
    public_text: str,
    handing_over: bool,
    note: str,
    safe_note: bool,
) -> None:
    """Tell the complainant of the change where the rules table says its kind is told."""
    rule = notifications.notice_for(event.kind)
    if rule == Notice.BY_STEP:
        if step is not None:  # an automatic step (a reply, an arrival) is not told
            notifications.on_transition(
                tenant=tenant,
                complaint=complaint,
                sop=sop,
                step=step,
                event=event,
                public_text=public_text,
                handing_over=handing_over,
            )
    elif rule == Notice.UNLESS_BY_COMPLAINANT:
        if event.actor_id is not None:  # the complainant asked for it: they know
            notifications.on_public_event(
                tenant=tenant, complaint=complaint, event=event, state=state
            )
    elif rule == Notice.ALWAYS:
        notifications.on_public_event(
            tenant=tenant, complaint=complaint, event=event, state=state, note=note, safe=safe_note
        )
