# Issue 18: the head's dismissal of a WBS officer is recorded like an appointment.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("complaints_public", "0006_merge_i18"),
    ]

    operations = [
        migrations.AlterField(
            model_name="wbsrecord",
            name="kind",
            field=models.CharField(
                choices=[
                    ("policy", "policy"),
                    ("appointment", "appointment"),
                    ("dismissal", "dismissal"),
                ],
                max_length=20,
            ),
        ),
    ]
