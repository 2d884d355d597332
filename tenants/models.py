"""Public-schema models: region codes, tenants and their domains, users and memberships."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Provinsi")
    REGENCY = "regency", _("Kabupaten/Kota")
    DISTRICT = "district", _("Kecamatan")
    VILLAGE = "village", _("Desa/Kelurahan")


# The reverse manager comes from Tenant, whose django-tenants base class mypy cannot see.
class Region(models.Model):  # type: ignore[django-manager-missing]
    """An official Indonesian region code (kode wilayah): `33.01.09.2014` is Desa Babakan.

    Reference data, loaded once into the public schema by `aduan regions load`.
    """

    code = models.CharField(max_length=13, primary_key=True)
    name = models.CharField(max_length=100)
    level = models.CharField(max_length=8, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def province_code(self) -> str:
        return self.code[:2]


class TenantKind(models.TextChoices):
    PLATFORM = "PLATFORM", _("Platform")
    DISDUKCAPIL = "DISDUKCAPIL", _("Dinas Kependudukan dan Pencatatan Sipil")
    PEMKAB = "PEMKAB", _("Pemerintah Kabupaten/Kota")
    OPD = "OPD", _("Perangkat Daerah")
    PEMDES = "PEMDES", _("Pemerintah Desa/Kelurahan")
    PROVINSI = "PROVINSI", _("Pemerintah Provinsi")
    KEMENTERIAN_LEMBAGA = "KL", _("Kementerian/Lembaga")
    # The regency's internal auditor (APIP): receives whistleblowing reports about the
    # leadership of the bodies it covers (complaints.actions.wbs.do_hand_to_inspectorate).
    INSPEKTORAT = "INSPEKTORAT", _("Inspektorat (APIP)")


class TenantStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    SUSPENDED = "suspended", _("Ditangguhkan")
    ARCHIVED = "archived", _("Diarsipkan")


class Tenant(TenantMixin):
    """A government body with its own schema. The public schema's row is the platform itself."""

    slug = models.SlugField(max_length=63, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=TenantKind.choices)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="tenants"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    status = models.CharField(
        max_length=10, choices=TenantStatus.choices, default=TenantStatus.ACTIVE
    )
    # The migration state (see tenants.provisioning) this schema was last brought to.
    schema_state = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # Personal data protection (UU 27/2022), set by the tenant's admin: the data protection
    # officer's contact ("dpo_contact"), an own privacy notice ("notice"), retention in years
    # of closed complaints' identities ("retention_years", default 5) and of WBS reports
    # ("wbs_retention_years", default 10). Read by complaints.privacy.privacy_settings.
    privacy = models.JSONField(default=dict, blank=True)
    # The citizens' doors, set by the tenant's admin (complaints.doors): the village website
    # origins that may frame the embeddable form ("embed_origins"), its colour ("colour"),
    # and whether a phone given for updates must be confirmed by a one-time code
    # ("confirm_phone"). Read by complaints.doors.citizen_doors.
    doors = models.JSONField(default=dict, blank=True)
    # What this tenant may use (features and quotas), written only by billing
    # (billing.actions.entitlements); every feature reads it here, never a billing table.
    # None: billing is not configured for this tenant, so everything is allowed.
    entitlements = models.JSONField(null=True, blank=True, default=None)
    # Renewed whenever the tenant's local holidays change (complaints.actions.holidays), in the
    # same transaction: a process keeps each tenant's working calendar under this value
    # (complaints.calendar.calendar_for), so an intake reads no holidays. A fresh value, not a
    # counter: a rolled-back change can never be mistaken for a later committed one. None
    # while the tenant has no local holiday (most have none): its calendar needs no read even
    # in a process that has not seen the tenant yet.
    calendar_version = models.UUIDField(null=True, default=None, editable=False)

    # Schemas are made by tenants.provisioning (DDL replay), never by a migration run.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        # A deploy finds the tenants behind with range scans of this index (a plain btree: no
        # LIKE index beside it), not a pass over the fleet.
        indexes = [models.Index(fields=["schema_state"], name="tenant_schema_state")]

    def __str__(self) -> str:
        return self.name


class Domain(DomainMixin):
    """A host name that reaches a tenant: `<slug>.<ADUAN_BASE_DOMAIN>`."""


class User(AbstractUser):
    """Staff users live once in the public schema: one login across tenants."""


