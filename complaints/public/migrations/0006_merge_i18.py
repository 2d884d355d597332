# Merges branches of migrations made in parallel (issues 16-21); nothing to do.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('complaints_public', '0002_i18_wbs'),
        ('complaints_public', '0005_merge_i17_i20'),
    ]

    operations = [
    ]
