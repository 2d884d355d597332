# Merges two branches of migrations made in parallel (issues 16, 17, 20); nothing to do.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('complaints_public', '0002_i20_monthly_statistic'),
        ('complaints_public', '0004_i17_similarity_keys'),
    ]

    operations = [
    ]
