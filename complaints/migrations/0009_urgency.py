from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("complaints", "0008_teams")]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="urgency",
            field=models.CharField(
                blank=True,
                choices=[("high", "Tinggi"), ("medium", "Sedang"), ("low", "Rendah")],
                default="",
                max_length=10,
            ),
        ),
    ]
