# ruff: noqa: N999 (a migration module name starts with its number)
"""A lighter empty tenant schema (issue 23: ≤ 0.5 MB of disk and catalog rows per tenant).

- The vocabulary's words are at most 60 characters (`complaints.search` adds no longer one):
  a bounded column needs no TOAST table (a table and its index less in every schema).
- A forward stub's number is not a key of its own: the register hands a number out once
  (`complaint_register_entry` holds it while the complaint is here), the stub is found by its
  tracking code, which stays unique, and no query looks a stub up by number.
- `django_migrations` in a tenant schema keeps no primary key index: Django's recorder reads
  the whole table and deletes by app and name, never by id, so the index earned nothing (and
  was 16 KB, the table's ~120 rows). The public schema keeps its own.

Tenant schemas only (a tenant app). Each DDL is its own statement (Citus)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("complaints", "0020_i23_one_id_sequence")]

    operations = [
        migrations.RunSQL(
            "DELETE FROM complaints_searchword WHERE length(word) > 60",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "ALTER TABLE complaints_searchword ALTER COLUMN word TYPE varchar(60)",
            reverse_sql="ALTER TABLE complaints_searchword ALTER COLUMN word TYPE text",
        ),
        migrations.RemoveConstraint(model_name="forwardstub", name="forward_stub_number"),
        migrations.RunSQL(
            "ALTER TABLE django_migrations DROP CONSTRAINT IF EXISTS django_migrations_pkey",
            reverse_sql="ALTER TABLE django_migrations ADD CONSTRAINT django_migrations_pkey"
            " PRIMARY KEY (id)",
        ),
    ]
