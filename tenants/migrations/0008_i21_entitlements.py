"""Billing writes what a tenant may use onto the tenant row (issue 21); None = everything."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tenants", "0007_routing_moved_out")]

    operations = [
        migrations.AddField(
            model_name="tenant",
            name="entitlements",
            field=models.JSONField(blank=True, default=None, null=True),
        ),
    ]
