"""Local fakes of outside services, speaking their protocols over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


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

    def handle(self, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
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


@contextmanager
def serve(fake: Any) -> Iterator[str]:
    """Run `fake.handle(headers, body)` behind a threaded HTTP server; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            status, payload = fake.handle(self.headers, self.rfile.read(length))
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
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
