# Merges two branches of migrations made in parallel (issues 16, 17, 20); nothing to do.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0010_i16_corrections_approval_canned"),
        ("complaints", "0010_i17_search"),
    ]

    operations = []
