"""The complainant's side after intake: replies on the tracking page, and completing what an
incomplete complaint lacks. The tracking code is the only credential, so a reply may FILL a
missing element but never overwrite one that is already there (whoever holds a code must not
be able to redirect the complaint to another phone number)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from complaints import sop_hooks
from complaints.actions.intake import (
    discard_files,
    missing_elements,
    raise_problems,
    store_attachments,
)
from complaints.actions.working import MESSAGE_LIMIT
from complaints.audit import record_event
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.models import Attachment, Complaint, EventKind
from complaints.validation import (
    check_attachments,
    intake_phone,
    length_problem,
    phone_problem,
)

PUBLIC_LABEL = "Pengadu"


def do_reply_to_complaint(
    *,
    complaint: Complaint,
    message: str = "",
    name: str = "",
    address: str = "",
    phone: str = "",
    subject: str = "",
    description: str = "",
    attachments: Sequence[File] = (),  # type: ignore[type-arg]
    actor_label: str = PUBLIC_LABEL,
    source: dict[str, Any] | None = None,
) -> Complaint:
    """A reply from the complainant (public on their tracking page), by any door: the page,
    the API, an e-mail reply. Values for elements the complaint is missing complete it; once
    nothing is missing it enters the SOP. `actor_label`: who the timeline names (an e-mail's
    sender); `source`: where the reply came from, kept on its entry (an inbound message's
    id)."""
    text = message.strip()
    offered = {
        "name": name.strip(),
        "address": address.strip(),
        "phone": phone.strip(),
        "subject": subject.strip(),
        "description": description.strip(),
    }
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        filling = {k: v for k, v in offered.items() if v and k in locked.missing_elements}
        if not (text or filling or attachments):
            raise ComplaintError(
                ComplaintErrorCode.EMPTY_MESSAGE,
                _("Tulis balasan atau lengkapi data yang diminta."),
                {"field": "message"},
            )
        existing = locked.attachments.count()
        checked, file_problem = check_attachments(
            attachments, already=existing, strip_metadata=locked.is_wbs
        )
        raise_problems(
            [
                length_problem("message", text, MESSAGE_LIMIT),
                length_problem("name", filling.get("name", ""), 200),
                length_problem("subject", filling.get("subject", ""), 200),
                phone_problem(filling["phone"]) if "phone" in filling else None,
                file_problem,
            ]
        )
        if "phone" in filling:
            filling["phone"] = intake_phone(filling["phone"])
        stored: list[Attachment] = []
        try:
            if filling:
                before = {k: getattr(locked, k) for k in filling}
                for key, value in filling.items():
                    setattr(locked, key, value)
                locked.missing_elements = missing_elements(locked)
                locked.is_complete = not locked.missing_elements
                locked.save()
                record_event(
                    locked,
                    kind=EventKind.COMPLETED,
                    actor_label=actor_label,
                    is_public=True,
                    before=before,
                    after={**filling, "missing": locked.missing_elements},
                )
            store_attachments(locked, checked, stored)
            if text or stored:
                after = {**(source or {}), **({"attachments": len(stored)} if stored else {})}
                record_event(
                    locked,
                    kind=EventKind.REPLY,
                    actor_label=actor_label,
                    message=text,
                    is_public=True,
                    after=after or None,
                )
            if filling and locked.is_complete:
                sop_hooks.on_completed(locked)
            # Back from waiting for more information, the step's clock running again.
            sop_hooks.on_complainant_replied(locked, actor_label)
        except BaseException:
            discard_files(stored)
            raise
    return locked
