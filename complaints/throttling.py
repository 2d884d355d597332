"""A limit on public intake per client address, shared by the web form and the API.

It counts in Django's default cache: per process with the local-memory cache, across
processes once CACHES points at a shared cache (Redis)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle


class IntakeThrottle(SimpleRateThrottle):
    scope = "complaint_intake"

    def get_rate(self) -> str:
        rate: str = settings.ADUAN_INTAKE_RATE
        return rate

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def intake_allowed(request: HttpRequest) -> bool:
    return IntakeThrottle().allow_request(request, None)  # type: ignore[arg-type]
