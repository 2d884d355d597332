"""After closing: the complainant's satisfaction rating (penilaian kepuasan) and reopening.

- Rating: 1 to 5 with an optional comment, once per complaint, only once it is closed (in a
  terminal state of its SOP) and not merged into another one. The tracking code is the
  credential (the tracking page and the public API).
- Reopening: the complainant (tracking code) or staff (officer, head, tenant admin, WBS
  officer for WBS reports) reopen a closed complaint within the SOP's `reopen.within_days`
  calendar days of closing (default 14, complaints.sop), with a reason. It goes to the SOP's
  `reopen.to` state, the SLA clock starts anew there, and the timeline records who, why,
  before and after.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.errors import AduanError
from aduan.tenancy import connection_tenant
from complaints.actions.replies import PUBLIC_LABEL
from complaints.actions.state import Entry, enter_state
from complaints.actions.workflow import complaint_sop
from complaints.audit import record_event
from complaints.models import Complaint, EventKind
from complaints.sop import Sop
from tenants.models import Role
from tenants.permissions import roles_in

RATING_MIN, RATING_MAX = 1, 5
COMMENT_LIMIT = 2000
REASON_LIMIT = 2000
REOPEN_ROLES = frozenset({Role.OFFICER, Role.HEAD, Role.TENANT_ADMIN, Role.WBS_OFFICER})


class ClosingErrorCode(StrEnum):
    BAD_RATING = "complaints.bad_rating"
    NOT_CLOSED = "complaints.not_closed"
    ALREADY_RATED = "complaints.already_rated"
    MERGED = "complaints.merged"
    TOO_LONG = "complaints.too_long"
    REASON_REQUIRED = "complaints.reason_required"
    REOPEN_EXPIRED = "complaints.reopen_expired"
    ROLE_NOT_ALLOWED = "complaints.role_not_allowed"


def _error(code: ClosingErrorCode, field: str, message: str) -> AduanError:
    return AduanError(code, message, {"field": field, "fields": {field: [message]}})


def is_closed(complaint: Complaint, sop: Sop | None = None) -> bool:
    state = (sop or complaint_sop(complaint)).state(complaint.state)
    return state is not None and state.terminal


def can_rate(complaint: Complaint) -> bool:
    return complaint.rating is None and complaint.merged_into_id is None and is_closed(complaint)


def reopen_deadline(complaint: Complaint, sop: Sop | None = None) -> datetime | None:
    """Until when a closed complaint may be reopened; None when it is not closed (or merged)."""
    sop = sop or complaint_sop(complaint)
    if complaint.merged_into_id is not None or not is_closed(complaint, sop):
        return None
    # Closed before closed_at existed: the moment it entered its state.
    closed = complaint.closed_at or complaint.state_entered_at or complaint.updated_at
    return closed + timedelta(days=sop.reopen.within_days)


def can_reopen(complaint: Complaint) -> bool:
    deadline = reopen_deadline(complaint)
    return deadline is not None and timezone.now() <= deadline


def _score(raw: object) -> int:
    message = _("Nilai harus bilangan bulat 1 sampai 5.")
    if isinstance(raw, bool):
        raise _error(ClosingErrorCode.BAD_RATING, "score", message)
    try:
        score = int(str(raw).strip())
    except (TypeError, ValueError):
        raise _error(ClosingErrorCode.BAD_RATING, "score", message) from None
    if not RATING_MIN <= score <= RATING_MAX:
        raise _error(ClosingErrorCode.BAD_RATING, "score", message)
    return score


def do_rate_complaint(*, complaint: Complaint, score: object, comment: str = "") -> Complaint:
    """The complainant rates the handling of their closed complaint, once."""
    value = _score(score)
    text = (comment or "").strip()
    if len(text) > COMMENT_LIMIT:
        raise _error(
            ClosingErrorCode.TOO_LONG,
            "comment",
            _("Komentar paling banyak %(n)d karakter.") % {"n": COMMENT_LIMIT},
        )
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.merged_into_id is not None:
            raise _error(
                ClosingErrorCode.MERGED,
                "score",
                _("Pengaduan ini digabung ke pengaduan lain; penilaian diberikan di sana."),
            )
        if not is_closed(locked):
            raise _error(
                ClosingErrorCode.NOT_CLOSED,
                "score",
                _("Penilaian baru dapat diberikan setelah pengaduan selesai."),
            )
        if locked.rating is not None:
            raise _error(
                ClosingErrorCode.ALREADY_RATED,
                "score",
                _("Pengaduan ini sudah dinilai; penilaian hanya dapat diberikan sekali."),
            )
        locked.rating = value
        locked.rating_comment = text
        locked.rated_at = timezone.now()
        locked.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
        record_event(
            locked,
            kind=EventKind.RATED,
            actor_label=PUBLIC_LABEL,
            message=text,
            after={"rating": value},
        )
    return locked


def do_reopen_complaint(
    *,
    complaint: Complaint,
    reason: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
) -> Complaint:
    """Reopen a closed complaint into the SOP's reopen state. `actor` None: the complainant
    (by tracking code); a staff user must hold one of REOPEN_ROLES here."""
    text = (reason or "").strip()
    if not text:
        raise _error(
            ClosingErrorCode.REASON_REQUIRED, "reason", _("Tuliskan alasan membuka kembali.")
        )
    if len(text) > REASON_LIMIT:
        raise _error(
            ClosingErrorCode.TOO_LONG,
            "reason",
            _("Alasan paling banyak %(n)d karakter.") % {"n": REASON_LIMIT},
        )
    tenant = connection_tenant()
    by_staff = actor is not None and actor.is_authenticated
    if by_staff and not roles_in(actor, tenant) & REOPEN_ROLES:  # type: ignore[arg-type]
        raise _error(
            ClosingErrorCode.ROLE_NOT_ALLOWED,
            "reason",
            _("Peran Anda tidak berwenang membuka kembali pengaduan."),
        )
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        sop = complaint_sop(locked)
        if locked.merged_into_id is not None:
            raise _error(
                ClosingErrorCode.MERGED,
                "reason",
                _("Pengaduan ini digabung ke pengaduan lain dan tidak dapat dibuka kembali."),
            )
        deadline = reopen_deadline(locked, sop)
        if deadline is None:
            raise _error(
                ClosingErrorCode.NOT_CLOSED,
                "reason",
                _("Hanya pengaduan yang sudah selesai yang dapat dibuka kembali."),
            )
        now = timezone.now()
        if now > deadline:
            raise _error(
                ClosingErrorCode.REOPEN_EXPIRED,
                "reason",
                _(
                    "Batas waktu membuka kembali sudah lewat: pengaduan hanya dapat dibuka "
                    "kembali dalam %(days)d hari sejak selesai. Silakan ajukan pengaduan baru."
                )
                % {"days": sop.reopen.within_days},
            )
        target = sop.state(sop.reopen_target)
        assert target is not None  # a stored SOP was validated: the reopen target exists
        # The whole-case clock (the SOP's case_limit) ended at closing: it starts anew when
        # the reopen state is where it starts (complaints.sla); the step's starts anew too.
        # Staff reopening tell the complainant; the complainant asked: they know.
        enter_state(
            tenant=tenant,
            complaint=locked,
            sop=sop,
            state=target,
            at=now,
            restart_case_clock=True,
            entry=Entry(
                kind=EventKind.REOPENED,
                actor=actor if by_staff else None,
                actor_label="" if by_staff else PUBLIC_LABEL,
                message=text,
                is_public=True,
                after={"reason": text},
            ),
        )
    return locked
