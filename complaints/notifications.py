"""What the complainant is told through their channel (SMS, WhatsApp, e-mail), and when.

Called inside the transaction of the change (the transition, a public response, a reopen, a
merge), so the outbox row (integrations.notify) exists exactly when the change committed; its
key carries the id of the change's timeline entry, so a change is told once. A change of state
asks the rules table below (`CITIZEN_NOTICE`) from complaints.actions.state.enter_state.

This module is the complaints side of the one door to the outside: complaints reach
integrations only through integrations.notify, and only from here. That includes the
follow-ups of a complaint imported from SP4N-LAPOR! (`on_entry`): the timeline writer
(complaints.audit) knows nothing of any channel.

Privacy: a notification leaves Aduan through outside providers (an SMS gateway, Meta, mail
servers). For a confidential (rahasia, the default) or WBS complaint it carries only the
tracking code, the SOP step's name and the link to the tracking page, never what staff wrote;
the complainant reads that on the tracking page. A public complaint's notification carries the
public response itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintEvent, EventKind, element_labels
from complaints.sop import Sop, State, Transition
from integrations.notify import NotificationKind, notify_complaint, notify_entry, rewrite_unsent
from tenants.models import Tenant
from tenants.selectors import tenant_url

RATING_ANCHOR = "nilai"


class Notice(StrEnum):
    """Whether a timeline entry tells the complainant through their channel."""

    # The SOP step decides (its `notify`, the state it enters: kind_of_transition); a change
    # without a step (the complainant's own reply, a move's arrival) is not told.
    BY_STEP = "by_step"
    # Told, unless the complainant did it themselves (they know).
    UNLESS_BY_COMPLAINANT = "unless_by_complainant"
    ALWAYS = "always"
    NEVER = "never"


# The notification rules: which timeline entry kinds notify the citizen (README: "Who is
# told what"). A kind not listed never does: notes, assignments, reminders, the complainant's
# own replies and completions, a filing (its receipt is on_filed).
CITIZEN_NOTICE: Final[Mapping[str, Notice]] = MappingProxyType(
    {
        EventKind.TRANSITION: Notice.BY_STEP,
        # A staff response (do_respond_to_complaint); inside a step it rides on the step's.
        EventKind.RESPONSE: Notice.ALWAYS,
        EventKind.REOPENED: Notice.UNLESS_BY_COMPLAINANT,
        # Aduan's own words (the register number followed), so even for a rahasia complaint.
        EventKind.MERGED: Notice.ALWAYS,
    }
)


def notice_for(kind: str) -> Notice:
    return CITIZEN_NOTICE.get(kind, Notice.NEVER)


def on_entry(*, tenant: Tenant, complaint: Complaint, event: ComplaintEvent, done: bool) -> None:
    """Every timeline entry that could leave Aduan passes here as it is written (a change of
    state and a public response): the notification routing (integrations.notify.notify_entry)
    decides whether the complaint's source system hears of it (SP4N-LAPOR!'s follow-ups).
    `done`: the complaint is now in a terminal state of its SOP."""
    notify_entry(tenant=tenant, complaint=complaint, event=event, done=done)


def track_link(tenant: Tenant, complaint: Complaint, *, rating: bool = False) -> str:
    """The tracking page (its rating form with `rating`) as an absolute URL for a message."""
    base = settings.SITE_URL.rstrip("/") + tenant_url(tenant)
    if complaint.is_wbs:
        # A WBS report opens with its receipt key only, on the WBS return page.
        return f"{base}wbs/kembali/"
    return f"{base}lacak/{complaint.tracking_code}/" + (f"#{RATING_ANCHOR}" if rating else "")


def shareable(complaint: Complaint) -> bool:
    """May a notification carry what staff wrote? Not for rahasia or WBS complaints."""
    return not (complaint.is_confidential or complaint.is_wbs)


def kind_of_transition(
    step: Transition, entered: State, *, responded: bool, handing_over: bool = False
) -> str | None:
    """The notification a step gives, or None (see complaints.sop: `notify`). A complaint
    handed to the competent body is not closed for its complainant: a status change."""
    if step.notify is False:
        return None
    if handing_over:
        return NotificationKind.STATUS
    if entered.terminal:
        return NotificationKind.CLOSING
    if entered.waits_for_complainant:
        return NotificationKind.INFO_REQUEST
    if step.notify or responded:
        return NotificationKind.STATUS
    return None


def on_transition(
    *,
    tenant: Tenant,
    complaint: Complaint,
    sop: Sop,
    step: Transition,
    event: ComplaintEvent,
    public_text: str,
    handing_over: bool = False,
) -> None:
    """Tell the complainant of a step just taken (inside its transaction), and the
    complainants of duplicates merged into this complaint, which follow its status.
    `handing_over`: the complaint leaves for another body; the platform's tracking page
    (which finds it wherever it is) is the link."""
    entered = sop.state(step.target)
    if entered is None:
        return
    kind = kind_of_transition(step, entered, responded=bool(public_text), handing_over=handing_over)
    if kind is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        state = str(entered.label)
    closing = kind == NotificationKind.CLOSING
    link = (
        f"{settings.SITE_URL.rstrip('/')}/lacak/{complaint.tracking_code}/"
        if handing_over and not complaint.is_wbs
        else track_link(tenant, complaint, rating=closing)
    )
    notify_complaint(
        tenant=tenant,
        complaint=complaint,
        kind=kind,
        note=public_text if shareable(complaint) else "",
        state=state,
        link=link,
        event_key=str(event.pk),
    )
    # A duplicate's complainant learns the step only: the text belongs to another complainant.
    for duplicate in Complaint.objects.filter(merged_into=complaint):
        notify_complaint(
            tenant=tenant,
            complaint=duplicate,
            kind=NotificationKind.STATUS,
            state=state,
            link=track_link(tenant, duplicate),
            event_key=f"via-{complaint.tracking_code}-{event.pk}",
        )


def on_public_event(
    *,
    tenant: Tenant,
    complaint: Complaint,
    event: ComplaintEvent,
    state: State | None,
    note: str = "",
    safe: bool = False,
) -> None:
    """Tell the complainant of a public entry outside the SOP steps (a response, a reopen,
    a merge): the name of `state` (the complaint's, in its SOP), and `note` only where the
    complaint is not confidential or the note is `safe` (Aduan's own words, no staff text)."""
    with translation.override(settings.LANGUAGE_CODE):
        name = str(state.label) if state else complaint.state.replace("_", " ").capitalize()
    notify_complaint(
        tenant=tenant,
        complaint=complaint,
        kind=NotificationKind.STATUS,
        note=note if safe or shareable(complaint) else "",
        state=name,
        link=track_link(tenant, complaint),
        event_key=str(event.pk),
    )


def _receipt(tenant: Tenant, complaint: Complaint) -> tuple[str, str]:
    """(note, link) of the receipt: an incomplete complaint's asks for what is missing and
    links the tracking page where it is completed (by e-mail or WhatsApp; the SMS receipt
    keeps to the code and how to check). Aduan's own words only, never the complaint's."""
    if not complaint.missing_elements:
        return "", ""
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Mohon lengkapi: %(elements)s.") % {
            "elements": element_labels(list(complaint.missing_elements))
        }
    return note, track_link(tenant, complaint)


def on_filed(*, tenant: Tenant, complaint: Complaint) -> None:
    """The receipt (tanda terima), inside the filing transaction."""
    note, link = _receipt(tenant, complaint)
    notify_complaint(
        tenant=tenant, complaint=complaint, kind=NotificationKind.RECEIPT, note=note, link=link
    )


def on_moved(*, tenant: Tenant, complaint: Complaint, receipt_ids: list[int]) -> None:
    """A forwarded complaint's receipt not sent yet (pending, or failed and waiting for a
    Retry) moved with it (complaints.forwarding): it is written again in the new holder's
    name, with its register number, SMS keyword and tracking page, inside the move's
    transaction. Same row and key, so the citizen still gets it once, and correct."""
    note, link = _receipt(tenant, complaint)
    rewrite_unsent(
        receipt_ids,
        tenant=tenant,
        complaint=complaint,
        kind=NotificationKind.RECEIPT,
        note=note,
        link=link,
    )
