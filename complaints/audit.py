"""The complaint's timeline and audit trail (append-only): the only writer of events.

It writes rows only: whoever must hear of an entry is told by the action that wrote it,
through complaints.notifications (the one door to the outside)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from aduan import envelope
from complaints import search
from complaints.models import Complaint, ComplaintEvent
from complaints.sealing import IDENTITY_FIELDS, data_key_of


def actor_name(actor: AbstractBaseUser | AnonymousUser | None) -> str:
    if actor is None or not actor.is_authenticated:
        return ""
    full_name = getattr(actor, "get_full_name", lambda: "")()
    return str(full_name or actor.get_username())


@dataclass(frozen=True)
class NewEvent:
    """One entry to append (`record_events`): who (`actor`, or `actor_label` for a citizen or
    a channel), what (`kind`, `message`), and the values `before` and `after` a change.
    `is_public` entries are shown to the complainant on the tracking page."""

    kind: str
    actor: AbstractBaseUser | AnonymousUser | None = None
    actor_label: str = ""
    message: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    is_public: bool = False


def record_event(
    complaint: Complaint,
    *,
    kind: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    actor_label: str = "",
    message: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    is_public: bool = False,
    document_written: bool = False,
) -> ComplaintEvent:
    """Append one entry (see `NewEvent`); the others stay internal.
    `document_written`: the row was written with its search document already
    (complaints.search.filed_document: intake), so the entry needs no refresh."""
    new = NewEvent(kind, actor, actor_label, message, before, after, is_public)
    return record_events(complaint, [new], document_written=document_written)[0]


def record_events(
    complaint: Complaint, events: Sequence[NewEvent], *, document_written: bool = False
) -> list[ComplaintEvent]:
    """Append `events` in their order, in one statement (intake's filed entry and a front
    door's routing entry go in together)."""
    rows = []
    for new in events:
        actor = new.actor
        user = actor if actor is not None and actor.is_authenticated else None
        rows.append(
            ComplaintEvent(
                complaint=complaint,
                actor_id=user.pk if user is not None else None,
                actor_label=new.actor_label or actor_name(user),
                kind=str(new.kind),
                is_public=new.is_public,
                message=new.message,
                before=_sealed_identity(complaint, new.before),
                after=_sealed_identity(complaint, new.after),
            )
        )
    written = ComplaintEvent.objects.bulk_create(rows)
    if not document_written and any(new.kind in search.TEXT_KINDS for new in events):
        # The register's search document follows the timeline (one UPDATE).
        search.refresh_document(complaint.pk)
    return written


def _sealed_identity(complaint: Complaint, values: dict[str, Any] | None) -> dict[str, Any] | None:
    """A correction's before and after name the identity: sealed like the complaint's own."""
    if not values or not any(values.get(k) for k in IDENTITY_FIELDS):
        return values
    key = data_key_of(complaint)
    sealed = dict(values)
    for field in IDENTITY_FIELDS:
        if values.get(field):
            sealed[field] = (
                envelope.seal_value(key, str(values[field]), f"event:{field}") if key else ""
            )
    return sealed


def opened_identity(complaint: Complaint, values: dict[str, Any] | None) -> dict[str, Any]:
    """The before or after of an entry with its identity values opened (empty once erased)."""
    key = data_key_of(complaint)
    opened = dict(values or {})
    for field in IDENTITY_FIELDS:
        value = opened.get(field)
        if isinstance(value, str) and value.startswith("sealed:"):
            opened[field] = envelope.unseal_value(key, value, f"event:{field}") if key else ""
    return opened
