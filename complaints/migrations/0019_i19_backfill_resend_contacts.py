# Issue 19: the tracking-code resend's platform-wide blind index (tenants_trackingcode.contacts)
# filled for complaints filed before it existed (complaints.sealing.backfill_resend_contacts),
# per tenant schema, idempotent: a lost code can then be resent for them too.

from typing import Any

from django.db import migrations
from django_tenants.utils import get_public_schema_name

from complaints.sealing import backfill_resend_contacts


def backfill(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    schema_name = getattr(connection, "schema_name", "")
    if not schema_name or schema_name == get_public_schema_name():
        return
    backfill_resend_contacts(connection, schema_name)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0018_merge_wave3"),
        ("routing", "0006_i19_lapor_referral_sealed"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
