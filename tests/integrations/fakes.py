"""Local fakes of outside services, speaking their protocols over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class SmsGatewayFake:
    """The outbound side of the SMS gateway protocol (integrations/sms/gateway.py): POST JSON
    with a bearer token and an Idempotency-Key; a repeated key is answered with the first
    message's id and not sent again."""

    token: str
    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    delivered: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_next: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.delivered.values()]

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        with self.lock:
            if headers.get("Authorization") != f"Bearer {self.token}":
                return 401, {"error": "unauthorized"}
            data = json.loads(body)
            self.requests.append(data)
            if self.fail_next:
                self.fail_next -= 1
                return 503, {"error": "try later"}
            key = headers.get("Idempotency-Key", "")
            if key not in self.delivered:
                self.delivered[key] = {**data, "message_id": f"gw-{len(self.delivered) + 1}"}
            return 200, {"message_id": self.delivered[key]["message_id"]}


@dataclass
class CloudApiFake:
    """The WhatsApp Business Cloud API endpoints Aduan uses: send a message, look up a medium,
    download it. `media` maps a media id to (bytes, mime type)."""

    token: str
    version: str = "v21.0"
    base: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    # Sends that go out but whose answer is lost on the way back (a proxy's 502).
    lose_next: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def texts_to(self, wa_id: str) -> list[str]:
        return [m["text"]["body"] for m in self.sent if m["to"] == wa_id and m["type"] == "text"]

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        with self.lock:
            if headers.get("Authorization") != f"Bearer {self.token}":
                return 401, {"error": {"message": "Invalid OAuth access token", "code": 190}}
            parts = path.strip("/").split("/")
            if method == "POST" and len(parts) == 3 and parts[0] == self.version:
                data = json.loads(body)
                assert parts[2] == "messages" and data["messaging_product"] == "whatsapp"
                data["phone_number_id"] = parts[1]
                self.sent.append(data)
                wamid = f"wamid.OUT{len(self.sent)}"
                if self.lose_next:
                    self.lose_next -= 1
                    return 502, {"error": "bad gateway"}
                return 200, {"messaging_product": "whatsapp", "messages": [{"id": wamid}]}
            if method == "GET" and len(parts) == 2 and parts[0] == self.version:
                if parts[1] not in self.media:
                    return 404, {"error": {"message": "Unsupported get request", "code": 100}}
                url = f"{self.base}/download/{parts[1]}"
                return 200, {"url": url, "mime_type": self.media[parts[1]][1], "id": parts[1]}
            if method == "GET" and len(parts) == 2 and parts[0] == "download":
                content, mime_type = self.media[parts[1]]
                return 200, (content, mime_type)
            return 404, {"error": {"message": "unknown endpoint"}}


@dataclass
class InstagramGraphFake:
    """Meta's Send API for Instagram (`POST /{version}/{account id}/messages`, bearer token)
    and the CDN that serves the citizens' attachments (`GET /cdn/<name>`)."""

    tokens: dict[str, str]  # account id -> its access token
    version: str = "v21.0"
    base: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def texts_to(self, igsid: str) -> list[str]:
        return [m["message"]["text"] for m in self.sent if m["recipient"]["id"] == igsid]

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        with self.lock:
            parts = path.strip("/").split("/")
            if method == "GET" and len(parts) == 2 and parts[0] == "cdn":
                if parts[1] not in self.files:
                    return 404, {"error": "gone"}
                return 200, self.files[parts[1]]
            if method == "POST" and len(parts) == 3 and parts[0] == self.version:
                account, endpoint = parts[1], parts[2]
                if endpoint != "messages" or account not in self.tokens:
                    return 400, {"error": {"message": "Unsupported post request", "code": 100}}
                if headers.get("Authorization") != f"Bearer {self.tokens[account]}":
                    return 401, {"error": {"message": "Invalid OAuth access token", "code": 190}}
                data = json.loads(body)
                if not data.get("recipient", {}).get("id") or "text" not in data.get("message", {}):
                    return 400, {"error": {"message": "(#100) Invalid parameter", "code": 100}}
                if "tag" in data and (
                    data.get("messaging_type") != "MESSAGE_TAG" or data["tag"] != "HUMAN_AGENT"
                ):
                    # Instagram accepts only the HUMAN_AGENT tag, sent as a MESSAGE_TAG.
                    return 400, {"error": {"message": "(#100) Invalid tag", "code": 100}}
                data["account_id"] = account
                self.sent.append(data)
                return 200, {
                    "recipient_id": data["recipient"]["id"],
                    "message_id": f"aWdfZAG1faXRlbToxOk{len(self.sent)}",
                }
            return 404, {"error": {"message": "unknown endpoint"}}


