# ruff: noqa: N999 (a migration module name starts with its number)
"""django-guardian's schema for Aduan (settings.MIGRATION_MODULES), guardian's models as they are
in Django's state, with two differences in the database:

- GroupObjectPermission gets a bare table (no indexes, no constraints): Aduan grants object
  permissions to users, never to groups, so each tenant schema is spared six indexes. The
  table exists so that code walking every model (exports, guardian's checker) still works.
- UserObjectPermission lives in every tenant schema and points at public users, permissions and
  content types: no foreign key constraints across schemas (they would block truncating or
  deleting those public rows); the columns and indexes are guardian's.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _group_object_permission(*, bare: bool = False) -> migrations.CreateModel:
    def fk(to: str) -> models.ForeignKey:  # type: ignore[type-arg]
        if bare:
            return models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                to=to,
                db_constraint=False,
                db_index=False,
            )
        return models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=to)

    if bare:
        options: dict[str, object] = {"abstract": False}
    else:
        options = {
            "abstract": False,
            "indexes": [
                models.Index(
                    fields=["permission", "group", "content_type", "object_pk"],
                    name="guardian_gr_permiss_83545c_idx",
                ),
                models.Index(
                    fields=["group", "content_type", "object_pk"],
                    name="guardian_gr_group_i_9e7d12_idx",
                ),
            ],
            "unique_together": {("group", "permission", "object_pk")},
        }
    return migrations.CreateModel(
        name="GroupObjectPermission",
        fields=[
            (
                "id",
                models.AutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            ("object_pk", models.CharField(max_length=255, verbose_name="object ID")),
            ("content_type", fk("contenttypes.contenttype")),
            ("group", fk("auth.group")),
            ("permission", fk("auth.permission")),
        ],
        options=options,
    )


def _user_object_permission(*, db_constraint: bool) -> migrations.CreateModel:
    def fk(to: str) -> models.ForeignKey:  # type: ignore[type-arg]
        return models.ForeignKey(
            on_delete=django.db.models.deletion.CASCADE, to=to, db_constraint=db_constraint
        )

    return migrations.CreateModel(
        name="UserObjectPermission",
        fields=[
            (
                "id",
                models.AutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            ("object_pk", models.CharField(max_length=255, verbose_name="object ID")),
            ("content_type", fk("contenttypes.contenttype")),
            ("permission", fk("auth.permission")),
            ("user", fk(settings.AUTH_USER_MODEL)),
        ],
        options={
            "abstract": False,
            "indexes": [
                models.Index(
                    fields=["permission", "user", "content_type", "object_pk"],
                    name="guardian_us_permiss_e5749c_idx",
                ),
                models.Index(
                    fields=["user", "content_type", "object_pk"],
                    name="guardian_us_user_id_8eae14_idx",
                ),
            ],
            "unique_together": {("user", "permission", "object_pk")},
        },
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[_group_object_permission()],
            database_operations=[_group_object_permission(bare=True)],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[_user_object_permission(db_constraint=True)],
            database_operations=[_user_object_permission(db_constraint=False)],
        ),
    ]
