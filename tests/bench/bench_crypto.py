"""Personal-data encryption benchmark (issue 19's cost target: at most 2 ms of CPU per
complaint for encryption and blind indexes).

    .venv/bin/python -m tests.bench.bench_crypto --complaints 2000

Per complaint it does what filing does (complaints.sealing, aduan.envelope): a fresh data key
wrapped by the tenant's key, the identity (name, address, phone, e-mail, NIK) and what the
channel delivered sealed with AES-256-GCM, the tenant's blind indexes of the phone, the e-mail
and each name token, the platform-wide ones of the contact, and (since the channel tables are
sealed too) its receipt's outbox row (recipient, subject, body, extra) and an inbound payload
under the platform's key (aduan.sealed_fields). CPU time from
time.process_time (not wall time: the machine may be shared). No database: the tenant and
platform keys are opened once, as the process cache holds them in production.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time

TARGET_CPU_MS = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=2000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings.test")
    import django

    django.setup()
    # deferred import: a module that imports models can only load after django.setup().
    from aduan import envelope

    for schema in ("bench_tenant", envelope.PLATFORM):
        # Opened keys, as the process cache holds them after the first use.
        envelope._cache[schema] = envelope.TenantKeys(
            schema, 1, secrets.token_bytes(32), secrets.token_bytes(32)
        )
    identity = {
        "name": "Siti Aminah binti Abdullah",
        "address": "RT 02 RW 03, Dusun Krajan, Desa Babakan, Kecamatan Kawunganten",
        "phone": "+6281234567890",
        "email": "siti.aminah@example.org",
        "nik": "3301010101900001",
    }
    payload = json.dumps({"channel": "web", **identity})
    receipt_text = (
        "Pengaduan Anda diterima, nomor 0001/ADU/2026. Kode lacak 7KQ2M; lacak di "
        "https://aduan.example.org/lacak/7KQ2M/"
    )
    samples = []
    for _ in range(args.complaints):
        start = time.process_time()
        data_key = envelope.new_data_key()
        envelope.wrap_data_key(data_key, "bench_tenant")
        for field, value in identity.items():
            envelope.seal_value(data_key, value, field)
        envelope.seal_value(data_key, payload, "raw_payload")
        envelope.identity_index(
            "bench_tenant",
            name=identity["name"],
            phone=identity["phone"],
            email=identity["email"],
        )
        envelope.contact_index(phone=identity["phone"], email=identity["email"])
        for column, value in (
            ("integrations_outboxmessage.recipient", identity["phone"]),
            ("integrations_outboxmessage.subject", "Tanda terima pengaduan"),
            ("integrations_outboxmessage.body", receipt_text),
            ("integrations_outboxmessage.extra", "{}"),
            ("integrations_inboundmessage.payload", payload),
        ):
            envelope.seal_platform(value, column)
        samples.append((time.process_time() - start) * 1000)
    samples.sort()
    median = statistics.median(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{'complaints':>12} {'median ms':>10} {'p95 ms':>8} {'target ms':>10}  load 1/5/15 min")
    print(f"{args.complaints:>12} {median:>10.3f} {p95:>8.3f} {TARGET_CPU_MS:>10.1f}  {load}")
    return 0 if p95 <= TARGET_CPU_MS else 1


if __name__ == "__main__":
    sys.exit(main())
