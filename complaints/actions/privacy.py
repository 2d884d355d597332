"""Data subjects' rights and the end of personal data (UU 27/2022).

- A data subject proves they hold a complaint with its tracking code plus a one-time code sent
  to the contact on file (`do_send_subject_code`, `do_open_subject_session`); then they see
  what is held (logged), correct it (`do_correct_identity`) or ask for erasure
  (`do_request_erasure`).
- Staff decide an erasure with a reason (`do_decide_erasure`); erasure anonymises: the identity
  is blanked and the data key destroyed, so everything sealed under it (the timeline's
  identity values, a WBS report's messages) can never be read again; the statistics stay
  (category, place, dates, state, rating).
- Retention (`do_apply_retention`, a daily job): closed complaints' identities anonymised after
  the tenant's period; WBS reports' contents purged after theirs; a dry run lists them only.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan import onetime, ratelimit
from aduan.errors import AduanError
from complaints.actions.access_log import do_record_access
from complaints.audit import record_event
from complaints.errors import PrivacyErrorCode
from complaints.forwarding import reindex_contacts
from complaints.models import AccessKind, Attachment, Complaint, EventKind
from complaints.privacy import (
    DPO_CONTACT_MAX,
    MAX_RETENTION_YEARS,
    NOTICE_MAX,
    PrivacySettings,
    privacy_settings,
)
from complaints.sealing import IDENTITY_FIELDS
from complaints.storage import record_freed
from integrations.notify import notify_privacy_code
from tenants.models import Tenant, TenantEvent, TenantEventKind

CODE_PURPOSE = "data_subject"
CODE_MINUTES = 15
SESSION_MINUTES = 30


def do_set_privacy_settings(
    *,
    tenant: Tenant,
    dpo_contact: str,
    notice: str,
    retention_years: int,
    wbs_retention_years: int,
    actor: AbstractBaseUser | AnonymousUser | None,
) -> PrivacySettings:
    """The tenant admin sets the privacy notice, the data protection officer's contact and the
    retention periods (identities of closed complaints; WBS reports purged whole). Audited in
    the tenant's trail (before and after). An empty notice means the standard one."""
    for field, years in (
        ("retention_years", retention_years),
        ("wbs_retention_years", wbs_retention_years),
    ):
        if not 1 <= years <= MAX_RETENTION_YEARS:
            raise AduanError(
                PrivacyErrorCode.BAD_SETTING,
                _("Masa retensi harus 1 sampai %(max)s tahun.") % {"max": MAX_RETENTION_YEARS},
                {"field": field},
            )
    for field, text, limit in (
        ("dpo_contact", dpo_contact, DPO_CONTACT_MAX),
        ("notice", notice, NOTICE_MAX),
    ):
        if len(text.strip()) > limit:
            raise AduanError(
                PrivacyErrorCode.BAD_SETTING,
                _("Terlalu panjang (paling banyak %(limit)s karakter).") % {"limit": limit},
                {"field": field},
            )
    wanted = PrivacySettings(
        dpo_contact=dpo_contact.strip(),
        notice=notice.strip(),
        retention_years=retention_years,
        wbs_retention_years=wbs_retention_years,
    )
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        before = privacy_settings(locked)
        if before == wanted:
            return wanted
        locked.privacy = wanted.as_dict()
        locked.save(update_fields=["privacy"])
        tenant.privacy = locked.privacy
        user = actor if actor is not None and actor.is_authenticated else None
        TenantEvent.objects.create(
            tenant=locked,
            tenant_slug=locked.slug,
            tenant_name=locked.name,
            kind=TenantEventKind.PRIVACY,
            actor_id=user.pk if user is not None else None,
            detail={"before": before.as_dict(), "after": wanted.as_dict()},
        )
    return wanted


def _subject(tenant: Tenant, complaint: Complaint) -> str:
    return f"{tenant.schema_name}:{complaint.tracking_code}"


def do_send_subject_code(*, tenant: Tenant, complaint: Complaint) -> bool:
    """Issue a one-time code and send it to the contact on file. False when there is no
    contact to send it to (the page says the same either way)."""
    if complaint.erased_at is not None:
        return False
    with transaction.atomic():
        [code] = onetime.do_issue_codes(
            purpose=CODE_PURPOSE,
            subject=_subject(tenant, complaint),
            count=1,
            length=6,
            digits_only=True,
            ttl=dt.timedelta(minutes=CODE_MINUTES),
        )
        sent = notify_privacy_code(
            tenant=tenant, complaint=complaint, code=code, minutes=CODE_MINUTES
        )
    return sent is not None


