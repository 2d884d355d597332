"""Billing's tables, all in the public schema (billing is a SHARED app): no tenant schema
gains a relation. Money is whole rupiah in integers (`BigIntegerField`), rates `Decimal`;
never a float. Nothing issued is edited: corrections are credit notes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import Tenant, User


class Feature(models.TextChoices):
    WBS = "wbs", _("Whistleblowing (WBS)")
    LAPOR = "lapor", _("Konektor SP4N-LAPOR!")
    CUSTOM_DOMAIN = "custom_domain", _("Domain sendiri")


class Plan(models.Model):
    """A plan the platform operator offers (paket): a monthly price per tenant covered, the
    features it grants and its monthly quotas (None: no limit)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    monthly_price = models.BigIntegerField()
    features = models.JSONField(default=list, blank=True)
    seats = models.PositiveIntegerField(null=True, blank=True)
    storage_mb = models.PositiveIntegerField(null=True, blank=True)
    outbound_messages = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_price__gte=0), name="billing_plan_price_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TaxRate(models.Model):
    """The PPN in force from `valid_from`: `rate` percent of the tax base, the base being
    `base_numerator/base_denominator` of the price (DPP nilai lain, e.g. 11/12)."""

    rate = models.DecimalField(max_digits=5, decimal_places=2)
    base_numerator = models.PositiveIntegerField(default=1)
    base_denominator = models.PositiveIntegerField(default=1)
    valid_from = models.DateField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"PPN {self.rate}% x {self.base_numerator}/{self.base_denominator}"


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    GRACE = "grace", _("Masa tenggang")
    READ_ONLY = "read_only", _("Hanya baca")


class Account(models.Model):
    """A billing account (akun tagihan), apart from tenants: a regency's account sponsors its
    agencies and villages, a village may pay for itself. Holds what an Indonesian invoice
    names: legal name, address, NPWP. `holder`: the tenant whose admins see it."""

    name = models.CharField(max_length=200)
    address = models.TextField()
    npwp = models.CharField(max_length=16)
    email = models.EmailField(blank=True)
    holder = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.PROTECT, related_name="billing_accounts"
    )
    status = models.CharField(
        max_length=10, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    grace_days = models.PositiveIntegerField(default=14)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Coverage(models.Model):
    """A tenant covered by an account on a plan from `starts_on` until `ends_on` (exclusive;
    None: open). A plan change mid-period ends one and starts the next the same day (so the
    invoice prorates); a move between accounts starts at the next period."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="coverages")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="coverages")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="coverages")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "starts_on"], name="billing_coverage_tenant")]

    def __str__(self) -> str:
        return f"{self.tenant} @ {self.account} ({self.plan})"


class UsageKind(models.TextChoices):
    OUTBOUND_MESSAGES = "outbound_messages", _("Pesan WhatsApp/SMS keluar")
    SEATS = "seats", _("Kursi petugas aktif")
    STORAGE_BYTES = "storage_bytes", _("Penyimpanan berkas")


# Counted kinds add up; gauges keep their highest reading in the period. Storage is neither:
# its events are signed deltas and its counter of a month is the running total at the end of
# that month (billing.actions.usage.fold_storage_events).
GAUGES = frozenset({UsageKind.SEATS})
# The plan's storage quota is in MB of this many bytes.
MB = 1024 * 1024


class UsageEvent(models.Model):
    """One metered event, stored once by its `key` (a replay is ignored). The metering job
    folds the uncounted ones into `UsageCounter` in batches."""

    key = models.CharField(max_length=200, unique=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=UsageKind.choices)
    quantity = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    counted = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(counted=False), name="billing_usage_uncounted"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.kind} {self.quantity}"


class UsageCounter(models.Model):
    """A tenant's usage of one kind in one month (`period`: its first day)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    kind = models.CharField(max_length=20, choices=UsageKind.choices)
    quantity = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "period", "kind"], name="billing_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.period:%Y-%m} {self.kind} {self.quantity}"


class DocumentCounter(models.Model):
    """The last number given per series and year, locked FOR UPDATE in the issuing
    transaction so numbers are gapless (a rolled-back issue gives its number back)."""

    series = models.CharField(max_length=8)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="billing_counter_series_year")
        ]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}: {self.last}"


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("Terbit")
    PAID = "paid", _("Lunas")


class Invoice(models.Model):
    """A monthly invoice (faktur tagihan) of one account, itemised per tenant. Immutable once
    issued except its status; corrections are credit notes."""

    number = models.CharField(max_length=30, unique=True)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="invoices")
    period = models.DateField()
    issued_at = models.DateTimeField()
    due_on = models.DateField()
    subtotal = models.BigIntegerField()
    tax_base = models.BigIntegerField()
    ppn_rate = models.DecimalField(max_digits=5, decimal_places=2)
    ppn = models.BigIntegerField()
    total = models.BigIntegerField()
    status = models.CharField(
        max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED
    )
    # Legal details as they were at issue (the account may change later).
    billed_name = models.CharField(max_length=200)
    billed_address = models.TextField()
    billed_npwp = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "period"], name="billing_invoice_period")
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(max_length=300)
    days = models.PositiveIntegerField()
    amount = models.BigIntegerField()

    def __str__(self) -> str:
        return self.description


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Transfer bank")
    GATEWAY = "gateway", _("Midtrans")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu konfirmasi")
    CONFIRMED = "confirmed", _("Dikonfirmasi")
    REJECTED = "rejected", _("Ditolak")


class Payment(models.Model):
    """A payment towards an invoice: a bank transfer's proof waiting for the operator, or a
    gateway settlement (`reference`: Midtrans' transaction_id, once)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    amount = models.BigIntegerField()
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    reference = models.CharField(max_length=100, unique=True, null=True, blank=True)
    proof = models.BinaryField(null=True, blank=True)
    proof_name = models.CharField(max_length=200, blank=True)
    proof_type = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="billing_payment_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.amount} ({self.status})"


class GatewayNotification(models.Model):
    """Each verified Midtrans HTTP notification, once: a replay (same transaction and status)
    finds its row and changes nothing."""

    order_id = models.CharField(max_length=50)
    transaction_id = models.CharField(max_length=100)
    transaction_status = models.CharField(max_length=20)
    gross_amount = models.CharField(max_length=30)
    body = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["transaction_id", "transaction_status"], name="billing_gateway_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.transaction_status}"


class CreditNote(models.Model):
    """A correction of an issued invoice (nota kredit), numbered gaplessly like invoices."""

    number = models.CharField(max_length=30, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    amount = models.BigIntegerField()
    reason = models.TextField()
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.number


class BillingEvent(models.Model):
    """The audit trail of every billing write (who, what, on which account)."""

    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=40)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.kind


class Watermark(models.Model):
    """How far a metering source has been read (e.g. the outbox's ids)."""

    name = models.CharField(max_length=40, primary_key=True)
    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last}"
