"""Deadline, LocalHoliday and Notification now belong to complaints.public (its 0001 took
them over, same tables): the platform package forgets them, in its state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("aduan", "0003_case_limit"),
        ("complaints_public", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Deadline"),
                migrations.DeleteModel(name="LocalHoliday"),
                migrations.DeleteModel(name="Notification"),
            ],
        ),
    ]
