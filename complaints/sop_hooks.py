"""Where intake hands a new complaint to the SOP. The SOP work replaces these bodies with the
tenant's versioned SOP; until then the two entry states are fixed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint

RECEIVED = "received"
INCOMPLETE = "incomplete"


def on_filed(complaint: Complaint) -> None:
    """Set the first state of a complaint just filed, inside the filing transaction."""
    complaint.state = RECEIVED if complaint.is_complete else INCOMPLETE
    complaint.save(update_fields=["state", "updated_at"])


def on_completed(complaint: Complaint) -> None:
    """An incomplete complaint got every required element: it enters the SOP as received."""
    if complaint.state == INCOMPLETE:
        complaint.state = RECEIVED
        complaint.save(update_fields=["state", "updated_at"])


STATE_LABELS = {RECEIVED: _("Diterima"), INCOMPLETE: _("Menunggu kelengkapan dari pengadu")}


def state_label(complaint: Complaint) -> str:
    """The name of the complaint's current step, in the current language."""
    known = STATE_LABELS.get(complaint.state)
    return str(known) if known else complaint.state.replace("_", " ").capitalize()
