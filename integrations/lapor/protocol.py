"""The SP4N-LAPOR! integration protocol, as far as Aduan speaks it (one module: the protocol).

What is public, and what is assumed
-----------------------------------
SP4N-LAPOR! (lapor.go.id, run by KemenPAN-RB with the Ombudsman and KSP) publishes two things
about its API: the old open-data "API Akses Data LAPOR!" (JSON, `POST` to
`https://www.lapor.go.id/api/services/...` with a `KEYTOKEN` access token issued by the
LAPOR! team; a complaint is known by its *TrackingID*, shown at
`https://www.lapor.go.id/pengaduan/<TrackingID>`; confidential complaints and the reporter's
identity are never in that open data), and a note that the *integration* API for the
complaint systems of ministries and local governments (K/L/D) is documented only inside the
LAPOR! admin pages, for accounts with the developer role (blog.lapor.go.id/integrasi). That
documentation is not public, so everything below the authentication idea is ASSUMED: a
plausible REST + token API in the shape of the public one. Replace this module (and the fake
server in tests/integrations/fakes.py, which speaks exactly this) when the real
documentation is at hand; nothing else in Aduan knows the wire format.

Assumed wire format (JSON bodies, UTF-8; base URL ADUAN_LAPOR_API_BASE):

- Auth: `POST {base}/auth/token` with `{"client_id", "client_secret"}` (per tenant: the
  instansi's integration account on LAPOR!) → 200 `{"access_token", "expires_in"}`; bad
  credentials → 401 `{"error": "invalid_client", "message"}`. Every other call sends
  `Authorization: Bearer <access_token>`; an expired token → 401 (the client signs in again
  once).
- Complaints disposed to the caller (disposisi), oldest change first, paged by an opaque
  cursor: `GET {base}/complaints?since=<cursor>&limit=<n>` → 200 `{"items": [{"id",
  "tracking_id", "updated_at"}], "next_cursor": "<cursor>", "has_more": bool}`. `since` empty
  means from the beginning; a complaint disposed again or changed comes back with a later
  cursor.
- One complaint: `GET {base}/complaints/{id}` → 200 `{"id", "tracking_id", "title",
  "content", "topic", "is_secret", "is_anonymous", "reporter": {"name", "phone", "email",
  "address"}, "location": {"address", "village_code", "latitude", "longitude"},
  "created_at", "status"}`; unknown → 404.
- Follow-up (tindak lanjut: a status change or an answer to the reporter):
  `POST {base}/complaints/{id}/followups` with header `Idempotency-Key: <key>` and
  `{"status": "proses"|"selesai", "content", "is_final", "reference"}` → 201 `{"id"}`; a
  repeated key → 200 with the first follow-up's id and nothing recorded twice.
- A new complaint for an authority that is not on Aduan: `POST {base}/complaints` with
  `Idempotency-Key` and `{"title", "content", "topic", "is_secret", "is_anonymous",
  "reporter": {...}, "location": {...}, "reference", "attachments": [{"name",
  "content_type", "content_base64"}]}` (photos and PDFs, as LAPOR!'s own form takes
  lampiran) → 201 `{"id", "tracking_id"}`; a repeated key → 200 with the first complaint.
- Errors: 4xx `{"error", "message"}`; 5xx or a timeout is an outage, retried later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from integrations.errors import IntegrationError

TIMEOUT = 15.0
PAGE_SIZE = 50
PUBLIC_URL = "https://www.lapor.go.id/pengaduan/{tracking_id}"


class LaporStatus(StrEnum):
    """The follow-up statuses Aduan sends (LAPOR!'s own wording: proses, selesai)."""

    IN_PROGRESS = "proses"
    DONE = "selesai"


class LaporErrorCode(StrEnum):
    REJECTED = "integrations.lapor_rejected"
    NOT_CONFIGURED = "integrations.lapor_not_configured"
    NOT_FOUND = "integrations.lapor_not_found"
    UNAVAILABLE = "integrations.lapor_unavailable"


class LaporRejectedError(IntegrationError):
    """LAPOR! refused the call itself (bad credentials, a bad request): retrying cannot help
    until someone acts, so the message waits on the failed-messages page."""


class LaporUnavailableError(Exception):
    """An outage (5xx, a timeout, no connection): retried with backoff."""


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str
    base_url: str = ""


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


@dataclass
class LaporClient:
    credentials: Credentials
    _token: str = field(default="", repr=False)

    @property
    def base(self) -> str:
        base: str = self.credentials.base_url or settings.ADUAN_LAPOR_API_BASE
        return base.rstrip("/")

    def authenticate(self) -> str:
        """Sign in with the instansi's credentials; returns the access token."""
        if not (self.credentials.client_id and self.credentials.client_secret):
            raise LaporRejectedError(
                LaporErrorCode.NOT_CONFIGURED, _("Kredensial SP4N-LAPOR! belum diisi.")
            )
        data = self._send(
            "POST",
            "/auth/token",
            json={
                "client_id": self.credentials.client_id,
                "client_secret": self.credentials.client_secret,
            },
            authenticated=False,
        )
        self._token = str(data["access_token"])
        return self._token

    def list_disposed(self, since: str = "", limit: int = PAGE_SIZE) -> Page:
        """One page of the complaints disposed to this instansi, changed after `since`."""
        data = self._call("GET", "/complaints", params={"since": since, "limit": limit})
        return Page(
            items=list(data.get("items", [])),
            next_cursor=str(data.get("next_cursor") or since),
            has_more=bool(data.get("has_more")),
        )

    def get_complaint(self, lapor_id: str) -> dict[str, Any]:
        return self._call("GET", f"/complaints/{lapor_id}")

    def push_followup(
        self,
        lapor_id: str,
        *,
        idempotency_key: str,
        status: LaporStatus,
        content: str,
        reference: str,
    ) -> str:
        """Record a follow-up on the complaint; returns LAPOR!'s id of it."""
        data = self._call(
            "POST",
            f"/complaints/{lapor_id}/followups",
            json={
                "status": str(status),
                "content": content,
                "is_final": status == LaporStatus.DONE,
                "reference": reference,
            },
            idempotency_key=idempotency_key,
        )
        return str(data["id"])

    def create_complaint(
        self, complaint: dict[str, Any], *, idempotency_key: str
    ) -> tuple[str, str]:
        """File a complaint on LAPOR!; returns (its id, its TrackingID)."""
        data = self._call("POST", "/complaints", json=complaint, idempotency_key=idempotency_key)
        return str(data["id"]), str(data.get("tracking_id", ""))

    # --- transport ---------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        idempotency_key: str = "",
    ) -> dict[str, Any]:
        if not self._token:
            self.authenticate()
        try:
            return self._send(method, path, params=params, json=json, key=idempotency_key)
        except LaporRejectedError as error:
            if error.extra.get("status") != 401:
                raise
        self.authenticate()  # the token expired: sign in again, once
        return self._send(method, path, params=params, json=json, key=idempotency_key)

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        key: str = "",
        authenticated: bool = True,
    ) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        if authenticated:
            headers["Authorization"] = f"Bearer {self._token}"
        if key:
            headers["Idempotency-Key"] = key
        try:
            response = httpx.request(
                method, self.base + path, params=params, json=json, headers=headers,
                timeout=TIMEOUT,
            )  # fmt: skip
        except httpx.HTTPError as error:
            reason = type(error).__name__
            raise LaporUnavailableError(f"SP4N-LAPOR! unreachable: {reason}") from error
        if response.status_code >= 500:
            raise LaporUnavailableError(f"SP4N-LAPOR! answered HTTP {response.status_code}")
        if response.status_code >= 400:
            raise rejected(response)
        body = response.json()
        return body if isinstance(body, dict) else {"items": body}


def rejected(response: httpx.Response) -> LaporRejectedError:
    try:
        detail = response.json()
    except ValueError:
        detail = {}
    message = str(detail.get("message") or detail.get("error") or "") if detail else ""
    extra = {"status": response.status_code, "error": str(detail.get("error", ""))}
    if response.status_code in (401, 403):
        return LaporRejectedError(
            LaporErrorCode.REJECTED,
            _(
                "SP4N-LAPOR! menolak kredensial instansi ini (HTTP %(status)s: %(message)s). "
                "Periksa ID klien dan kunci rahasia di halaman SP4N-LAPOR!."
            )
            % {"status": response.status_code, "message": message or "-"},
            extra,
        )
    if response.status_code == 404:
        return LaporRejectedError(
            LaporErrorCode.NOT_FOUND, _("Pengaduan tidak ditemukan di SP4N-LAPOR!."), extra
        )
    return LaporRejectedError(
        LaporErrorCode.REJECTED,
        _("SP4N-LAPOR! menolak permintaan (HTTP %(status)s: %(message)s).")
        % {"status": response.status_code, "message": message or "-"},
        extra,
    )
