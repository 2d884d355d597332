# ruff: noqa: N999 (a migration module name starts with its number)
"""An index to find every user's grant on one object: a complaint that moves to another
tenant (complaints.forwarding) drops all the origin's grants on it, whoever holds them
(assignee, team members), and guardian's own indexes all lead with the user, the permission
or the content type. It replaces the content type's own index, which narrows nothing (every
grant in Aduan is on a complaint), so a tenant schema keeps its number of relations.
Database only: guardian's model state is not ours to change."""

from django.db import migrations

CONTENT_TYPE_INDEX = "guardian_userobjectpermission_content_type_id_2e892405"


class Migration(migrations.Migration):
    dependencies = [
        ("guardian", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX guardian_user_grants_by_object"
            " ON guardian_userobjectpermission (object_pk, content_type_id)",
            reverse_sql="DROP INDEX guardian_user_grants_by_object",
        ),
        migrations.RunSQL(
            f"DROP INDEX IF EXISTS {CONTENT_TYPE_INDEX}",
            reverse_sql=f"CREATE INDEX {CONTENT_TYPE_INDEX}"
            " ON guardian_userobjectpermission (content_type_id)",
        ),
    ]
