"""The routing tables were created by tenants (0005, 0006) and are routing's from here on,
with their names unchanged (each model's `db_table`): this migration changes Django's state
only. No table is rebuilt and no row moves; tenants' 0007 removes them from its own state."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("tenants", "0006_lapor"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Category",
                    fields=[
                        ("key", models.SlugField(max_length=40, primary_key=True, serialize=False)),
                        ("topic", models.CharField(max_length=60)),
                        ("name", models.CharField(max_length=100)),
                        (
                            "level",
                            models.CharField(
                                choices=[
                                    ("village", "Desa"),
                                    ("regency", "Kabupaten/Kota"),
                                    ("province", "Provinsi"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("agency", models.CharField(max_length=30)),
                        ("agency_hints", models.JSONField(default=list)),
                        ("keywords", models.JSONField(default=list)),
                    ],
                    options={
                        "db_table": "tenants_category",
                    },
                ),
                migrations.CreateModel(
                    name="Authority",
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
                            "coverage_code",
                            models.CharField(blank=True, db_index=True, max_length=13),
                        ),
                        ("is_customized", models.BooleanField(default=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "higher",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="tenants.tenant",
                            ),
                        ),
                        (
                            "tenant",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="authority",
                                to="tenants.tenant",
                            ),
                        ),
                        (
                            "categories",
                            models.ManyToManyField(
                                blank=True, related_name="authorities", to="routing.category"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "tenants_authority",
                    },
                ),
                migrations.CreateModel(
                    name="Hop",
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
                        ("tracking_code", models.CharField(db_index=True, max_length=10)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("route", "Dirutekan otomatis"),
                                    ("forward", "Diteruskan"),
                                    ("return", "Dikembalikan"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("from_number", models.CharField(max_length=60)),
                        ("to_number", models.CharField(max_length=60)),
                        ("reason", models.TextField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Menunggu diterima"),
                                    ("accepted", "Diterima"),
                                    ("returned", "Dikembalikan"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("decision_reason", models.TextField(blank=True)),
                        ("actor_id", models.BigIntegerField(blank=True, null=True)),
                        ("at", models.DateTimeField()),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "from_tenant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tenants.tenant",
                            ),
                        ),
                        (
                            "to_tenant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tenants.tenant",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "tenants_hop",
                        "ordering": ["at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="TrackingCode",
                    fields=[
                        (
                            "code",
                            models.CharField(max_length=10, primary_key=True, serialize=False),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "tenant",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tenants.tenant",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "tenants_trackingcode",
                    },
                ),
                migrations.CreateModel(
                    name="LaporReferral",
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
                        ("tracking_code", models.CharField(max_length=10, unique=True)),
                        ("category", models.CharField(blank=True, max_length=40)),
                        ("village_code", models.CharField(blank=True, max_length=13)),
                        ("payload", models.JSONField(blank=True, null=True)),
                        ("reason", models.TextField()),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("lapor_id", models.CharField(blank=True, max_length=100)),
                        ("lapor_tracking_id", models.CharField(blank=True, max_length=100)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "holder",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="tenants.tenant",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "tenants_laporreferral",
                        "indexes": [
                            models.Index(
                                condition=models.Q(("sent_at__isnull", True)),
                                fields=["next_attempt_at"],
                                name="lapor_referral_unsent",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TriageEntry",
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
                        ("tracking_code", models.CharField(max_length=10, unique=True)),
                        ("subject", models.CharField(blank=True, max_length=200)),
                        ("proposal", models.JSONField(default=dict)),
                        ("reason", models.TextField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("open", "Menunggu pemilahan"),
                                    ("done", "Selesai dipilah"),
                                ],
                                max_length=4,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "holder",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tenants.tenant",
                            ),
                        ),
                        (
                            "regency",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="tenants.region",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "tenants_triageentry",
                        "indexes": [
                            models.Index(fields=["regency", "status"], name="triage_queue")
                        ],
                    },
                ),
            ],
        ),
    ]
