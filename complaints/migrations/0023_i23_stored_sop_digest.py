# ruff: noqa: N999 (a migration module name starts with its number)
"""An SOP version's digest (PostgreSQL's md5 of its definition) stored with the row by
PostgreSQL: intake's register statement read `md5(definition::text)` on every filing, which
detoasted and printed the whole definition (issue 23: ~6% of the database's CPU a filing at
10,000 schemas). A stored generated column: the existing versions get theirs as the column is
added, new ones from PostgreSQL as they are written. Tenant schemas only (a tenant app); one
statement (Citus)."""

from django.db import migrations, models
from django.db.models.expressions import RawSQL


class Migration(migrations.Migration):
    dependencies = [("complaints", "0022_i23_bounded_file_name")]

    operations = [
        migrations.AddField(
            model_name="sopversion",
            name="digest",
            field=models.GeneratedField(
                db_persist=True,
                expression=RawSQL("md5(definition::text)", []),  # noqa: S611 (a constant)
                output_field=models.CharField(max_length=32),
            ),
        ),
    ]