def do_open_subject_session(*, tenant: Tenant, complaint: Complaint, code: str) -> None:
    """Spend the one-time code (guesses limited per complaint) or refuse."""
    key = _subject(tenant, complaint)
    decision = ratelimit.hit(ratelimit.Scope.PRIVACY_CODE, key)
    if not decision.allowed:
        raise ratelimit.RateLimitedError(decision.retry_after, code=PrivacyErrorCode.RATE_LIMITED)
    if not onetime.do_use_code(purpose=CODE_PURPOSE, subject=key, code=code):
        raise AduanError(
            PrivacyErrorCode.BAD_CODE,
            _("Kode sekali pakai salah atau sudah kedaluwarsa."),
            {"field": "code"},
        )
    with transaction.atomic():
        do_record_access(
            kind=AccessKind.SUBJECT,
            complaint=complaint,
            actor=None,
            actor_label=_("Pemilik data (kode lacak)"),
            reason=_("Hak akses subjek data"),
        )


@dataclass(frozen=True)
class HeldData:
    """What is held about a data subject, as they may see it."""

    name: str
    address: str
    phone: str
    email: str
    nik: str
    erasure_requested: bool


def held_data(complaint: Complaint) -> HeldData:
    return HeldData(
        name=complaint.name,
        address=complaint.address,
        phone=complaint.phone,
        email=complaint.email,
        nik=complaint.nik,
        erasure_requested=complaint.erasure_requested_at is not None,
    )


def do_correct_identity(*, complaint: Complaint, values: dict[str, str]) -> Complaint:
    """The data subject corrects their identity (the timeline records what changed, sealed)."""
    changed = {k: v.strip() for k, v in values.items() if k in IDENTITY_FIELDS and v is not None}
    changed = {k: v for k, v in changed.items() if v != getattr(complaint, k)}
    for field, limit in (("name", 200), ("address", 500), ("phone", 20), ("email", 254)):
        if len(changed.get(field, "")) > limit:
            raise AduanError(
                PrivacyErrorCode.BAD_FILTER,
                _("Terlalu panjang (paling banyak %(limit)s karakter).") % {"limit": limit},
                {"field": field},
            )
    if not changed:
        return complaint
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        before = {k: getattr(locked, k) for k in changed}
        for field, value in changed.items():
            setattr(locked, field, value)
        locked.save()
        reindex_contacts(locked)
        record_event(
            locked,
            kind=EventKind.UPDATED,
            actor_label=_("Pemilik data"),
            before=before,
            after=changed,
        )
    return locked


def do_request_erasure(*, complaint: Complaint, reason: str) -> Complaint:
    if complaint.erased_at is not None:
        raise AduanError(
            PrivacyErrorCode.ALREADY_ERASED, _("Identitas sudah dihapus."), {"field": "reason"}
        )
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        locked.erasure_requested_at = timezone.now()
        locked.erasure_request_reason = reason.strip()[:2000]
        locked.save(update_fields=["erasure_requested_at", "erasure_request_reason"])
        record_event(
            locked,
            kind=EventKind.NOTE,
            actor_label=_("Pemilik data"),
            message=_("Permintaan penghapusan data pribadi diajukan."),
            is_public=True,
        )
    return locked


def do_decide_erasure(
    *,
    complaint: Complaint,
    approve: bool,
    reason: str,
    actor: AbstractBaseUser | AnonymousUser | None,
) -> Complaint:
    """Staff decide a data subject's erasure request, always with a reason."""
    if not reason.strip():
        raise AduanError(
            PrivacyErrorCode.REASON_REQUIRED,
            _("Alasan keputusan wajib diisi."),
            {"field": "reason"},
        )
    if complaint.erasure_requested_at is None or complaint.erased_at is not None:
        raise AduanError(
            PrivacyErrorCode.NOTHING_REQUESTED,
            _("Tidak ada permintaan penghapusan yang menunggu keputusan."),
            {"field": "approve"},
        )
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if approve:
            _anonymise(locked, reason=reason, actor=actor)
        else:
            locked.erasure_requested_at = None
            locked.save(update_fields=["erasure_requested_at"])
            record_event(
                locked,
                kind=EventKind.NOTE,
                actor=actor,
                message=_("Permintaan penghapusan data pribadi ditolak: %(reason)s")
                % {"reason": reason.strip()},
                is_public=True,
            )
    return locked


