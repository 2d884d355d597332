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
