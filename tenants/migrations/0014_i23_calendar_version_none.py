"""Issue 23: a tenant without local holidays has no calendar version, so a process that has
not seen it yet reads no holidays for its calendar (complaints.calendar.calendar_for)."""

from typing import Any

from django.db import migrations, models


def none_without_holidays(apps: Any, schema_editor: Any) -> None:
    tenant = apps.get_model("tenants", "Tenant")
    holiday = apps.get_model("complaints_public", "LocalHoliday")
    tenant.objects.exclude(pk__in=holiday.objects.values("tenant_id")).update(
        calendar_version=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0013_tenant_calendar_version"),
        ("complaints_public", "0009_merge_i20"),
    ]

    operations = [
        migrations.AlterField(
            model_name="tenant",
            name="calendar_version",
            field=models.UUIDField(default=None, editable=False, null=True),
        ),
        migrations.RunPython(none_without_holidays, migrations.RunPython.noop),
    ]
