"""The routing models moved to the routing app (routing 0001) with their tables: tenants only
forgets them. State only: the tables stay as they are, now routing's."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0006_lapor"),
        ("routing", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="authority",
                    name="categories",
                ),
                migrations.RemoveField(
                    model_name="authority",
                    name="higher",
                ),
                migrations.RemoveField(
                    model_name="authority",
                    name="tenant",
                ),
                migrations.RemoveField(
                    model_name="hop",
                    name="from_tenant",
                ),
                migrations.RemoveField(
                    model_name="hop",
                    name="to_tenant",
                ),
                migrations.RemoveField(
                    model_name="laporreferral",
                    name="holder",
                ),
                migrations.RemoveField(
                    model_name="trackingcode",
                    name="tenant",
                ),
                migrations.RemoveField(
                    model_name="triageentry",
                    name="holder",
                ),
                migrations.RemoveField(
                    model_name="triageentry",
                    name="regency",
                ),
                migrations.DeleteModel(
                    name="Category",
                ),
                migrations.DeleteModel(
                    name="Authority",
                ),
                migrations.DeleteModel(
                    name="Hop",
                ),
                migrations.DeleteModel(
                    name="LaporReferral",
                ),
                migrations.DeleteModel(
                    name="TrackingCode",
                ),
                migrations.DeleteModel(
                    name="TriageEntry",
                ),
            ],
        ),
    ]
