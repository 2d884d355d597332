"""Midtrans, the payment gateway: its HTTP notification (webhook) and its status API.

The notification's `signature_key` is SHA512(order_id + status_code + gross_amount +
ServerKey) in hex; a notification is only believed when it matches, and then the status API
(`GET {api}/v2/{order_id}/status`, HTTP Basic with the server key) is asked, as Midtrans
advises, before anything is paid."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import httpx
from django.conf import settings


def signature(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    raw = f"{order_id}{status_code}{gross_amount}{server_key}".encode()
    return hashlib.sha512(raw).hexdigest()


def server_key() -> str:
    return str(getattr(settings, "MIDTRANS_SERVER_KEY", ""))


def verified(body: dict[str, Any]) -> bool:
    key = server_key()
    if not key:
        return False  # no gateway configured: nothing is believed
    expected = signature(
        str(body.get("order_id", "")),
        str(body.get("status_code", "")),
        str(body.get("gross_amount", "")),
        key,
    )
    return hmac.compare_digest(expected, str(body.get("signature_key", "")))


def transaction_status(order_id: str) -> dict[str, Any]:
    """Midtrans' own word on an order (raises httpx.HTTPError when it cannot be had)."""
    base = str(getattr(settings, "MIDTRANS_API_URL", "https://api.midtrans.com"))
    response = httpx.get(
        f"{base.rstrip('/')}/v2/{order_id}/status", auth=(server_key(), ""), timeout=10
    )
    response.raise_for_status()
    found: dict[str, Any] = response.json()
    return found


def settled(status: dict[str, Any]) -> bool:
    state = status.get("transaction_status")
    return state == "settlement" or (
        state == "capture" and status.get("fraud_status", "accept") == "accept"
    )


def whole_rupiah(gross_amount: str) -> int | None:
    """`"150000.00"` → 150000; None when it is not a whole, positive rupiah amount."""
    units, _, cents = str(gross_amount).partition(".")
    if not units.isdigit() or (cents and set(cents) != {"0"}):
        return None
    value = int(units)
    return value if value > 0 else None
