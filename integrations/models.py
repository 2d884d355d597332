"""Public-schema models of the channels: one inbound store and one outbox for the whole fleet.

Both tables carry `tenant_id` instead of living in each tenant schema: one deliverer serves
thousands of tenants (no poller per schema), and a message that arrives before it can be
routed (an unknown SMS keyword, a shared WhatsApp number) has a home too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.sealed_fields import PlatformBlindField, PlatformSealedJSONField, PlatformSealedTextField
from tenants.models import Tenant


class ChannelName(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("Surel")
    LAPOR = "lapor", _("SP4N-LAPOR!")
    INSTAGRAM = "instagram", _("Instagram")


class InboundStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu diproses")
    PROCESSED = "processed", _("Diproses")
    FAILED = "failed", _("Gagal")


class InboundMessage(models.Model):
    """A message as a channel delivered it (raw payload kept for audit and replay).

    `external_id` is the channel's own id (SMS gateway id, WhatsApp message id, Message-ID):
    unique per channel, so a replayed webhook is stored once and files nothing twice. An
    e-mail's Message-ID is kept as its blind index (integrations.inbound.stored_external_id)."""

    channel = models.CharField(max_length=20, choices=ChannelName.choices)
    external_id = models.CharField(max_length=255)
    # Set when the message could be routed to a tenant (at once or while processing).
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The sender's number or address and what they wrote: sealed (UU 27/2022).
    payload = PlatformSealedJSONField()
    status = models.CharField(
        max_length=10, choices=InboundStatus.choices, default=InboundStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # An error can quote what it failed on (an address, a name): sealed.
    last_error = PlatformSealedTextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # What processing produced, e.g. {"tracking_code": "..."}.
    result = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="inbound_once")
        ]
        indexes = [
            # The sweeper's and the failed-messages page's query: only unfinished rows.
            models.Index(
                fields=["status", "next_attempt_at"],
                name="inbound_unfinished",
                condition=~models.Q(status="processed"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"


class NotificationKind(models.TextChoices):
    RECEIPT = "receipt", _("Tanda terima")
    STATUS = "status", _("Perubahan status")
    INFO_REQUEST = "info_request", _("Permintaan kelengkapan")
    CLOSING = "closing", _("Penutupan dan penilaian")
    REPLY = "reply", _("Balasan kanal")
    # Personal data protection (complaints.actions.privacy): a one-time code, a lost code.
    PRIVACY_CODE = "privacy_code", _("Kode sekali pakai data pribadi")
    TRACKING_RESEND = "tracking_resend", _("Kode lacak dikirim ulang")
    # Identity confirmation before filing (complaints.actions.doors).
    PHONE_CODE = "phone_code", _("Kode konfirmasi nomor telepon")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu dikirim")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal")


class OutboxMessage(models.Model):
    """A notification to a citizen, written in the same transaction as the change it tells
    about and delivered by a job. `key` is its idempotency key: one notification, one row,
    and the adapter passes it to the provider so a retry after an unknown outcome does not
    send twice where the provider deduplicates."""

    key = models.CharField(max_length=200, unique=True)
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=ChannelName.choices)
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    # Whom and what: sealed under the platform's key (UU 27/2022), opened by the deliverer.
    recipient = PlatformSealedTextField()
    subject = PlatformSealedTextField(blank=True)
    body = PlatformSealedTextField()
    # Channel specifics: a WhatsApp template name and parameters, e-mail threading headers.
    extra = PlatformSealedJSONField(default=dict, blank=True)
    tracking_code = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # A provider's error can quote the recipient: sealed.
    last_error = PlatformSealedTextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    provider_message_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending",
                condition=models.Q(status="pending"),
            ),
            # The failed-messages page's query (integrations.failed): the few rows that used
            # up their attempts, per tenant, newest first, never a scan of every notification.
            models.Index(
                fields=["tenant", "-created_at"],
                name="outbox_failed",
                condition=models.Q(status="failed"),
            ),
        ]

    def __str__(self) -> str:
        return self.key


