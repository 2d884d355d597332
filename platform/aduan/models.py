"""Platform-level bookkeeping in the public schema."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """The last sign of life of a background process ("worker", "scheduler", probes)."""

    name = models.CharField(max_length=100, primary_key=True)
    beat_at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class RateCounter(models.Model):
    """One fixed window of one rate limit (aduan.ratelimit): shared by every process."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="aduan_ratecounter_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} {self.hits}"


class OneTimeCode(models.Model):
    """A one-time code (aduan.onetime): only its keyed hash is kept; used once, then spent.
    Recovery codes of the second factor are the first purpose; citizens' codes come next."""

    purpose = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["purpose", "subject"], name="aduan_onetime_subject")]

    def __str__(self) -> str:
        return f"{self.purpose}:{self.subject}"


class TenantKey(models.Model):
    """A schema's keys (aduan.envelope), wrapped by the master key `master_id`: the key that
    wraps its records' data keys (`version` counts its rotations) and its blind-index key.
    The schema "public" holds the platform's own (the platform-wide blind index)."""

    schema_name = models.CharField(max_length=63, unique=True)
    version = models.PositiveIntegerField(default=1)
    master_id = models.CharField(max_length=40)
    wrapped_kek = models.BinaryField()
    wrapped_blind = models.BinaryField()
    created_at = models.DateTimeField()
    rotated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.schema_name} v{self.version} ({self.master_id})"
