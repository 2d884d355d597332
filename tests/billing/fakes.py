"""A local Midtrans on loopback: its status API (`GET /v2/{order_id}/status`, HTTP Basic with
the server key) as documented, and the HTTP notifications it would send, signed the way it
signs them (SHA512 of order_id + status_code + gross_amount + server key)."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SERVER_KEY = "SB-Mid-server-uji-coba"


@dataclass
class FakeMidtrans:
    url: str = ""
    transactions: dict[str, dict[str, Any]] = field(default_factory=dict)
    status_calls: list[str] = field(default_factory=list)

    def settle(self, order_id: str, gross_amount: str, transaction_id: str) -> dict[str, Any]:
        """A payment settled at Midtrans: its status, and the notification it sends."""
        self.transactions[order_id] = {
            "status_code": "200",
            "transaction_id": transaction_id,
            "order_id": order_id,
            "gross_amount": gross_amount,
            "transaction_status": "settlement",
            "fraud_status": "accept",
            "payment_type": "bank_transfer",
        }
        return self.notification(order_id)

    def notification(self, order_id: str, *, key: str = SERVER_KEY) -> dict[str, Any]:
        body = dict(self.transactions[order_id])
        raw = f"{order_id}{body['status_code']}{body['gross_amount']}{key}".encode()
        body["signature_key"] = hashlib.sha512(raw).hexdigest()
        return body


@contextmanager
def fake_midtrans() -> Iterator[FakeMidtrans]:
    fake = FakeMidtrans()
    expected = "Basic " + base64.b64encode(f"{SERVER_KEY}:".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's name
            parts = self.path.strip("/").split("/")
            if self.headers.get("Authorization") != expected:
                self._answer(401, {"status_code": "401", "status_message": "Unauthorized"})
            elif len(parts) == 3 and parts[0] == "v2" and parts[2] == "status":
                fake.status_calls.append(parts[1])
                found = fake.transactions.get(parts[1])
                if found is None:
                    self._answer(404, {"status_code": "404",
                                       "status_message": "Transaction doesn't exist."})  # fmt: skip
                else:
                    self._answer(200, found)
            else:
                self._answer(404, {"status_code": "404"})

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