@dataclass
class LaporFake:
    """SP4N-LAPOR! as integrations/lapor/protocol.py describes it (the assumed protocol):
    token sign-in per instansi account, the complaints disposed to the caller paged by cursor
    (at most `page_size` a page, whatever the client asks), one complaint, follow-ups and new
    complaints deduplicated by Idempotency-Key. `fail_next` answers that many calls with 503."""

    accounts: dict[str, str] = field(default_factory=dict)  # client_id -> secret
    page_size: int = 2
    complaints: dict[str, dict[str, Any]] = field(default_factory=dict)
    disposed_to: dict[str, str] = field(default_factory=dict)  # complaint id -> client_id
    order: list[str] = field(default_factory=list)  # change order; cursor = position
    tokens: dict[str, str] = field(default_factory=dict)  # token -> client_id
    followups: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    by_key: dict[str, dict[str, Any]] = field(default_factory=dict)
    created: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> body
    requests: list[tuple[str, str]] = field(default_factory=list)
    fail_next: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def dispose(self, client_id: str, lapor_id: str, **fields: Any) -> dict[str, Any]:
        record = {
            "id": lapor_id,
            "tracking_id": f"LAP-{lapor_id}",
            "title": "Jalan rusak",
            "content": "Jalan kabupaten rusak parah.",
            "topic": "",
            "is_secret": True,
            "is_anonymous": False,
            "reporter": {"name": "Budi", "phone": "081234567890", "email": "", "address": "X"},
            "location": {"address": "", "village_code": "", "latitude": None, "longitude": None},
            "created_at": "2026-11-20T08:00:00+07:00",
            "status": "proses",
            **fields,
        }
        with self.lock:
            self.complaints[lapor_id] = record
            self.disposed_to[lapor_id] = client_id
            self.order.append(lapor_id)
        return record

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        with self.lock:
            url = urlsplit(path)
            self.requests.append((method, url.path))
            if self.fail_next:
                self.fail_next -= 1
                return 503, {"error": "unavailable", "message": "coba lagi"}
            if method == "POST" and url.path == "/auth/token":
                data = json.loads(body)
                if self.accounts.get(data.get("client_id")) != data.get("client_secret"):
                    return 401, {"error": "invalid_client", "message": "kredensial salah"}
                token = f"tok-{len(self.tokens) + 1}"
                self.tokens[token] = data["client_id"]
                return 200, {"access_token": token, "expires_in": 3600}
            caller = self.tokens.get(headers.get("Authorization", "").removeprefix("Bearer "))
            if caller is None:
                return 401, {"error": "invalid_token", "message": "token tidak berlaku"}
            parts = url.path.strip("/").split("/")
            key = headers.get("Idempotency-Key", "")
            if method == "GET" and parts == ["complaints"]:
                query = parse_qs(url.query)
                since = int((query.get("since") or ["0"])[0] or 0)
                limit = min(int((query.get("limit") or ["50"])[0]), self.page_size)
                mine = [
                    (n, i) for n, i in enumerate(self.order, 1)
                    if n > since and self.disposed_to[i] == caller
                ]  # fmt: skip
                page = mine[:limit]
                return 200, {
                    "items": [{"id": i, "tracking_id": f"LAP-{i}"} for _n, i in page],
                    "next_cursor": str(page[-1][0]) if page else str(since),
                    "has_more": len(mine) > limit,
                }
            if method == "GET" and len(parts) == 2 and parts[0] == "complaints":
                if self.disposed_to.get(parts[1]) != caller:
                    return 404, {"error": "not_found", "message": "tidak ditemukan"}
                return 200, self.complaints[parts[1]]
            if method == "POST" and len(parts) == 3 and parts[2] == "followups":
                if self.disposed_to.get(parts[1]) != caller:
                    return 404, {"error": "not_found", "message": "tidak ditemukan"}
                if key in self.by_key:
                    return 200, {"id": self.by_key[key]["id"]}
                followup = {**json.loads(body), "id": f"tl-{len(self.by_key) + 1}"}
                self.by_key[key] = followup
                self.followups.setdefault(parts[1], []).append(followup)
                return 201, {"id": followup["id"]}
            if method == "POST" and parts == ["complaints"]:
                if key in self.by_key:
                    first = self.by_key[key]
                    return 200, {"id": first["id"], "tracking_id": first["tracking_id"]}
                number = 9000 + len(self.created) + 1
                made = {"id": str(number), "tracking_id": f"LAP-{number}"}
                self.by_key[key] = made
                self.created[made["id"]] = {**json.loads(body), "by": caller}
                return 201, made
            return 404, {"error": "unknown endpoint"}


@contextmanager
def serve(fake: Any) -> Iterator[str]:
    """Run `fake.handle(method, path, headers, body)` behind a threaded HTTP server; yields
    its base URL. `handle` answers (status, JSON-able payload) or (status, (bytes, type))."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.answer("GET")

        def do_POST(self) -> None:
            self.answer("POST")

        def answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body_in = self.rfile.read(length) if length else b""
            status, payload = fake.handle(method, self.path, self.headers, body_in)
            if isinstance(payload, tuple):  # raw bytes and their content type
                body, content_type = payload
            else:
                body, content_type = json.dumps(payload).encode(), "application/json"
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return  # passing tests print nothing

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
