# Issue 19: rows written before sealing existed are sealed in place (identities, raw payloads,
# WBS descriptions, messages and files, corrections' identity values). Plain SQL over the
# columns of this migration state (complaints.sealing.seal_plaintext_rows), idempotent.
# Its RunPython makes this step a real migration run per tenant (tenants.provisioning), once.

from typing import Any

from django.db import migrations
from django_tenants.utils import get_public_schema_name

from complaints.sealing import seal_plaintext_rows


def seal_existing_rows(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    schema_name = getattr(connection, "schema_name", "")
    if not schema_name or schema_name == get_public_schema_name():
        return
    seal_plaintext_rows(connection, schema_name)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0015_merge_i19_main"),
        ("aduan", "0006_i19_tenant_keys"),
    ]

    operations = [migrations.RunPython(seal_existing_rows, migrations.RunPython.noop)]
