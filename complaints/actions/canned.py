"""Canned answers (templat jawaban) of the tenant: the only writers. The text may hold the
placeholders of complaints.canned; an unknown one is refused here, when the template is saved,
and one that cannot be filled when it is used."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import connection_tenant
from complaints.canned import (
    BODY_MAX,
    PLACEHOLDERS,
    TITLE_MAX,
    CannedErrorCode,
    unknown_placeholders,
)
from complaints.models import CannedAnswer
from tenants.permissions import AnyUser, Capability, has_capability


def _error(code: CannedErrorCode, message: str, field: str) -> AduanError:
    return AduanError(code, message, {"field": field, "fields": {field: [message]}})


def can_manage_canned(actor: AnyUser) -> bool:
    tenant = connection_tenant()
    return has_capability(actor, tenant, Capability.ANSWER_COMPLAINT) or has_capability(
        actor, tenant, Capability.MANAGE_TENANT
    )


def _checked(
    actor: AnyUser, title: str, body: str, *, exclude: int | None = None
) -> tuple[str, str]:
    if not can_manage_canned(actor):
        raise NotFoundError(CannedErrorCode.NOT_FOUND, _("Tidak ditemukan."))
    title, body = title.strip(), body.strip()
    if not title:
        raise _error(CannedErrorCode.TITLE_REQUIRED, _("Judul wajib diisi."), "title")
    if len(title) > TITLE_MAX:
        raise _error(
            CannedErrorCode.TITLE_TOO_LONG,
            _("Paling banyak %(n)d karakter.") % {"n": TITLE_MAX},
            "title",
        )
    if not body:
        raise _error(CannedErrorCode.BODY_REQUIRED, _("Isi jawaban wajib diisi."), "body")
    if len(body) > BODY_MAX:
        raise _error(
            CannedErrorCode.BODY_TOO_LONG,
            _("Paling banyak %(n)d karakter.") % {"n": BODY_MAX},
            "body",
        )
    unknown = unknown_placeholders(body)
    if unknown:
        raise _error(
            CannedErrorCode.UNKNOWN_PLACEHOLDER,
            _("Isian {%(name)s} tidak dikenal. Yang dapat dipakai: %(known)s.")
            % {"name": unknown[0], "known": ", ".join(f"{{{k}}}" for k in PLACEHOLDERS)},
            "body",
        )
    same = CannedAnswer.objects.filter(title__iexact=title)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise _error(
            CannedErrorCode.DUPLICATE_TITLE, _("Sudah ada templat dengan judul itu."), "title"
        )
    return title, body


def do_create_canned_answer(*, actor: AnyUser, title: str, body: str) -> CannedAnswer:
    with transaction.atomic():
        title, body = _checked(actor, title, body)
        return CannedAnswer.objects.create(title=title, body=body)


def do_update_canned_answer(
    *, actor: AnyUser, answer: CannedAnswer, title: str, body: str
) -> CannedAnswer:
    with transaction.atomic():
        title, body = _checked(actor, title, body, exclude=answer.pk)
        answer.title, answer.body = title, body
        answer.save(update_fields=["title", "body", "updated_at"])
        return answer


def do_delete_canned_answer(*, actor: AnyUser, answer: CannedAnswer) -> None:
    if not can_manage_canned(actor):
        raise NotFoundError(CannedErrorCode.NOT_FOUND, _("Tidak ditemukan."))
    with transaction.atomic():
        CannedAnswer.objects.filter(pk=answer.pk).delete()
