# ruff: noqa: N999 (a migration module name starts with its number)
"""One key for a user's grants instead of three indexes (issue 23: disk and catalog rows per
empty tenant, two relations less in every schema).

guardian keeps a user's grant unique by (user, permission, object) and adds two indexes of
its own, (permission, user, content type, object) and (user, content type, object). Every
lookup guardian and Aduan make names the user (`get_user_perms`, `get_objects_for_user`,
`assign_perm`, `remove_perm`; a complaint's move finds every user's grants on it by
`guardian_user_grants_by_object`), so one unique key on (user, content type, object,
permission) serves them all. It is as strict as the one it replaces: a permission belongs
to one content type, so two grants alike in user, permission and object are alike in all four.

Database only: guardian's model state is not ours to change. Each DDL is its own statement
(Citus)."""

from django.db import migrations

TABLE = "guardian_userobjectpermission"
OLD_KEY = "guardian_userobjectpermi_user_id_permission_id_ob_b0b3d2fc_uniq"
NEW_KEY = "guardian_user_grant_once"
GUARDIAN_INDEXES = (
    ("guardian_us_permiss_e5749c_idx", "permission_id, user_id, content_type_id, object_pk"),
    ("guardian_us_user_id_8eae14_idx", "user_id, content_type_id, object_pk"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("guardian", "0003_i23_fewer_relations"),
    ]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT {NEW_KEY}"
            " UNIQUE (user_id, content_type_id, object_pk, permission_id)",
            reverse_sql=f"ALTER TABLE {TABLE} DROP CONSTRAINT {NEW_KEY}",
        ),
        migrations.RunSQL(
            f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS {OLD_KEY}",
            reverse_sql=f"ALTER TABLE {TABLE} ADD CONSTRAINT {OLD_KEY}"
            " UNIQUE (user_id, permission_id, object_pk)",
        ),
        *(
            migrations.RunSQL(
                f"DROP INDEX IF EXISTS {name}",
                reverse_sql=f"CREATE INDEX {name} ON {TABLE} ({columns})",
            )
            for name, columns in GUARDIAN_INDEXES
        ),
    ]
