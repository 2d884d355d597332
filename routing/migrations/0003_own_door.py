"""The own-door setting of a tenant's declaration (routing.models.OwnDoor)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("routing", "0002_boundaries")]

    operations = [
        migrations.AddField(
            model_name="authority",
            name="own_door",
            field=models.CharField(
                blank=True,
                choices=[
                    ("forward", "Teruskan langsung ke instansi yang berwenang"),
                    ("suggest", "Usulkan saja: petugas yang meneruskan atau menangani sendiri"),
                ],
                default="",
                max_length=10,
            ),
        ),
    ]