class Role(models.TextChoices):
    PLATFORM_OPERATOR = "platform_operator", _("Operator platform")
    REGENCY_ADMIN = "regency_admin", _("Admin kabupaten")
    TENANT_ADMIN = "tenant_admin", _("Admin instansi")
    OFFICER = "officer", _("Petugas pengelola pengaduan")
    ANSWER_TEAM = "answer_team", _("Tim penjawab")
    LIAISON = "liaison", _("Petugas penghubung")
    HEAD = "head", _("Kepala")
    AUDITOR = "auditor", _("Auditor")
    WBS_OFFICER = "wbs_officer", _("Petugas WBS")


class Membership(models.Model):
    """A user's role in one tenant. A user may hold several roles in several tenants."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant", "role"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.tenant}"


class Invitation(models.Model):
    """An e-mailed invitation to take a role in a tenant (undangan anggota).

    Only a digest of the token is stored: the link in the e-mail is the one copy of it.
    """

    email = models.EmailField()
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    # The raw token, only on the instance do_invite_member returns (never stored).
    token: str = ""

    class Meta:
        indexes = [models.Index(fields=["tenant", "email"])]

    def __str__(self) -> str:
        return f"{self.email} {self.role} @ {self.tenant_id}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class SchemaTemplate(models.Model):
    """The SQL that builds a tenant schema at one migration state, captured once and replayed
    for every new tenant (see tenants.provisioning)."""

    state = models.CharField(max_length=64, unique=True)
    statements = models.JSONField()
    relation_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.state


class SchemaMigrationPlan(models.Model):
    """The SQL that takes a tenant schema from one migration state to the next, recorded once
    on a scratch copy of the template and replayed per tenant (see tenants.provisioning).

    `replayable` is false when the step runs Python (a data migration): such a step depends on
    each tenant's rows, so those tenants get a real migration run instead.
    """

    from_state = models.CharField(max_length=64)
    to_state = models.CharField(max_length=64)
    statements = models.JSONField()
    replayable = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_state", "to_state"], name="unique_schema_plan")
        ]

    def __str__(self) -> str:
        return f"{self.from_state[:12]} -> {self.to_state[:12]}"


class SchemaMigrationFailure(models.Model):
    """The first error of a tenant's last failed schema migration; gone once it succeeds."""

    tenant = models.OneToOneField(
        Tenant, on_delete=models.CASCADE, related_name="schema_migration_failure"
    )
    from_state = models.CharField(max_length=64)
    to_state = models.CharField(max_length=64)
    error = models.TextField()
    failed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.error[:60]}"


# --- Onboarding and lifecycle -------------------------------------------------------------


def _letter_path(_instance: DeskRequest, _filename: str) -> str:
    # The uploader's file name is never reused: it may be anything, and the path is private.
    return f"desk-letters/{uuid.uuid4().hex}.pdf"


class DeskRequestStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu verifikasi")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


class DeskRequest(models.Model):
    """A village's request for a complaint desk (permohonan layanan pengaduan desa).

    Public schema: it exists before the village's tenant does. The regency admin verifies it
    (the platform operator while the regency has no PEMKAB tenant); on approval a background
    job provisions the tenant and invites the desk officer.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="desk_requests")
    officer_name = models.CharField(max_length=200)
    officer_phone = models.CharField(max_length=20)  # E.164
    officer_email = models.EmailField()
    letter = models.FileField(upload_to=_letter_path, max_length=200)
    status = models.CharField(
        max_length=10, choices=DeskRequestStatus.choices, default=DeskRequestStatus.PENDING
    )
    reason = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provisioned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One desk per village: at most one request waits at a time.
            models.UniqueConstraint(
                fields=["village"],
                condition=models.Q(status="pending"),
                name="one_pending_desk_request_per_village",
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.status}"


class TenantEventKind(models.TextChoices):
    CREATED = "created", _("Dibuat")
    SUSPENDED = "suspended", _("Ditangguhkan")
    REACTIVATED = "reactivated", _("Diaktifkan kembali")
    ARCHIVED = "archived", _("Diarsipkan")
    DELETED = "deleted", _("Dihapus")
    # Its privacy settings changed (complaints.actions.privacy.do_set_privacy_settings).
    PRIVACY = "privacy", _("Pengaturan privasi diubah")


class TenantEvent(models.Model):
    """The audit trail of a tenant's life: who did what, when and why.

    Slug and name are copied so the record outlives a deleted tenant.
    """

    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    tenant_slug = models.SlugField(max_length=63)
    tenant_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=TenantEventKind.choices)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.tenant_slug} {self.kind}"
