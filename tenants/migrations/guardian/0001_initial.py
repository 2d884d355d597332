# ruff: noqa: N999 (a migration module name starts with its number)
"""django-guardian's schema for Aduan (settings.MIGRATION_MODULES): guardian's own models, but
GroupObjectPermission exists in Django's state only. Aduan grants object permissions to users,
never to groups, so each tenant schema is spared its table and its eight indexes; code must
not query group object permissions (tenants.permissions never does)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="GroupObjectPermission",
                    fields=[
                        (
                            "id",
                            models.AutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("object_pk", models.CharField(max_length=255, verbose_name="object ID")),
                        (
                            "content_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="contenttypes.contenttype",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="auth.group"
                            ),
                        ),
                        (
                            "permission",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="auth.permission"
                            ),
                        ),
                    ],
                    options={
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
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name="UserObjectPermission",
            fields=[
                (
                    "id",
                    models.AutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("object_pk", models.CharField(max_length=255, verbose_name="object ID")),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="contenttypes.contenttype"
                    ),
                ),
                (
                    "permission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="auth.permission"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                    ),
                ),
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
        ),
    ]
