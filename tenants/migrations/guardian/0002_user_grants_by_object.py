# ruff: noqa: N999 (a migration module name starts with its number)
"""An index to find every user's grant on one object: a complaint that moves to another
tenant (complaints.forwarding) drops all the origin's grants on it, whoever holds them
(assignee, team members), and guardian's own indexes all lead with the user or the
permission. Database only: guardian's model state is not ours to change."""

from django.db import migrations


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
    ]
