"""Corrections and moderation (koreksi dan moderasi) after intake: officers correct the
category, subject, place and urgency, switch a complaint between rahasia and public (never a
WBS report), and hide a passage of the complainant's text or a file from the public view.

Nothing is deleted: the text as written stays for staff, the timeline keeps the reason with the
values before and after, and the public view (tracking page, its API, Open311) shows the
redacted version (complaints.redaction).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.errors import AduanError
from aduan.jobs import enqueue_on_commit
from aduan.tenancy import connection_tenant
from complaints.audit import record_event
from complaints.models import Attachment, Complaint, EventKind, Urgency
from complaints.redaction import REDACTABLE_FIELDS, public_text
from routing.selectors import category_at
from tenants.permissions import AnyUser, Capability, has_capability

REASON_MAX = 2000
# What a correction may change, with its longest value.
CORRECTABLE = {"category": 40, "subject": 200, "incident_place": 300}
# What the duplicate finder's similarity key is made of (complaints.actions.duplicates).
KEYED = {"category", "subject"}


class CorrectionErrorCode(StrEnum):
    NOT_ALLOWED = "corrections.not_allowed"
    REASON_REQUIRED = "corrections.reason_required"
    TOO_LONG = "corrections.too_long"
    NOTHING_CHANGED = "corrections.nothing_changed"
    UNKNOWN_CATEGORY = "corrections.unknown_category"
    INVALID_URGENCY = "corrections.invalid_urgency"
    WBS = "corrections.wbs"
    PASSAGE_NOT_FOUND = "corrections.passage_not_found"
    INVALID_FIELD = "corrections.invalid_field"
    UNKNOWN_ATTACHMENT = "corrections.unknown_attachment"


def _error(code: CorrectionErrorCode, message: str, field: str) -> AduanError:
    return AduanError(code, message, {"field": field, "fields": {field: [message]}})


def _check(actor: AnyUser, reason: str) -> str:
    tenant = connection_tenant()
    if not (
        has_capability(actor, tenant, Capability.WORK_COMPLAINT)
        or has_capability(actor, tenant, Capability.WORK_WBS)
    ):
        raise _error(
            CorrectionErrorCode.NOT_ALLOWED, _("Peran Anda tidak dapat mengoreksi pengaduan."),
            "reason",
        )  # fmt: skip
    reason = reason.strip()
    if not reason:
        raise _error(CorrectionErrorCode.REASON_REQUIRED, _("Alasan wajib diisi."), "reason")
    if len(reason) > REASON_MAX:
        raise _error(
            CorrectionErrorCode.TOO_LONG,
            _("Paling banyak %(n)d karakter.") % {"n": REASON_MAX},
            "reason",
        )
    return reason


def do_correct_complaint(
    *, complaint: Complaint, actor: AnyUser, reason: str, changes: dict[str, Any]
) -> Complaint:
    """Correct some of category, subject, incident_place, urgency and is_confidential; one
    timeline entry with the reason and the values before and after."""
    reason = _check(actor, reason)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for field, longest in CORRECTABLE.items():
            if field not in changes or changes[field] is None:
                continue
            value = str(changes[field]).strip()
            if len(value) > longest:
                raise _error(
                    CorrectionErrorCode.TOO_LONG,
                    _("Paling banyak %(n)d karakter.") % {"n": longest},
                    field,
                )
            if field == "category" and value and category_at(value) is None:
                raise _error(
                    CorrectionErrorCode.UNKNOWN_CATEGORY, _("Kategori tidak dikenal."), field
                )
            if value != getattr(complaint, field):
                before[field], after[field] = getattr(complaint, field), value
        urgency = changes.get("urgency")
        if urgency is not None:
            urgency = str(urgency).strip()
            if urgency and urgency not in Urgency.values:
                raise _error(
                    CorrectionErrorCode.INVALID_URGENCY,
                    _("Urgensi harus salah satu dari: %(choices)s.")
                    % {"choices": ", ".join(Urgency.values)},
                    "urgency",
                )
            if urgency != complaint.urgency:
                before["urgency"], after["urgency"] = complaint.urgency, urgency
        confidential = changes.get("is_confidential")
        if confidential is not None and bool(confidential) != complaint.is_confidential:
            if complaint.is_wbs:
                # A whistleblowing report stays rahasia by regulation.
                raise _error(
                    CorrectionErrorCode.WBS,
                    _("Laporan WBS selalu rahasia dan tidak dapat dijadikan publik."),
                    "is_confidential",
                )
            before["is_confidential"] = complaint.is_confidential
            after["is_confidential"] = bool(confidential)
        if not after:
            raise _error(
                CorrectionErrorCode.NOTHING_CHANGED,
                _("Tidak ada yang berubah: isi nilai yang baru."),
                "reason",
            )
        for field, value in after.items():
            setattr(complaint, field, value)
        complaint.save(update_fields=[*after, "updated_at"])
        record_event(
            complaint, kind=EventKind.CORRECTED, actor=actor, message=reason,
            before=before, after=after,
        )  # fmt: skip
        if after.keys() & KEYED and not complaint.is_wbs:
            # The key in the public schema follows the corrected category and text, after
            # commit like at intake (a rolled-back correction leaves the old key).
            enqueue_on_commit(
                "record_similarity_key", connection_tenant().schema_name, complaint.pk
            )
    return complaint


def do_redact_complaint(
    *,
    complaint: Complaint,
    actor: AnyUser,
    reason: str,
    field: str = "",
    passage: str = "",
    attachment_id: int | None = None,
) -> Complaint:
    """Hide a passage of the subject or description, or a file, from the public view. The
    text and the file stay as they were for staff; the timeline keeps the reason and the
    public text before and after."""
    reason = _check(actor, reason)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if attachment_id is not None:
            attachment = Attachment.objects.filter(pk=attachment_id, complaint=complaint).first()
            if attachment is None:
                raise _error(
                    CorrectionErrorCode.UNKNOWN_ATTACHMENT,
                    _("Berkas tidak ditemukan pada pengaduan ini."),
                    "attachment",
                )
            if attachment.redacted:
                raise _error(
                    CorrectionErrorCode.NOTHING_CHANGED,
                    _("Berkas itu sudah disamarkan."),
                    "attachment",
                )
            Attachment.objects.filter(pk=attachment.pk).update(redacted=True)
            record_event(
                complaint, kind=EventKind.REDACTED, actor=actor, message=reason,
                before={"attachment": attachment.pk, "public": True},
                after={"attachment": attachment.pk, "public": False},
            )  # fmt: skip
            return complaint
        if field not in REDACTABLE_FIELDS:
            raise _error(
                CorrectionErrorCode.INVALID_FIELD,
                _("Pilih teks yang disamarkan: pokok atau uraian pengaduan."),
                "field",
            )
        passage = passage.strip()
        shown = public_text(complaint, field)
        if not passage or passage not in shown:
            raise _error(
                CorrectionErrorCode.PASSAGE_NOT_FOUND,
                _("Bagian itu tidak ada dalam teks yang tampil untuk publik."),
                "passage",
            )
        complaint.redactions = [*complaint.redactions, {"field": field, "passage": passage}]
        complaint.save(update_fields=["redactions", "updated_at"])
        record_event(
            complaint, kind=EventKind.REDACTED, actor=actor, message=reason,
            before={field: shown}, after={field: public_text(complaint, field)},
        )  # fmt: skip
    return complaint