def _anonymise(
    complaint: Complaint, *, reason: str, actor: AbstractBaseUser | AnonymousUser | None
) -> None:
    """Inside the caller's transaction, on a locked row: blank the identity and destroy the
    data key. A WBS report loses its contents and files too (purged whole)."""
    purge = complaint.is_wbs
    files = list(Attachment.objects.filter(complaint=complaint)) if purge else []
    complaint.erased_at = timezone.now()
    complaint.__dict__.pop("_data_key_plain", None)
    complaint.data_key = b""
    for field in IDENTITY_FIELDS:
        setattr(complaint, field, "")
    complaint.raw_payload = None
    complaint.is_anonymous = True
    if purge:
        complaint.description = ""
        complaint.subject = ""
    complaint.save()
    reindex_contacts(complaint)
    names = [str(a.file.name) for a in files]
    record_freed(files)
    if names:
        transaction.on_commit(functools.partial(_delete_files, files[0].file.storage, names))
    record_event(
        complaint,
        kind=EventKind.NOTE,
        actor=actor,
        actor_label="" if actor is not None else "Aduan",
        message=_("Identitas pengadu dihapus (dianonimkan): %(reason)s") % {"reason": reason},
    )
    do_record_access(kind=AccessKind.ERASURE, complaint=complaint, actor=actor, reason=reason)


def _delete_files(storage: Storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


@dataclass(frozen=True)
class RetentionRun:
    anonymised: list[str]  # register numbers
    purged: list[str]  # WBS reports
    dry_run: bool


def retention_due(tenant: Tenant, now: dt.datetime) -> tuple[list[Complaint], list[Complaint]]:
    found = privacy_settings(tenant)
    identity_before = now - dt.timedelta(days=365 * found.retention_years)
    wbs_before = now - dt.timedelta(days=365 * found.wbs_retention_years)
    closed = Complaint.objects.filter(erased_at__isnull=True, closed_at__isnull=False)
    ordinary = list(
        closed.filter(is_wbs=False, closed_at__lt=identity_before).order_by("register_year", "pk")
    )
    wbs = list(closed.filter(Q(is_wbs=True), closed_at__lt=wbs_before).order_by("pk"))
    return ordinary, wbs


def do_apply_retention(
    *, tenant: Tenant, dry_run: bool, now: dt.datetime | None = None
) -> RetentionRun:
    """Call in the tenant's schema. A dry run changes nothing and lists what would go."""
    now = now or timezone.now()
    ordinary, wbs = retention_due(tenant, now)
    if not dry_run:
        reason = _("Masa retensi berakhir")
        for complaint in [*ordinary, *wbs]:
            with transaction.atomic():
                locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
                if locked.erased_at is None:
                    _anonymise(locked, reason=reason, actor=None)
    return RetentionRun(
        anonymised=[c.number for c in ordinary], purged=[c.number for c in wbs], dry_run=dry_run
    )


# -- the data subject's session token (after the one-time code) -----------------------------

_SALT = "aduan.privacy.subject"


def subject_token(tenant: Tenant, complaint: Complaint) -> str:
    """Proof, for SESSION_MINUTES, that its holder passed the one-time code of this complaint."""
    return signing.dumps({"s": tenant.schema_name, "c": complaint.tracking_code}, salt=_SALT)


def check_subject_token(tenant: Tenant, complaint: Complaint, token: str) -> None:
    try:
        given = signing.loads(token or "", salt=_SALT, max_age=SESSION_MINUTES * 60)
    except signing.BadSignature:
        given = None
    if given != {"s": tenant.schema_name, "c": complaint.tracking_code}:
        raise AduanError(
            PrivacyErrorCode.BAD_CODE,
            _("Sesi berakhir: minta kode sekali pakai yang baru."),
            {"field": "token"},
        )
