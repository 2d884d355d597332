"""The three tables created by the platform package ("aduan" 0002, 0003) change owner.

State only (SeparateDatabaseAndState): the tables, their rows, indexes and constraints stay
as they are, under the same names; aduan 0004 then drops the models from its own state. The
content types are renamed too, so the permissions that point at them follow the models.
"""

import django.db.models.deletion
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

MODELS = ("deadline", "localholiday", "notification")


def _relabel(apps: Apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label=old, model__in=MODELS).update(app_label=new)


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _relabel(apps, "aduan", "complaints_public")


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _relabel(apps, "complaints_public", "aduan")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("aduan", "0003_case_limit"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("tenants", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Deadline",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("complaint_id", models.BigIntegerField()),
                        ("kind", models.CharField(default="step", max_length=10)),
                        ("state", models.CharField(max_length=100)),
                        ("due_at", models.DateTimeField()),
                        ("remind_at", models.DateTimeField()),
                        ("reminded_at", models.DateTimeField(blank=True, null=True)),
                        ("escalated_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "tenant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tenants.tenant",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "aduan_deadline",
                        "indexes": [
                            models.Index(
                                condition=models.Q(("reminded_at__isnull", True)),
                                fields=["remind_at"],
                                name="deadline_remind_pending",
                            ),
                            models.Index(
                                condition=models.Q(("escalated_at__isnull", True)),
                                fields=["due_at"],
                                name="deadline_escalate_pending",
                            ),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("tenant", "complaint_id", "kind"),
                                name="unique_deadline_kind",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="LocalHoliday",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField()),
                        ("name", models.CharField(max_length=100)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "tenant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="local_holidays",
                                to="tenants.tenant",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "aduan_localholiday",
                        "ordering": ["date"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("tenant", "date"), name="unique_local_holiday"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("sla_reminder", "sla_reminder"),
                                    ("sla_escalation", "sla_escalation"),
                                ],
                                max_length=32,
                            ),
                        ),
                        ("complaint_id", models.BigIntegerField(blank=True, null=True)),
                        ("title", models.CharField(max_length=200)),
                        ("body", models.TextField()),
                        ("url", models.CharField(blank=True, default="", max_length=300)),
                        ("created_at", models.DateTimeField()),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("delivered_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "tenant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tenants.tenant",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "aduan_notification",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                condition=models.Q(("delivered_at__isnull", True)),
                                fields=["created_at"],
                                name="notification_outbox",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
