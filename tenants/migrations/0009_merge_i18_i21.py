# Merges branches of migrations made in parallel (issues 16-21); nothing to do.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0008_i18_inspektorat"),
        ("tenants", "0008_i21_entitlements"),
    ]

    operations = []
