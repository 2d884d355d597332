# Merges branches of migrations made in parallel (issue 22); nothing to do.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0010_i22_answers'),
        ('complaints', '0012_merge_i18'),
    ]

    operations = [
    ]
