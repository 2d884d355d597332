"""The onboarding paths: the operator onboards a regency, a regency admin onboards its agencies
(one at a time or from a CSV file), and a village self-registers a complaint desk.

Every write path here is the only code that does its job; pages, the API, the command line
and the background job all call these.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from aduan.jobs import enqueue_on_commit
from aduan.phones import InvalidPhoneError, normalize_phone
from routing import directory
from tenants import provisioning
from tenants.actions.members import do_invite_member
from tenants.errors import OnboardingErrorCode, TenantError, TenantErrorCode
from tenants.models import (
    DeskRequest,
    DeskRequestStatus,
    Domain,
    Region,
    RegionLevel,
    Role,
    Tenant,
    TenantEvent,
    TenantEventKind,
    TenantKind,
    User,
)

# Kinds a regency admin may onboard under its regency.
# The regency's inspectorate (APIP) is onboarded like an agency: it receives WBS reports.
AGENCY_KINDS = (TenantKind.OPD, TenantKind.DISDUKCAPIL, TenantKind.PEMDES, TenantKind.INSPEKTORAT)
LETTER_MAX_BYTES = 5 * 1024 * 1024
CSV_MAX_BYTES = 2 * 1024 * 1024
CSV_REQUIRED = ("name", "kind", "region_code")
CSV_COLUMNS = (*CSV_REQUIRED, "slug")


# --- Creating a tenant (every path below, the demo and the command line) --------------

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Leaves room for the "t_" schema prefix within PostgreSQL's 63-byte identifiers.
SLUG_MAX = 60


def tenant_host(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def do_create_tenant(
    *,
    slug: str,
    name: str,
    kind: TenantKind | str,
    region_code: str | None,
    parent: Tenant | None = None,
) -> Tenant:
    """Create a tenant, its domain and its schema in one transaction."""
    if not SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
        raise TenantError(
            TenantErrorCode.INVALID_SLUG,
            _("Slug hanya boleh huruf kecil, angka dan tanda hubung (maks. %(max)s).")
            % {"max": SLUG_MAX},
            {"field": "slug", "value": slug},
        )
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise TenantError(
                TenantErrorCode.UNKNOWN_REGION,
                _("Kode wilayah %(code)s tidak dikenal.") % {"code": region_code},
                {"field": "region_code", "value": region_code},
            )
    template = provisioning.ensure_template()
    with transaction.atomic():
        if Tenant.objects.filter(slug=slug).exists():
            raise TenantError(
                TenantErrorCode.DUPLICATE_SLUG,
                _("Slug %(slug)s sudah dipakai.") % {"slug": slug},
                {"field": "slug", "value": slug},
            )
        tenant: Tenant = Tenant.objects.create(
            schema_name=provisioning.schema_name_for(slug),
            slug=slug,
            name=name,
            kind=kind,
            region=region,
            parent=parent,
            schema_state=template.state,
        )
        # A new tenant has no other domain to demote from primary: bulk_create skips
        # DomainMixin.save's savepoint and its UPDATE of the tenant's other domains.
        Domain.objects.bulk_create(
            [Domain(domain=tenant_host(slug), tenant=tenant, is_primary=True)]
        )
        provisioning.provision(tenant, template)
        directory.declare_new(tenant)
    return tenant


def do_ensure_public_tenant() -> Tenant:
    """The public schema's row: the platform itself, reached on the bare base domain."""
    tenant: Tenant
    tenant, _created = Tenant.objects.get_or_create(
        schema_name="public",
        defaults={"slug": "platform", "name": "Aduan", "kind": TenantKind.PLATFORM},
    )
    Domain.objects.get_or_create(
        domain=settings.BASE_DOMAIN, defaults={"tenant": tenant, "is_primary": True}
    )
    return tenant


