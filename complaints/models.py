"""Tenant-schema models. Each table here exists once per tenant: keep them few and lean.

Domain words: register = buku pengaduan, receipt = tanda terima, tracking code = kode lacak.
Users live in the public schema; foreign keys to them carry no database constraint, so deleting
a user never has to visit thousands of tenant schemas (the id stays as a historical record).
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.db import tenant_db
from complaints.sealing import (
    SEALING_SCHEMA,
    SealedJSONField,
    SealedTextField,
    data_key_of,
    index_of,
)
from complaints.validation import ORIGINAL_NAME_LENGTH

# No 0/O, 1/I/L, 5/S, 8/B: a code read aloud or typed from an SMS is hard to get wrong.
TRACKING_ALPHABET = "234679ACDEFGHJKMNPQRTUVWXYZ"
TRACKING_LENGTH = 10


def new_tracking_code() -> str:
    """Unguessable: 27 symbols ** 10 ≈ 2 ** 47.5."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


class Channel(models.TextChoices):
    WEB = "web", _("Situs web")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Surel")
    DESK = "desk", _("Tatap muka")
    BOX = "box", _("Kotak pengaduan")
    PHONE = "phone", _("Telepon")
    SOCIAL = "social", _("Media sosial")
    LAPOR = "lapor", _("SP4N-LAPOR!")
    OPEN311 = "open311", _("Open311")


class Urgency(models.TextChoices):
    """How urgent a complaint is: the village SOP's "urgensi" or, for kinds without it, a
    priority of the same three levels. It orders the register and the work queue and may set
    a step's limit (the SOP's `limits_by_urgency`)."""

    HIGH = "high", _("Tinggi")
    MEDIUM = "medium", _("Sedang")
    LOW = "low", _("Rendah")


# Step inputs that set the complaint's urgency (the village SOP says "urgency", others
# "priority"): the value is kept on the complaint so queues can sort and filter by it.
URGENCY_INPUTS = ("urgency", "priority")
# The register's search vector (complaints.search): the document's words and the blind
# indexes of the complainant. Immutable functions only: PostgreSQL keeps the column itself.
SEARCH_VECTOR_SQL = (
    "to_tsvector('simple'::regconfig, search_text) || array_to_tsvector(identity_index::text[])"
)

# Channels through which staff enter a complaint on a citizen's behalf (the desk form).
STAFF_ENTRY_CHANNELS = (Channel.DESK, Channel.BOX, Channel.PHONE)


class RequiredElement(models.TextChoices):
    """The elements a complaint must hold (Permenpan-RB 24/2014): the complainant's identity
    and a clear object of complaint."""

    NAME = "name", _("Nama")
    ADDRESS = "address", _("Alamat")
    PHONE = "phone", _("Nomor telepon/WhatsApp")
    SUBJECT = "subject", _("Pokok pengaduan")
    DESCRIPTION = "description", _("Uraian pengaduan")


def element_labels(keys: list[str]) -> str:
    """The elements' names, in the current language, as one list ("Nama, Alamat")."""
    labels = []
    for key in keys:
        try:
            labels.append(str(RequiredElement(key).label))
        except ValueError:
            labels.append(key)
    return ", ".join(labels)


