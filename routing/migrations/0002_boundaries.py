"""Region boundaries, loaded by `aduan regions boundaries FILE.geojson` (routing.boundaries)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0001_initial"),
        ("tenants", "0007_routing_moved_out"),
    ]

    operations = [
        migrations.CreateModel(
            name="Boundary",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("level", models.CharField(max_length=8)),
                ("min_lon", models.FloatField()),
                ("min_lat", models.FloatField()),
                ("max_lon", models.FloatField()),
                ("max_lat", models.FloatField()),
                ("geometry", models.JSONField()),
                ("loaded_at", models.DateTimeField(auto_now=True)),
                (
                    "region",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tenants.region",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["min_lat", "max_lat", "min_lon", "max_lon"], name="boundary_box"
                    )
                ],
            },
        ),
    ]
