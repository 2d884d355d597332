"""The audit entry every billing writer leaves (billing.models.BillingEvent)."""

from __future__ import annotations

from typing import Any

from billing.models import Account, BillingEvent
from tenants.models import User


def record(kind: str, *, actor: User | None, account: Account | None = None, **detail: Any) -> None:
    BillingEvent.objects.create(kind=kind, actor=actor, account=account, detail=detail)