class SmsKeyword(models.Model):
    """The tenant's SMS keyword, the first word of an SMS to the shared short code
    (BARUT for Barito Utara: `BARUT ADUAN <text>` to 1708). Unique across the platform."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="+")
    keyword = models.CharField(max_length=12, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.keyword


class WhatsAppNumber(models.Model):
    """A WhatsApp Business phone number Aduan receives on (Meta's phone-number id). With a
    tenant it is that tenant's own number; without, it is the platform's shared number, whose
    conversations ask for the village or regency to route to."""

    phone_number_id = models.CharField(max_length=40, unique=True)
    display_number = models.CharField(max_length=30, blank=True)
    tenant = models.OneToOneField(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return self.display_number or self.phone_number_id


class WhatsAppConversation(models.Model):
    """Where a citizen's guided conversation stands (name, address, object of complaint),
    and when they last wrote: WhatsApp's 24-hour customer-service window runs from there."""

    phone_number_id = models.CharField(max_length=40)
    # The citizen's WhatsApp id (digits, no "+"), kept only as its platform blind index: the
    # conversation is found by it; the id itself arrives with each message.
    wa_id = PlatformBlindField(max_length=40)
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    step = models.CharField(max_length=20, default="start")
    data = PlatformSealedJSONField(default=dict, blank=True)  # name, address: sealed
    last_inbound_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phone_number_id", "wa_id"], name="wa_conversation")
        ]
        indexes = [models.Index(fields=["wa_id"], name="wa_conversation_citizen")]

    def __str__(self) -> str:
        return f"{self.phone_number_id}/{self.wa_id}"


class WhatsAppTemplate(models.Model):
    """An approved WhatsApp message template (approved in Meta's WhatsApp Manager) for one
    notification kind: outside the 24-hour window only these may be sent. A row without a
    tenant is the platform's, used by every tenant that has none of its own. The template's
    body takes two parameters: {{1}} the tracking code, {{2}} the note."""

    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    name = models.CharField(max_length=512)
    language = models.CharField(max_length=10, default="id")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind"],
                name="wa_template_per_kind",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class InstagramAccount(models.Model):
    """A tenant's Instagram professional account that takes complaints by direct message
    (seed 003: Desa Kuripan Kidul). `account_id` is the account's id in Meta's webhooks
    (`entry[].id`, the recipient of the citizens' messages). The app secret (which signs the
    webhooks), the access token (which sends the replies) and the verify token (of the
    subscription check) are stored encrypted (aduan.crypto, Fernet), like the other doors'
    secrets. Its webhook is `/integrations/instagram/webhook/<tenant slug>/` on the platform."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="+")
    account_id = models.CharField(max_length=40, unique=True)
    app_secret_encrypted = models.TextField()
    access_token_encrypted = models.TextField()
    verify_token_encrypted = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.account_id


class InstagramConversation(models.Model):
    """Where a citizen's guided Instagram conversation stands (integrations.guided), and when
    they last wrote: Meta's 24-hour messaging window runs from there."""

    account_id = models.CharField(max_length=40)
    igsid = models.CharField(max_length=40)  # the citizen's Instagram-scoped id
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    step = models.CharField(max_length=20, default="start")
    data = models.JSONField(default=dict, blank=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account_id", "igsid"], name="ig_conversation")
        ]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.igsid}"


class EmailMailbox(models.Model):
    """A tenant's own mailbox (e.g. pengaduan@desa.id) that Aduan polls by IMAP. The password
    is stored encrypted (aduan.crypto, Fernet); the poll job never logs it."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="+")
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    use_ssl = models.BooleanField(default=True)
    username = models.CharField(max_length=255)
    password_encrypted = models.TextField()
    folder = models.CharField(max_length=255, default="INBOX")
    is_active = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.username}@{self.host}"


class Open311Client(models.Model):
    """An application allowed to post to the Open311 GeoReport v2 API with an `api_key`.

    Only a hash of the key is kept; the key is shown once, when the client is created. A client
    bound to a tenant may only post to that jurisdiction; one without a tenant posts anywhere
    (a national app, the front door)."""

    name = models.CharField(max_length=200)
    contact = models.CharField(max_length=200, blank=True)
    key_prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="open311_clients"
    )
    # A back office may push status updates (servicerequestupdates); a citizen app may not.
    can_push_updates = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Open311Token(models.Model):
    """A request posted to the platform's front door: the client gets this token and learns the
    routed request's `service_request_id` from `tokens/{token}`."""

    token = models.CharField(max_length=40, unique=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    complaint_id = models.BigIntegerField()
    client = models.ForeignKey(
        Open311Client, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.token


class LaporConnection(models.Model):
    """A tenant's connection to SP4N-LAPOR! (its instansi's integration account there). The
    secret is stored encrypted (aduan.crypto, Fernet). The import job visits only the
    tenants that have a row here; `cursor` is LAPOR!'s opaque position in the list of
    complaints disposed to the tenant, advanced as each page is stored."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="+")
    client_id = models.CharField(max_length=200)
    secret_encrypted = models.TextField()
    is_active = models.BooleanField(default=True)
    cursor = models.CharField(max_length=500, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.client_id
