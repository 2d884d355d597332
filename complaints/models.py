"""Tenant-schema models. Each table here exists once per tenant: keep them few and lean."""

from __future__ import annotations

from django.db import models


class Complaint(models.Model):
    """A public complaint (pengaduan) held by one tenant."""

    subject = models.CharField(max_length=200)
    description = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.subject
