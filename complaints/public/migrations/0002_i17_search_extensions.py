"""The PostgreSQL extensions the register's search uses, once, in the public schema (every
tenant schema's search_path ends in public): unaccent (Indonesian text typed with or without
accents) and pg_trgm (trigram similarity for typos)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("complaints_public", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;"
            "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;",
            migrations.RunSQL.noop,
        )
    ]