class Complaint(models.Model):
    """A public complaint (pengaduan) held by one tenant, entered in its register."""

    # Unique by a constraint (complaint_number), not unique=True: that would add a LIKE index
    # no query uses (search reads the number through the search vector); so is the tracking
    # code (complaint_tracking_code), which is only ever looked up whole.
    number = models.CharField(max_length=60)
    register_year = models.PositiveSmallIntegerField()
    register_seq = models.PositiveIntegerField()
    tracking_code = models.CharField(max_length=TRACKING_LENGTH)  # unique: complaint_tracking_code
    channel = models.CharField(max_length=10, choices=Channel.choices)

    # The complainant (pengadu). Blank when missing: the complaint is then kept incomplete.
    # Sealed at rest under the complaint's data key (complaints.sealing): read and written as
    # plain text; lengths are checked by intake (complaints.actions.intake.LIMITS).
    name = SealedTextField(blank=True)
    address = SealedTextField(blank=True)
    phone = SealedTextField(blank=True)  # E.164, e.g. +6281234567890
    email = SealedTextField(blank=True)
    nik = SealedTextField(blank=True, default="")  # Nomor Induk Kependudukan, when given
    # The data key (wrapped by the holding tenant's key; empty once erased) and the blind
    # indexes of the phone, the e-mail and each name token (the register's identity search).
    data_key = models.BinaryField(blank=True, default=b"")
    identity_index = ArrayField(models.CharField(max_length=24), blank=True, default=list)
    # When the identity was anonymised (an erasure decided by staff, or retention).
    erased_at = models.DateTimeField(null=True, blank=True)
    # A data subject asked for erasure (through the tracking code and a one-time code): staff
    # decide it (complaints.actions.privacy.do_decide_erasure), with a reason.
    erasure_requested_at = models.DateTimeField(null=True, blank=True)
    erasure_request_reason = models.TextField(blank=True, default="")

    # The object of complaint. A WBS report's description is sealed too.
    subject = models.CharField(max_length=200, blank=True)
    description = SealedTextField(blank=True, sealed_when="is_wbs")
    incident_at = models.DateTimeField(null=True, blank=True)
    incident_place = models.CharField(max_length=300, blank=True)
    category = models.CharField(max_length=40, blank=True)
    village_code = models.CharField(max_length=13, blank=True)
    address_text = models.CharField(max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    desired_outcome = models.TextField(blank=True)
    # Set by a step (URGENCY_INPUTS); blank until someone judged it. No index: queues read a
    # tenant's open complaints, few enough to sort in one pass.
    urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True, default="")

    # The register's search document (complaints.search): written only by its one statement,
    # lower-cased and unaccented. Searched through `search_vector`: its words and the blind
    # indexes, kept by PostgreSQL, behind one GIN index (migration 0016).
    search_text = models.TextField(blank=True, default="", editable=False)
    search_vector = models.GeneratedField(
        expression=RawSQL(SEARCH_VECTOR_SQL, []),  # noqa: S611 (a constant)
        output_field=SearchVectorField(),
        db_persist=True,
    )

    # Privacy as SP4N-LAPOR! defines it. Rahasia (not public) is the default, so the safe
    # choice never depends on someone remembering a flag.
    is_confidential = models.BooleanField(default=True)
    is_anonymous = models.BooleanField(default=False)
    # Whistleblowing (WBS): the reporter's identity is confidential by regulation; only WBS
    # officers see these complaints at all.
    is_wbs = models.BooleanField(default=False)
    # Answers to the category's own questions (routing.models.Category.questions): {key: text}.
    answers = models.JSONField(default=dict, blank=True)

    # The SOP state key; complaints.sop_hooks sets the first one.
    state = models.CharField(max_length=40, default="received")
    # The SOP version the complaint started under and keeps to the end (no index: nothing
    # looks complaints up by version).
    sop_version = models.ForeignKey(
        "SopVersion", null=True, blank=True, on_delete=models.PROTECT, db_index=False,
        related_name="+",
    )  # fmt: skip
    is_complete = models.BooleanField(default=True)
    missing_elements = models.JSONField(default=list, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    # The team it is assigned to (complaints.actions.teams). No index: only a change of the
    # team's members (rare, by an admin) looks complaints up by team.
    team = models.ForeignKey(
        "Team", null=True, blank=True, on_delete=models.PROTECT, db_index=False,
        related_name="+",
    )  # fmt: skip
    # What the channel delivered, as it came (nothing a citizen sent is ever dropped).
    raw_payload = SealedJSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # The SLA clock (complaints.sla): the running step, its due date (UTC) and its pauses
    # ([{"start", "end"}] ISO times) while it waited for the complainant. No index here: the
    # job finds due dates in the public complaints_public.Deadline index.
    state_entered_at = models.DateTimeField(null=True, blank=True)
    sla_state = models.CharField(max_length=40, blank=True, default="")
    sla_started_at = models.DateTimeField(null=True, blank=True)
    sla_limit = models.JSONField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    sla_pauses = models.JSONField(default=list, blank=True)
    # The whole case's clock (the SOP's case_limit, e.g. 60 days of Perpres 76/2013): started
    # when the complaint entered the limit's start state, stopped when it reached an end; its
    # pauses ([{"start", "end"}], end null while open) while it waited for the complainant.
    case_started_at = models.DateTimeField(null=True, blank=True)
    case_limit = models.JSONField(null=True, blank=True)
    case_due_at = models.DateTimeField(null=True, blank=True)
    case_pauses = models.JSONField(default=list, blank=True)
    case_ended_at = models.DateTimeField(null=True, blank=True)

    # After closing: when it entered a terminal state (the reopen window counts from here),
    # the complainant's satisfaction rating (penilaian kepuasan, 1-5, once) and, for a
    # duplicate, the complaint it was merged into (it follows that one's status).
    closed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True, default="")
    rated_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, db_index=False,
        related_name="merged_duplicates",
    )  # fmt: skip

    # Moderation (complaints.actions.corrections): passages of the complainant's text hidden
    # from the public view, [{"field": "subject"|"description", "passage": "..."}]. The text
    # itself stays as written: staff see it, with the reason on the timeline.
    redactions = models.JSONField(default=list, blank=True)
    # An answer held for approval (an SOP step with "approval", complaints.actions.approval):
    # {"transition", "inputs" (checked), "drafted_by", "drafted_at", "status": "waiting" |
    # "returned", "note"}; null when none. No index: the approval queue reads a tenant's open
    # complaints, like every other queue.
    pending_answer = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            # Also the index behind the register's default order and its year filter.
            models.UniqueConstraint(
                fields=["register_year", "register_seq"], name="complaint_register_entry"
            ),
            models.UniqueConstraint(fields=["number"], name="complaint_number"),
            models.UniqueConstraint(fields=["tracking_code"], name="complaint_tracking_code"),
        ]
        indexes = [
            # A complaint's merged duplicates, shown on its view; few rows are ever merged.
            models.Index(
                fields=["merged_into"],
                name="complaint_merged_into",
                condition=models.Q(merged_into__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or set(fields) & {"name", "phone", "email"}:
            # The blind indexes follow the identity; the data key is made before they are.
            data_key_of(self)
            self.identity_index = [] if self.erased_at else index_of(self)
            if fields is not None:
                kwargs["update_fields"] = [*fields, "identity_index", "data_key"]
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, *args: Any, **kwargs: Any) -> Complaint:
        # The schema it was read from opens its data key, even when its identity is read
        # later under another schema (after a schema_context, in a job, in a test).
        instance = super().from_db(*args, **kwargs)
        instance.__dict__[SEALING_SCHEMA] = tenant_db.schema_name
        return instance

    def sealing_owner(self) -> Complaint:
        return self


class EventKind(models.TextChoices):
    """Kinds of timeline entries. The field stores plain strings without DB choices, so other
    parts of the app may add kinds here without a migration."""

    FILED = "filed", _("Pengaduan diterima")
    RECEIPT = "receipt", _("Tanda terima diberikan")
    INFO_REQUESTED = "info_requested", _("Kelengkapan diminta")
    COMPLETED = "completed", _("Kelengkapan dilengkapi")
    UPDATED = "updated", _("Data diubah")
    TRANSITION = "transition", _("Tahap berubah")
    NOTE = "note", _("Catatan internal")
    RESPONSE = "response", _("Tanggapan")
    REPLY = "reply", _("Balasan pengadu")
    ASSIGNED = "assigned", _("Penugasan")
    TEAM_ASSIGNED = "team_assigned", _("Penugasan ke tim")
    TEAM_MEMBERS = "team_members", _("Anggota tim berubah")
    ATTACHMENT = "attachment", _("Lampiran ditambahkan")
    SLA_REMINDER = "sla_reminder", _("Pengingat batas waktu")
    SLA_ESCALATED = "sla_escalated", _("Lewat batas waktu, diteruskan ke pimpinan")
    # No wrong door (complaints.forwarding).
    ROUTED = "routed", _("Dirutekan")
    FORWARDED = "forwarded", _("Diteruskan ke instansi lain")
    FORWARD_ACCEPTED = "forward_accepted", _("Penerusan diterima")
    # A complaint filed at a village's own door: the router proposes, an officer decides.
    ROUTE_SUGGESTED = "route_suggested", _("Usulan penerusan")
    ROUTE_KEPT = "route_kept", _("Ditangani sendiri, usulan penerusan tidak diikuti")
    # After closing (complaints.actions.closing).
    RATED = "rated", _("Penilaian kepuasan")
    REOPENED = "reopened", _("Dibuka kembali")
    MERGED = "merged", _("Digabung ke pengaduan lain")
    MERGE_RECEIVED = "merge_received", _("Pengaduan lain digabungkan ke sini")
    # Working a complaint, part 2: corrections, redactions and answer approval.
    CORRECTED = "corrected", _("Data dikoreksi")
    REDACTED = "redacted", _("Disamarkan dari tampilan publik")
    ANSWER_DRAFTED = "answer_drafted", _("Jawaban menunggu persetujuan")
    ANSWER_APPROVED = "answer_approved", _("Jawaban disetujui")
    ANSWER_RETURNED = "answer_returned", _("Jawaban dikembalikan")
    # Whistleblowing (complaints.actions.wbs): a confidential reporter's identity is opened
    # only by a request that two others approve; the reporter sees that it happened.
    DISCLOSURE_REQUESTED = "disclosure_requested", _("Permintaan pembukaan identitas pelapor")
    DISCLOSURE_APPROVED = "disclosure_approved", _("Persetujuan pembukaan identitas pelapor")
    DISCLOSURE_GRANTED = "disclosure_granted", _("Identitas pelapor dibuka untuk pemeriksaan")
    HANDED_TO_INSPECTORATE = "handed_to_inspectorate", _("Diserahkan ke Inspektorat")


class AppendOnlyQuerySet(models.QuerySet["ComplaintEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("complaint events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("complaint events are append-only")


class ComplaintEvent(models.Model):
    """One entry of a complaint's timeline and audit trail: who, when, what, before and after.
    Append-only: written only by complaints.audit.record_events, never changed or deleted."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=30)
    is_public = models.BooleanField(default=False)
    # A WBS report's messages are sealed under its complaint's data key; so are the
    # identity values a correction records (complaints.audit.record_event).
    message = SealedTextField(blank=True, sealed_when="is_wbs")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    objects: ClassVar[models.Manager[ComplaintEvent]] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("complaint events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("complaint events are append-only")

    def sealing_owner(self) -> Complaint:
        return self.complaint

    @property
    def kind_label(self) -> str:
        try:
            return str(EventKind(self.kind).label)
        except ValueError:
            return self.kind


def attachment_path(instance: Attachment, filename: str) -> str:
    """MEDIA_ROOT/<schema>/complaints/<year>/<random>.<ext>: the tenant's files apart, and a
    name no one can guess or choose."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    year = timezone.now().year
    return f"{tenant_db.schema_name}/complaints/{year}/{secrets.token_urlsafe(16)}.{extension}"


class Attachment(models.Model):
    """A file sent with a complaint (photo or PDF), its type detected from its content."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    # The name's last ORIGINAL_NAME_LENGTH characters (its extension kept): a row bounded so, it
    # needs no TOAST table (a table and an index less in every tenant schema, issue 23).
    original_name = models.CharField(max_length=ORIGINAL_NAME_LENGTH, blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    # A file of a public response (an answer letter, a photo of the repaired road): shown and
    # downloadable on the tracking page once its step was taken.
    is_response = models.BooleanField(default=False)
    # Hidden from the public view by a redaction (complaints.actions.corrections); kept.
    redacted = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.original_name or str(self.file.name)


class RegisterCounter(models.Model):
    """The last number given in a year's register (buku pengaduan)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class SopVersion(models.Model):
    """One version of the tenant's SOP (see complaints.sop). Versions are never changed: an
    edit adds the next number, the latest is the one new complaints start under, and a
    complaint keeps the version it started with."""

    number = models.PositiveIntegerField()
    # "" for the tenant's SOP; "wbs" for its whistleblowing SOP (complaints.wbs), numbered
    # on its own: a WBS report starts under the latest WBS version.
    purpose = models.CharField(max_length=10, blank=True, default="")
    definition = models.JSONField()
    # PostgreSQL's md5 of the stored definition, kept by PostgreSQL with the row: intake reads
    # it with the register number (complaints.register) so that a process that parsed the same
    # definition for another tenant need not read this one's; computing it there detoasted and
    # printed the definition on every filing (~6% of the database's CPU a filing).
    digest = models.GeneratedField(
        expression=RawSQL("md5(definition::text)", []),
        output_field=models.CharField(max_length=32),
        db_persist=True,
    )
    note = models.CharField(max_length=500, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"SOP v{self.number}"


class ForwardStub(models.Model):
    """What stays at a tenant after a complaint moved on (forwarded or returned): its register
    entry (the number keeps its place in this register), the link and the reason. The status
    is read from where the complaint is now (routing.models.TrackingCode), never copied."""

    # Unique by a constraint, not `unique=True`: that adds a second (LIKE) index, a relation
    # in every tenant schema that no query uses (issue 19, the 60 cap).
    number = models.CharField(max_length=60)
    register_year = models.PositiveSmallIntegerField()
    register_seq = models.PositiveIntegerField()
    tracking_code = models.CharField(max_length=TRACKING_LENGTH)
    subject = models.CharField(max_length=200, blank=True)
    to_tenant_id = models.BigIntegerField()
    to_tenant_name = models.CharField(max_length=200)
    reason = models.TextField()
    state_when_moved = models.CharField(max_length=40)
    moved_at = models.DateTimeField()

    class Meta:
        # The number is no key of its own: the register hands it out once, and the stub is
        # found by its tracking code (complaints migration 0021).
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="forward_stub_tracking_code"),
        ]

    def __str__(self) -> str:
        return self.number


class Team(models.Model):
    """A team (tim) of the tenant's staff, e.g. Disdukcapil's answer team (Tim Penjawab): a
    complaint assigned to it is worked by each of its members (complaints.actions.teams)."""

    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # A constraint, not unique=True: no LIKE index next to it (no query matches names).
        constraints = [models.UniqueConstraint(fields=["name"], name="team_name")]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """One member of a team (a user of the public schema; no database constraint)."""

    # No index of its own: team_member_once (team, user) serves lookups by team.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_once")]

    def __str__(self) -> str:
        return f"{self.team_id}: {self.user_id}"


class AccessKind(models.TextChoices):
    """What was looked at or let out (UU 27/2022: who, when, why)."""

    IDENTITY = "identity", _("Identitas pengadu dilihat")
    WBS = "wbs", _("Laporan WBS dibuka")
    EXPORT = "export", _("Ekspor data")
    DISCLOSURE = "disclosure", _("Pengungkapan identitas")
    SUBJECT = "subject", _("Dilihat oleh pemilik data")
    ERASURE = "erasure", _("Identitas dihapus (anonim)")


class AccessLogEntry(models.Model):
    """The access log (log akses) of personal data: append-only, in each tenant's schema. A
    database trigger refuses UPDATE, DELETE and TRUNCATE (migration 0010_i19_access_log);
    written only by complaints.actions.access_log.do_record_access. The complaint is kept by
    id and number, not a foreign key: its row may move on (a forward) and the entry stays."""

    at = models.DateTimeField(default=timezone.now)
    actor_id = models.IntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    complaint_id = models.IntegerField(null=True, blank=True)
    complaint_number = models.CharField(max_length=60, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.complaint_number}"


class CannedAnswer(models.Model):
    """An answer template (templat jawaban) of the tenant, picked when writing a response. Its
    placeholders ({nama}, {nomor}, {tautan}, {tanggal}: complaints.canned) are filled from the
    complaint. No unique index on the title (one relation less in every tenant schema): the
    action refuses a duplicate title."""

    title = models.CharField(max_length=100)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title
