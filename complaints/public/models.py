"""The complaint side's tables in the public schema, one row per tenant's complaint or day.

They were created by the platform package (app label "aduan") and keep their table names
(`db_table`): the move to this app changed the migration state only, no table was rebuilt.
"""

from __future__ import annotations

from django.db import models


class LocalHoliday(models.Model):
    """A tenant's own holiday (libur daerah, e.g. a regency's anniversary by Perbup), on top of
    the national calendar.

    Kept in the public schema, keyed by tenant, not in each tenant schema: a handful of rows per
    tenant do not justify one more table, index and sequence in each of thousands of schemas,
    and the calendar is read where the SLA clock runs without entering the tenant's schema.
    """

    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="local_holidays"
    )
    date = models.DateField()
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "aduan_localholiday"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "date"], name="unique_local_holiday")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class Deadline(models.Model):
    """An open deadline of one complaint, indexed across all tenants: its current step's, and
    its whole case's (kind "case") when its SOP has a case limit.

    Written in the same transaction as the complaint's own due date (complaints.sla), so the
    periodic SLA job (complaints.tasks) queries this one table and enters only the schemas
    that have a reminder or an escalation due, never every tenant schema. A new deadline
    (a new step) resets `reminded_at`/`escalated_at`: each breach is escalated once.
    """

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    complaint_id = models.BigIntegerField()
    # "step": the current step's limit; "case": the whole case's limit (the SOP's case_limit).
    kind = models.CharField(max_length=10, default="step")
    state = models.CharField(max_length=100)
    due_at = models.DateTimeField()
    remind_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "aduan_deadline"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "complaint_id", "kind"], name="unique_deadline_kind"
            )
        ]
        # The job's two questions, each answered from a partial index of what is still owed.
        indexes = [
            models.Index(
                fields=["remind_at"],
                condition=models.Q(reminded_at__isnull=True),
                name="deadline_remind_pending",
            ),
            models.Index(
                fields=["due_at"],
                condition=models.Q(escalated_at__isnull=True),
                name="deadline_escalate_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id}/{self.complaint_id} due {self.due_at:%Y-%m-%d %H:%M}"


class NotificationKind(models.TextChoices):
    SLA_REMINDER = "sla_reminder", "sla_reminder"
    SLA_ESCALATION = "sla_escalation", "sla_escalation"
    MONTHLY_REPORT = "monthly_report", "monthly_report"


class Notification(models.Model):
    """A message for one staff user: shown in their console and, while `delivered_at` is
    empty, waiting in the outbox for delivery by e-mail or WhatsApp (the channels' sender
    consumes rows with `delivered_at` null and sets it)."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        "tenants.User", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    complaint_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # A file sent with the e-mail (the head's monthly report PDF), under MEDIA_ROOT.
    attachment = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        db_table = "aduan_notification"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="notification_outbox",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.recipient_id}: {self.title}"


class MonthlyStatistic(models.Model):
    """One tenant's published recap of one month (statistik bulanan), in the public schema.

    Written only by the publishing job (complaints.actions.statistics.do_publish_statistics,
    after a batch of changes and nightly) from complaints.statistics.monthly_figures; read by
    the regency roll-up and the public statistics pages, so a regency of 500 tenants is one
    query here, never 500 schemas. The headline numbers have columns of their own (the
    roll-up sorts and ranks on them); `figures` holds the whole recap, no personal data.
    """

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    received = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_within_limit = models.PositiveIntegerField(default=0)
    overdue_open = models.PositiveIntegerField(default=0)
    wbs_reports = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict)
    # Open complaints past a due date when it was published: number, subject-free.
    overdue = models.JSONField(default=list)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            # Also the index of the roll-up's one query (a month's rows of a regency's tenants
            # are found through the tenant foreign key's own index, then this one).
            models.UniqueConstraint(
                fields=["year", "month", "tenant"], name="unique_monthly_statistic"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.year}-{self.month:02d}"


class ExportKind(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    # The printable complaint book (buku pengaduan) of a period, as a PDF.
    BOOK = "book", "PDF"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    DONE = "done", "done"
    FAILED = "failed", "failed"


class Export(models.Model):
    """One export of a tenant's register (CSV, XLSX, or the complaint book as a PDF) asked for
    by one staff user: its filters, its progress while the job writes it, and its file under
    MEDIA_ROOT/<schema>/exports/ once done (complaints.actions.exports).

    In the public schema, keyed by tenant: a few rows per tenant do not justify one more
    table, index and sequence in each of thousands of schemas. Only the one who asked may
    download it, through the access check of complaints.access_export."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey("tenants.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=ExportKind.choices)
    # The register's filters as its URL carries them (re-validated when the job runs).
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # A user's own exports, newest first (the exports page, the API's list).
        indexes = [
            models.Index(fields=["tenant", "requested_by", "-created_at"], name="export_mine")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class MonthlyReport(models.Model):
    """The head's monthly report as it was sent (laporan bulanan terkirim): the PDF of one
    month, kept as sent under MEDIA_ROOT/<schema>/reports/, and to whom it went. Written once
    per tenant and month by complaints.actions.statistics.do_send_monthly_reports on the
    tenant's first working day; the heads list and download it (the sent reports page).

    In the public schema, keyed by tenant: twelve rows a year per tenant do not justify one
    more table, index and sequence in each of thousands of schemas."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    file = models.CharField(max_length=200)
    # [{"user_id", "name", "email"}] of each head it was sent to, as they were then.
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "-month"]
        constraints = [
            # Once per tenant and month; also the index of a tenant's list.
            models.UniqueConstraint(
                fields=["tenant", "year", "month"], name="unique_monthly_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.year:04d}-{self.month:02d}"

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class StatisticsRefresh(models.Model):
    """A long re-publication of statistics asked for from a page or the command line (a
    regency's twelve months, a re-run after a holiday was added): the job
    `complaints.tasks.run_statistics_refresh` writes its progress here as it goes, one step per
    tenant and month, as the register exports do on `Export`; the page polls it.

    `tenant` is the one whose page asked (with `regency`, every tenant under it)."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        "tenants.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    regency = models.BooleanField(default=False)
    months = models.JSONField(default=list)  # ["YYYY-MM", ...]
    status = models.CharField(
        max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="statistics_refresh_latest")]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)


class SimilarityKey(models.Model):
    """What the duplicate finder knows of one complaint, across the tenants of a regency: its
    category, village (or coordinates), the week it arrived and a MinHash signature of its text
    (complaints.duplicates), never the text itself. Written after commit by the job
    `record_similarity_key`; read to suggest likely duplicates, which name only the holder
    (through the tracking code index, so a forwarded complaint is named where it is now) and
    the tracking code. WBS reports get no key."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    complaint_id = models.BigIntegerField()
    tracking_code = models.CharField(max_length=10, unique=True)
    regency_code = models.CharField(max_length=5)
    category = models.CharField(max_length=40, blank=True)
    village_code = models.CharField(max_length=13, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    week = models.DateField()  # the Monday of the week it arrived
    signature = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        # Candidates: the same regency within a few weeks (then village, coordinates, category
        # and text are compared on a handful of rows).
        indexes = [models.Index(fields=["regency_code", "week"], name="similarity_candidates")]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.regency_code} {self.week}"


class WbsReceipt(models.Model):
    """The receipt key (kunci tanda terima) of one whistleblowing (WBS) report: only its slow
    hash is stored (complaints.wbs.receipt_hash, argon2id), never the key.

    Public schema, keyed by the hash: the reporter returns with the key alone (nothing in it
    names the body), and a hand-over to the inspectorate re-keys the row in the move's own
    transaction (complaints.public.moves.receipts_follow_sql), so the key keeps working."""

    key_hash = models.CharField(max_length=64, unique=True)
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    complaint_id = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "aduan_wbsreceipt"

    def __str__(self) -> str:
        return f"{self.tenant_id}/{self.complaint_id}"


class WbsRecordKind(models.TextChoices):
    POLICY = "policy", "policy"
    APPOINTMENT = "appointment", "appointment"
    DISMISSAL = "dismissal", "dismissal"


class WbsRecord(models.Model):
    """The append-only record of a tenant's WBS decisions: each change of its WBS policy
    (enabled, deadlines and their legal basis; the latest row is the policy in force) and each
    appointment and dismissal of a WBS officer by the head (with the second factor). Never
    changed."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=WbsRecordKind.choices)
    actor = models.ForeignKey(
        "tenants.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    data = models.JSONField(default=dict)

    class Meta:
        db_table = "aduan_wbsrecord"
        indexes = [models.Index(fields=["tenant", "kind", "-at"], name="wbsrecord_latest")]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class StoredFileEvent(models.Model):
    """Bytes a tenant's complaint files took (+) or freed (-) on disk: written in the same
    transaction as the attachment rows (complaints.storage), so it is exactly as true as they
    are. Read in id order by billing's metering job (storage per tenant) without entering any
    tenant schema; append-only."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    attachment_id = models.BigIntegerField()
    size = models.BigIntegerField()  # bytes: positive stored, negative freed
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.attachment_id} {self.size:+d}"
