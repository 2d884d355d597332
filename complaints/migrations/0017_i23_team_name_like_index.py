"""The team's name unique by a constraint (`team_name`) instead of unique=True, which drops the
LIKE (varchar_pattern_ops) index no query uses: one tenant-schema relation fewer (issue 23).
The complaint's number and tracking code went the same way in 0016."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("complaints", "0016_i17_search_vector_vocabulary")]

    operations = [
        migrations.AlterField(
            model_name="team",
            name="name",
            field=models.CharField(max_length=100),
        ),
        migrations.AddConstraint(
            model_name="team",
            constraint=models.UniqueConstraint(fields=("name",), name="team_name"),
        ),
    ]
