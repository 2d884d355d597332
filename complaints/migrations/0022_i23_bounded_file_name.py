# ruff: noqa: N999 (a migration module name starts with its number)
"""An attachment's original name is kept to its last 150 characters (its extension with it):
the row is then bounded and needs no TOAST table, a table and its index less in every tenant
schema (issue 23: ≤ 0.5 MB per empty tenant). Longer names already stored are cut the same
way first. Tenant schemas only (a tenant app). Each statement is its own (Citus)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("complaints", "0021_i23_lighter_empty_schema")]

    operations = [
        migrations.RunSQL(
            "UPDATE complaints_attachment SET original_name = right(original_name, 150)"
            " WHERE length(original_name) > 150",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="attachment",
            name="original_name",
            field=models.CharField(blank=True, max_length=150),
        ),
    ]
