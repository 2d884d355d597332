# Issue 19: the inbound store's and the outbox's errors sealed (they can quote an address or a
# name), and e-mails' Message-IDs (which can hold the sender's address) kept as their platform
# blind index, as integrations.inbound.stored_external_id writes them. Idempotent.

from typing import Any

from django.db import migrations

import aduan.sealed_fields
from aduan import envelope
from aduan.sealed_fields import reseal_rows

EXTERNAL_ID_KIND = "integrations_inboundmessage.external_id"  # as integrations.inbound


def seal_existing_rows(apps: Any, schema_editor: Any) -> None:
    inbound = apps.get_model("integrations", "InboundMessage")
    reseal_rows(inbound, ["last_error"])
    reseal_rows(apps.get_model("integrations", "OutboxMessage"), ["last_error"])
    plain_ids = inbound.objects.filter(channel="email").exclude(
        external_id__startswith=envelope.BLIND_PREFIX
    )
    for pk, external_id in plain_ids.values_list("pk", "external_id").iterator(chunk_size=500):
        inbound.objects.filter(pk=pk).update(
            external_id=envelope.blind_platform(EXTERNAL_ID_KIND, external_id)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0009_merge_wave3"),
    ]

    operations = [
        migrations.AlterField(
            model_name="inboundmessage",
            name="last_error",
            field=aduan.sealed_fields.PlatformSealedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="last_error",
            field=aduan.sealed_fields.PlatformSealedTextField(blank=True),
        ),
        migrations.RunPython(seal_existing_rows, migrations.RunPython.noop),
    ]
