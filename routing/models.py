"""Public-schema tables of routing ("no wrong door"): the category catalogue, the authority
directory, the global tracking-code index, the journey between tenants (hops), the regency
triage queue, the SP4N-LAPOR! referrals and the region boundaries that place a coordinate.

Moved here from `tenants` with their tables unchanged: each keeps its `tenants_*` name
(`db_table`), so the move rebuilt nothing and moved no row (routing/migrations/0001)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from aduan.sealed_fields import PlatformSealedJSONField
from tenants.models import Region, Tenant


class CategoryLevel(models.TextChoices):
    VILLAGE = "village", _("Desa")
    REGENCY = "regency", _("Kabupaten/Kota")
    PROVINCE = "province", _("Provinsi")


class Category(models.Model):
    """A matter citizens complain about (kategori), aligned with SP4N-LAPOR!'s topics. Loaded
    from routing/data/categories.json by routing.directory.load_catalogue (idempotent)."""

    key = models.SlugField(max_length=40, primary_key=True)
    topic = models.CharField(max_length=60)
    name = models.CharField(max_length=100)
    level = models.CharField(max_length=8, choices=CategoryLevel.choices)
    agency = models.CharField(max_length=30)
    agency_hints = models.JSONField(default=list)
    keywords = models.JSONField(default=list)
    # The category's own questions (F09, as FixMyStreet's extra questions), asked at every
    # door: [{"key", "label", "label_en", "required"}]; published as Open311 attributes.
    questions = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "tenants_category"

    def __str__(self) -> str:
        return self.name


class OwnDoor(models.TextChoices):
    """May the router hand over a complaint filed at the tenant's own door without asking?
    Blank on a declaration: its kind's default (routing.directory.own_door_policy)."""

    FORWARD = "forward", _("Teruskan langsung ke instansi yang berwenang")
    SUGGEST = "suggest", _("Usulkan saja: petugas yang meneruskan atau menangani sendiri")


class Authority(models.Model):
    """What a tenant declares it handles and where: the categories, the region it covers (a
    code prefix: its village, or its whole regency) and its higher authority."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="authority")
    categories = models.ManyToManyField(Category, blank=True, related_name="authorities")
    # Every village whose code starts with this one is covered ("" covers nothing).
    coverage_code = models.CharField(max_length=13, blank=True, db_index=True)
    higher = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_customized = models.BooleanField(default=False)
    own_door = models.CharField(max_length=10, choices=OwnDoor.choices, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "tenants_authority"

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.coverage_code}"


class TrackingCode(models.Model):
    """The global tracking-code index (kode lacak → where the complaint is now). A complaint
    marked for SP4N-LAPOR! from the front door has no tenant: see LaporReferral."""

    code = models.CharField(max_length=10, primary_key=True)
    # A deleted tenant (archived first, see tenants.lifecycle) takes its codes with it.
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The platform-wide blind indexes (aduan.envelope.contact_index) of the phone and e-mail
    # given at filing: a lost code is sent again to them, never found by decrypting.
    contacts = ArrayField(models.CharField(max_length=24), blank=True, default=list)

    class Meta:
        db_table = "tenants_trackingcode"
        indexes = [
            GinIndex(
                fields=["contacts"],
                name="trackingcode_contacts",
                condition=~models.Q(contacts=[]),
            )
        ]

    def __str__(self) -> str:
        return self.code


class HopKind(models.TextChoices):
    ROUTE = "route", _("Dirutekan otomatis")
    FORWARD = "forward", _("Diteruskan")
    RETURN = "return", _("Dikembalikan")


class HopStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu diterima")
    ACCEPTED = "accepted", _("Diterima")
    RETURNED = "returned", _("Dikembalikan")


class Hop(models.Model):
    """One step of a complaint's journey between tenants (A → B), with its reason."""

    tracking_code = models.CharField(max_length=10, db_index=True)
    kind = models.CharField(max_length=8, choices=HopKind.choices)
    # Deleting a tenant (after its archive) removes the steps it took part in.
    from_tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    to_tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    from_number = models.CharField(max_length=60)
    to_number = models.CharField(max_length=60)
    reason = models.TextField()
    status = models.CharField(max_length=8, choices=HopStatus.choices)
    decision_reason = models.TextField(blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "tenants_hop"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.tracking_code}: {self.from_tenant_id} → {self.to_tenant_id}"


class TriageStatus(models.TextChoices):
    OPEN = "open", _("Menunggu pemilahan")
    DONE = "done", _("Selesai dipilah")


class TriageEntry(models.Model):
    """A complaint the router was unsure about, in its regency admin's triage queue. The
    complaint itself stays filed in `holder` (never dropped); this row points at it."""

    tracking_code = models.CharField(max_length=10, unique=True)
    regency = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=200, blank=True)
    proposal = models.JSONField(default=dict)
    reason = models.TextField()
    status = models.CharField(max_length=4, choices=TriageStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "tenants_triageentry"
        indexes = [models.Index(fields=["regency", "status"], name="triage_queue")]

    def __str__(self) -> str:
        return self.tracking_code


class LaporReferral(models.Model):
    """A complaint whose responsible body is not on Aduan: to send to SP4N-LAPOR! (the
    channels work sends it). From the front door with no holder on Aduan, `payload` keeps
    everything the citizen sent."""

    tracking_code = models.CharField(max_length=10, unique=True)
    holder = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(max_length=40, blank=True)
    village_code = models.CharField(max_length=13, blank=True)
    payload = PlatformSealedJSONField(null=True, blank=True)  # the citizen's own: sealed
    reason = models.TextField()
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once SP4N-LAPOR! has it (integrations.lapor.referrals): its id and TrackingID.
    lapor_id = models.CharField(max_length=100, blank=True)
    lapor_tracking_id = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "tenants_laporreferral"
        indexes = [
            # The sending job's query: only the referrals LAPOR! does not have yet.
            models.Index(
                fields=["next_attempt_at"],
                name="lapor_referral_unsent",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.tracking_code


class Boundary(models.Model):
    """One region's boundary (a village's or a regency's), loaded by `aduan regions boundaries
    FILE.geojson`: a coordinate is placed in the region whose polygon holds it. The bounding
    box, in indexed columns, narrows the candidates to a handful before the exact test
    (routing.boundaries); the polygon itself is kept as GeoJSON (no PostGIS)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=8)
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    geometry = models.JSONField()
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["min_lat", "max_lat", "min_lon", "max_lon"], name="boundary_box")
        ]

    def __str__(self) -> str:
        return str(self.region_id)
