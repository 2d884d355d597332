# Merges branches of migrations made in parallel (issues 16-21); nothing to do.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0010_i18_wbs"),
        ("complaints", "0011_merge_i16_i17"),
    ]

    operations = []