def record_event(
    tenant: Tenant,
    kind: TenantEventKind,
    *,
    actor: User | None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> TenantEvent:
    """The audit entry of a lifecycle change (who, when, what, why)."""
    event: TenantEvent = TenantEvent.objects.create(
        tenant=tenant,
        tenant_slug=tenant.slug,
        tenant_name=tenant.name,
        kind=kind,
        actor=actor,
        reason=reason,
        detail=detail or {},
    )
    return event


# --- Slugs and names ---------------------------------------------------------------------


def slug_from_name(name: str) -> str:
    """`Dinas Kesehatan Kab. Cilacap` → `dinas-kesehatan-kab-cilacap`, cut to the slug limit."""
    return slugify(name)[:SLUG_MAX].strip("-")


def unique_slug(base: str, taken: Callable[[str], bool]) -> str:
    """`base`, else `base-2`, `base-3`... whichever is free."""
    candidate = base
    number = 2
    while taken(candidate):
        suffix = f"-{number}"
        candidate = base[: SLUG_MAX - len(suffix)].strip("-") + suffix
        number += 1
    return candidate


def _slug_exists(slug: str) -> bool:
    exists: bool = Tenant.objects.filter(slug=slug).exists()
    return exists


def regency_display_name(regency: Region) -> str:
    """`KABUPATEN CILACAP` → `Pemerintah Kabupaten Cilacap`."""
    return f"Pemerintah {regency.name.title()}"


def regency_slug(regency: Region) -> str:
    words = regency.name.lower().split(maxsplit=1)
    prefix = "pemkot" if words[0] == "kota" else "pemkab"
    return slug_from_name(f"{prefix} {words[-1]}")


def is_kelurahan(village: Region) -> bool:
    # In the official codes a village number starting with 1 is a kelurahan, with 2 a desa.
    return village.code.rsplit(".", 1)[-1].startswith("1")


def village_display_name(village: Region) -> str:
    kind = "Kelurahan" if is_kelurahan(village) else "Desa"
    return f"Pemerintah {kind} {village.name}"


def regency_tenant_for(regency_code: str) -> Tenant | None:
    """The PEMKAB tenant of a regency, when that regency is on Aduan."""
    tenant: Tenant | None = (
        Tenant.objects.filter(kind=TenantKind.PEMKAB, region_id=regency_code).order_by("pk").first()
    )
    return tenant


def _field_error(code: str, message: str, name: str, **extra: Any) -> TenantError:
    return TenantError(code, message, {"field": name, **extra})


# --- Path 1: the platform operator onboards a regency ------------------------------------


def do_onboard_regency(
    *,
    region_code: str,
    admin_email: str,
    actor: User,
    name: str = "",
    slug: str = "",
) -> Tenant:
    """The regency's PEMKAB tenant, and an invitation to its regency admin."""
    region = Region.objects.filter(code=region_code.strip()).first()
    if region is None:
        raise _field_error(
            TenantErrorCode.UNKNOWN_REGION,
            _("Kode wilayah %(code)s tidak dikenal.") % {"code": region_code},
            "region_code",
        )
    if region.level != RegionLevel.REGENCY:
        raise _field_error(
            OnboardingErrorCode.NOT_A_REGENCY,
            _("Kode wilayah %(code)s bukan kabupaten/kota.") % {"code": region_code},
            "region_code",
        )
    email = _clean_email(admin_email, "admin_email")
    if regency_tenant_for(region.code) is not None:
        raise _field_error(
            OnboardingErrorCode.REGENCY_EXISTS,
            _("%(name)s sudah terdaftar di Aduan.") % {"name": region.name.title()},
            "region_code",
        )
    name = name.strip() or regency_display_name(region)
    slug = slug.strip() or unique_slug(regency_slug(region), _slug_exists)
    provisioning.ensure_template()
    with transaction.atomic():
        tenant = do_create_tenant(
            slug=slug, name=name, kind=TenantKind.PEMKAB, region_code=region.code
        )
        record_event(tenant, TenantEventKind.CREATED, actor=actor)
        _invite(tenant=tenant, email=email, roles=[Role.REGENCY_ADMIN], invited_by=actor)
    return tenant


def _invite(*, tenant: Tenant, email: str, roles: list[str], invited_by: User | None) -> None:
    """One activation link per role (tenants.actions.members); the mails leave after commit."""
    for role in roles:
        do_invite_member(tenant=tenant, email=email, role=role, invited_by=invited_by)


def _clean_email(value: str, name: str) -> str:
    email = value.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise _field_error(
            OnboardingErrorCode.INVALID_EMAIL,
            _("Alamat e-mail %(email)s tidak valid.") % {"email": value},
            name,
        ) from None
    return email


# --- Path 2: a regency admin onboards its agencies -----------------------------------------


@dataclass(frozen=True)
class AgencyRow:
    """One agency to create: what the form, the API or a CSV line asked for, validated."""

    line: int
    name: str
    kind: str
    region_code: str
    slug: str


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.line, "field": self.field, "message": self.message}


