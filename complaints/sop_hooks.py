"""Where intake hands a new complaint to the SOP: it starts in its tenant's active SOP version
(the kind's template becomes version 1 on first use) and keeps that version to the end."""

from __future__ import annotations

from django.utils import timezone

from complaints import sla
from complaints.actions.sop import do_ensure_sop_version
from complaints.actions.workflow import complaint_sop, current_tenant
from complaints.models import Complaint

# The entry states of every default template (complaints.sop_templates); a tenant's edited SOP
# may name its own.
RECEIVED = "received"
INCOMPLETE = "incomplete"


def on_filed(complaint: Complaint) -> None:
    """Set the first state of a complaint just filed, inside the filing transaction: the SOP's
    initial state, or its incomplete state while required elements are missing."""
    complaint.sop_version = do_ensure_sop_version(tenant=current_tenant())
    sop = complaint_sop(complaint)
    waiting = not complaint.is_complete and sop.incomplete
    complaint.state = sop.incomplete if waiting else sop.initial
    complaint.save(update_fields=["state", "sop_version", "updated_at"])
    _enter(complaint)


def on_completed(complaint: Complaint) -> None:
    """An incomplete complaint got every required element: it enters the SOP at its start."""
    sop = complaint_sop(complaint)
    if sop.incomplete and complaint.state == sop.incomplete:
        complaint.state = sop.initial
        complaint.save(update_fields=["state", "updated_at"])
        _enter(complaint)


def _enter(complaint: Complaint) -> None:
    """Start the SLA clock of the state the complaint is now in."""
    state = complaint_sop(complaint).state(complaint.state)
    if state is not None:
        sla.on_state_entered(complaint, state, timezone.now())


def state_label(complaint: Complaint) -> str:
    """The name of the complaint's current step in its SOP version, in the current language."""
    state = complaint_sop(complaint).state(complaint.state)
    return str(state.label) if state else complaint.state.replace("_", " ").capitalize()