@dataclass
class ImportPlan:
    """The outcome of validating every row: what would be created, and every problem."""

    rows: list[AgencyRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _check_agency(
    regency: Tenant,
    *,
    line: int,
    name: str,
    kind: str,
    region_code: str,
    slug: str,
    slugs_in_batch: set[str],
) -> tuple[AgencyRow | None, list[RowError]]:
    """Validate one agency against the regency: every problem of the row, not the first."""
    errors: list[RowError] = []
    name = name.strip()
    kind = kind.strip().upper()
    region_code = region_code.strip()
    slug = slug.strip().lower()
    regency_code = regency.region_id or ""
    if not name:
        errors.append(RowError(line, "name", _("Nama wajib diisi.")))
    if kind not in {k.value for k in AGENCY_KINDS}:
        errors.append(
            RowError(
                line,
                "kind",
                _("Jenis %(kind)s tidak dikenal; pilih salah satu dari %(choices)s.")
                % {"kind": kind or "-", "choices": ", ".join(k.value for k in AGENCY_KINDS)},
            )
        )
    if not region_code and kind in {TenantKind.OPD, TenantKind.DISDUKCAPIL, TenantKind.INSPEKTORAT}:
        region_code = regency_code
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if not region_code:
        errors.append(RowError(line, "region_code", _("Kode wilayah wajib diisi.")))
    elif region is None:
        errors.append(
            RowError(
                line,
                "region_code",
                _("Kode wilayah %(code)s tidak dikenal.") % {"code": region_code},
            )
        )
    elif region.code != regency_code and not region.code.startswith(regency_code + "."):
        errors.append(
            RowError(
                line,
                "region_code",
                _("Wilayah %(code)s tidak berada di %(regency)s.")
                % {"code": region_code, "regency": regency.name},
            )
        )
    elif kind == TenantKind.PEMDES and region.level != RegionLevel.VILLAGE:
        errors.append(
            RowError(
                line,
                "region_code",
                _("Pemerintah desa memerlukan kode desa/kelurahan, bukan %(code)s.")
                % {"code": region_code},
            )
        )
    elif (
        kind == TenantKind.PEMDES
        and Tenant.objects.filter(kind=TenantKind.PEMDES, region=region).exists()
    ):
        errors.append(
            RowError(
                line,
                "region_code",
                _("%(village)s sudah memiliki layanan pengaduan di Aduan.")
                % {"village": region.name},
            )
        )
    if not slug and name:
        slug = unique_slug(slug_from_name(name), lambda s: s in slugs_in_batch or _slug_exists(s))
    if slug:
        if not SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
            errors.append(
                RowError(
                    line,
                    "slug",
                    _("Slug hanya boleh huruf kecil, angka dan tanda hubung (maks. %(max)s).")
                    % {"max": SLUG_MAX},
                )
            )
        elif slug in slugs_in_batch:
            errors.append(
                RowError(line, "slug", _("Slug %(slug)s muncul dua kali.") % {"slug": slug})
            )
        elif _slug_exists(slug):
            errors.append(
                RowError(line, "slug", _("Slug %(slug)s sudah dipakai.") % {"slug": slug})
            )
        slugs_in_batch.add(slug)
    if errors:
        return None, errors
    return AgencyRow(line, name, kind, region_code, slug), []


def do_create_agency(
    *,
    regency: Tenant,
    name: str,
    kind: str,
    region_code: str = "",
    slug: str = "",
    actor: User,
) -> Tenant:
    """One agency (OPD, Disdukcapil or Pemdes) under the regency's PEMKAB tenant."""
    row, errors = _check_agency(
        regency,
        line=1,
        name=name,
        kind=kind,
        region_code=region_code,
        slug=slug,
        slugs_in_batch=set(),
    )
    if row is None:
        first = errors[0]
        raise TenantError(
            _code_for(first),
            first.message,
            {
                "field": first.field,
                "fields": {e.field: [e.message] for e in errors},
            },
        )
    provisioning.ensure_template()
    with transaction.atomic():
        return _create_agency(regency, row, actor)


def _code_for(error: RowError) -> str:
    return {
        "name": OnboardingErrorCode.MISSING_NAME,
        "kind": OnboardingErrorCode.INVALID_KIND,
        "region_code": OnboardingErrorCode.OUTSIDE_REGENCY,
        "slug": TenantErrorCode.DUPLICATE_SLUG,
    }.get(error.field, OnboardingErrorCode.CSV_ROWS)


def _create_agency(regency: Tenant, row: AgencyRow, actor: User | None) -> Tenant:
    tenant = do_create_tenant(
        slug=row.slug, name=row.name, kind=row.kind, region_code=row.region_code, parent=regency
    )
    record_event(tenant, TenantEventKind.CREATED, actor=actor)
    return tenant


def read_agency_csv(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """Rows of an agency CSV file with their line numbers (the header is line 1).

    One readable error for a file that cannot be read at all: wrong encoding, wrong header,
    malformed CSV."""
    if len(content) > CSV_MAX_BYTES:
        raise _field_error(
            OnboardingErrorCode.CSV_INVALID,
            _("Berkas CSV terlalu besar (maks. %(mb)s MB).") % {"mb": CSV_MAX_BYTES // 2**20},
            "file",
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _field_error(
            OnboardingErrorCode.CSV_INVALID,
            _("Berkas CSV harus berenkode UTF-8 (byte tak terbaca di posisi %(pos)s).")
            % {"pos": exc.start},
            "file",
        ) from None
    if "\x00" in text:
        raise _field_error(
            OnboardingErrorCode.CSV_INVALID, _("Berkas ini bukan berkas teks CSV."), "file"
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in CSV_REQUIRED if c not in header]
        unknown = [h for h in header if h not in CSV_COLUMNS]
        if missing or unknown or len(set(header)) != len(header):
            raise _field_error(
                OnboardingErrorCode.CSV_INVALID,
                _("Baris judul harus berisi kolom %(expected)s (ditemukan: %(found)s).")
                % {"expected": ",".join(CSV_COLUMNS), "found": ",".join(header) or "-"},
                "file",
            )
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                rows.append((line, {"__width__": str(len(values))}))
                continue
            rows.append((line, dict(zip(header, values, strict=True))))
    except csv.Error as exc:
        raise _field_error(
            OnboardingErrorCode.CSV_INVALID,
            _("Berkas CSV rusak di baris %(line)s: %(problem)s")
            % {"line": reader.line_num, "problem": str(exc)},
            "file",
        ) from None
    if not rows:
        raise _field_error(
            OnboardingErrorCode.CSV_INVALID, _("Berkas CSV tidak berisi baris data."), "file"
        )
    return rows


def plan_agency_import(*, regency: Tenant, content: bytes) -> ImportPlan:
    """Validate EVERY row of the file; nothing is written."""
    plan = ImportPlan()
    slugs: set[str] = set()
    for line, values in read_agency_csv(content):
        if "__width__" in values:
            plan.errors.append(
                RowError(
                    line,
                    "-",
                    _("Jumlah kolom (%(found)s) tidak sama dengan baris judul.")
                    % {"found": values["__width__"]},
                )
            )
            continue
        row, errors = _check_agency(
            regency,
            line=line,
            name=values.get("name", ""),
            kind=values.get("kind", ""),
            region_code=values.get("region_code", ""),
            slug=values.get("slug", ""),
            slugs_in_batch=slugs,
        )
        plan.errors.extend(errors)
        if row is not None:
            plan.rows.append(row)
    return plan


def do_import_agencies(
    *,
    regency: Tenant,
    content: bytes,
    actor: User | None,
    dry_run: bool = False,
    progress: Callable[[AgencyRow, int], None] | None = None,
) -> ImportPlan:
    """Validate every row, then create all of them in one transaction, or none.

    A plan with errors raises `TenantError` (code `tenants.csv_rows`) listing every problem
    with its line number in `extra["errors"]`; a dry run stops after validating."""
    plan = plan_agency_import(regency=regency, content=content)
    if not plan.ok:
        raise TenantError(
            OnboardingErrorCode.CSV_ROWS,
            _("%(count)s masalah ditemukan; tidak ada instansi yang dibuat.")
            % {"count": len(plan.errors)},
            {"field": "file", "errors": [e.as_dict() for e in plan.errors]},
        )
    if dry_run:
        return plan
    provisioning.ensure_template()
    with transaction.atomic():
        for row in plan.rows:
            _create_agency(regency, row, actor)
            if progress is not None:
                progress(row, len(plan.rows))
    return plan


# --- Path 3: a village self-registers a complaint desk -----------------------------------


def officer_phone_of(value: str) -> str:
    """The officer's number in E.164: an Indonesian one (aduan.phones; no foreign numbers)."""
    try:
        return normalize_phone(value, foreign_ok=False)
    except InvalidPhoneError:
        raise _field_error(
            OnboardingErrorCode.INVALID_PHONE,
            _("Nomor telepon %(phone)s tidak valid (contoh: 0812 3456 7890).") % {"phone": value},
            "officer_phone",
        ) from None


def check_letter(letter: UploadedFile[bytes]) -> None:
    """An official letter must really be a PDF (by content, whatever its name) of ≤ 5 MB."""
    size = letter.size or 0
    if size > LETTER_MAX_BYTES:
        raise _field_error(
            OnboardingErrorCode.LETTER_TOO_LARGE,
            _("Surat resmi terlalu besar (%(size)s MB; maks. %(max)s MB).")
            % {"size": f"{size / 2**20:.1f}", "max": LETTER_MAX_BYTES // 2**20},
            "letter",
        )
    not_pdf = _field_error(
        OnboardingErrorCode.INVALID_LETTER,
        _("Surat resmi harus berkas PDF yang dapat dibaca."),
        "letter",
    )
    letter.seek(0)
    if letter.read(5) != b"%PDF-":
        raise not_pdf
    letter.seek(0)
    try:
        pages = len(PdfReader(_as_binary(letter)).pages)
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError, OSError):
        raise not_pdf from None
    finally:
        letter.seek(0)
    if pages < 1:
        raise not_pdf


def _as_binary(letter: UploadedFile[bytes]) -> IO[bytes]:
    return io.BytesIO(letter.read())


def do_request_desk(
    *,
    village_code: str,
    officer_name: str,
    officer_phone: str,
    officer_email: str,
    letter: UploadedFile[bytes],
) -> DeskRequest:
    """A village asks for a complaint desk; the request waits for its verifier."""
    village = Region.objects.filter(code=village_code.strip()).first()
    if village is None:
        raise _field_error(
            TenantErrorCode.UNKNOWN_REGION,
            _("Kode wilayah %(code)s tidak dikenal.") % {"code": village_code},
            "village_code",
        )
    if village.level != RegionLevel.VILLAGE:
        raise _field_error(
            OnboardingErrorCode.NOT_A_VILLAGE,
            _("Kode wilayah %(code)s bukan desa/kelurahan.") % {"code": village_code},
            "village_code",
        )
    if not officer_name.strip():
        raise _field_error(
            OnboardingErrorCode.MISSING_NAME, _("Nama petugas wajib diisi."), "officer_name"
        )
    phone = officer_phone_of(officer_phone)
    email = _clean_email(officer_email, "officer_email")
    check_letter(letter)
    _refuse_second_desk(village)
    try:
        with transaction.atomic():
            desk_request: DeskRequest = DeskRequest.objects.create(
                village=village,
                officer_name=officer_name.strip(),
                officer_phone=phone,
                officer_email=email,
                letter=letter,
            )
    except IntegrityError:
        # Another request for this village won the race: the constraint keeps one.
        raise _pending_error(village) from None
    return desk_request


def _pending_error(village: Region) -> TenantError:
    return _field_error(
        OnboardingErrorCode.DESK_PENDING,
        _("Permohonan layanan pengaduan untuk %(village)s sudah diajukan dan sedang diverifikasi.")
        % {"village": village.name},
        "village_code",
    )


def _refuse_second_desk(village: Region) -> None:
    if Tenant.objects.filter(kind=TenantKind.PEMDES, region=village).exists():
        raise _field_error(
            OnboardingErrorCode.DESK_EXISTS,
            _("%(village)s sudah memiliki layanan pengaduan di Aduan.") % {"village": village.name},
            "village_code",
        )
    if DeskRequest.objects.filter(village=village, status=DeskRequestStatus.PENDING).exists():
        raise _pending_error(village)


def _decidable(desk_request: DeskRequest) -> DeskRequest:
    locked: DeskRequest = (
        DeskRequest.objects.select_for_update().select_related("village").get(pk=desk_request.pk)
    )
    if locked.status != DeskRequestStatus.PENDING:
        raise TenantError(
            OnboardingErrorCode.ALREADY_DECIDED,
            _("Permohonan ini sudah diputuskan (%(status)s).")
            % {"status": locked.get_status_display()},
        )
    return locked


def do_approve_desk_request(*, desk_request: DeskRequest, actor: User) -> DeskRequest:
    """Approve: the tenant is provisioned in the background, then the officer is invited."""

    with transaction.atomic():
        locked = _decidable(desk_request)
        if Tenant.objects.filter(kind=TenantKind.PEMDES, region=locked.village).exists():
            raise _field_error(
                OnboardingErrorCode.DESK_EXISTS,
                _("%(village)s sudah memiliki layanan pengaduan di Aduan.")
                % {"village": locked.village.name},
                "village_code",
            )
        locked.status = DeskRequestStatus.APPROVED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        enqueue_on_commit("provision_desk", locked.pk)
    return locked


def do_reject_desk_request(*, desk_request: DeskRequest, reason: str, actor: User) -> DeskRequest:
    """Reject with a reason, which the officer receives by e-mail."""

    reason = reason.strip()
    if not reason:
        raise _field_error(
            OnboardingErrorCode.REASON_REQUIRED, _("Alasan penolakan wajib diisi."), "reason"
        )
    with transaction.atomic():
        locked = _decidable(desk_request)
        locked.status = DeskRequestStatus.REJECTED
        locked.reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "reason", "decided_at", "decided_by"])
        enqueue_on_commit("notify_desk_rejected", locked.pk)
    return locked


def do_provision_desk(*, desk_request_id: int) -> Tenant | None:
    """The background half of an approval: create the village's tenant (schema included) and
    invite its officer as tenant admin and complaint officer.

    Idempotent: a request already provisioned is left alone, so a retried job does nothing."""
    provisioning.ensure_template()
    with transaction.atomic():
        desk_request = (
            DeskRequest.objects.select_for_update(of=("self",))
            .select_related("village", "decided_by", "tenant")
            .filter(pk=desk_request_id)
            .first()
        )
        if desk_request is None or desk_request.status != DeskRequestStatus.APPROVED:
            return None
        if desk_request.tenant is not None:
            return desk_request.tenant
        village = desk_request.village
        tenant = do_create_tenant(
            slug=desk_slug(village),
            name=village_display_name(village),
            kind=TenantKind.PEMDES,
            region_code=village.code,
            parent=regency_tenant_for(village.code[:5]),
        )
        record_event(
            tenant,
            TenantEventKind.CREATED,
            actor=desk_request.decided_by,
            detail={"desk_request": str(desk_request.public_id)},
        )
        desk_request.tenant = tenant
        desk_request.provisioned_at = timezone.now()
        desk_request.save(update_fields=["tenant", "provisioned_at"])
        _invite(
            tenant=tenant,
            email=desk_request.officer_email,
            roles=[Role.TENANT_ADMIN, Role.OFFICER],
            invited_by=desk_request.decided_by,
        )
    return tenant


def desk_slug(village: Region) -> str:
    """`desa-babakan`, or with the district when that is taken: `desa-babakan-kawunganten`."""
    kind = "kelurahan" if is_kelurahan(village) else "desa"
    base = slug_from_name(f"{kind} {village.name}")
    if not _slug_exists(base):
        return base
    district = Region.objects.filter(code=village.code.rsplit(".", 1)[0]).first()
    if district is not None:
        with_district = slug_from_name(f"{base} {district.name}")
        if not _slug_exists(with_district):
            return with_district
        base = with_district
    return unique_slug(base, _slug_exists)


def desk_rejection_mail(desk_request: DeskRequest) -> tuple[str, str]:
    subject = _("Permohonan layanan pengaduan %(village)s ditolak") % {
        "village": desk_request.village.name
    }
    body = _(
        "Yth. %(name)s,\n\nPermohonan layanan pengaduan untuk %(village)s tidak dapat disetujui."
        "\n\nAlasan: %(reason)s\n\nAnda dapat mengajukan permohonan baru setelah memperbaikinya."
    ) % {
        "name": desk_request.officer_name,
        "village": desk_request.village.name,
        "reason": desk_request.reason,
    }
    return subject, body


def send_desk_rejection(*, desk_request_id: int) -> bool:
    """E-mail the officer why the request was rejected. Returns whether a mail was sent."""
    from django.core.mail import send_mail

    desk_request = (
        DeskRequest.objects.select_related("village")
        .filter(pk=desk_request_id, status=DeskRequestStatus.REJECTED)
        .first()
    )
    if desk_request is None:
        return False
    subject, body = desk_rejection_mail(desk_request)
    send_mail(
        subject,
        body,
        getattr(settings, "DEFAULT_FROM_EMAIL", None),
        [desk_request.officer_email],
    )
    return True
