"""The register's search under 100 ms at 100,000 complaints (complaints.search).

- `search_vector`: a stored generated tsvector (the document's words and the complainant's
  blind indexes), behind one GIN index `complaint_search`; it replaces the expression index
  `complaint_search_words` (recomputed on every lossy recheck) and the trigram index over
  whole documents `complaint_search_trigrams` (a typo rechecked every candidate document).
- `complaints_searchword`: the tenant's vocabulary (distinct words without digits): its
  primary key (a new word is added by an index probe, not a trigram scan) and one trigram GIN
  index, where a misspelt word is looked up; filled here from the documents.
- The complaint's number and tracking code are unique by constraints (`complaint_number`,
  `complaint_tracking_code`), which drops the two LIKE indexes (`varchar_pattern_ops`) that
  unique=True made and no query uses (both are looked up whole; search reads the number
  through the search vector).

Tenant relations: -2 search indexes, +1 search index, +1 table, +2 vocabulary indexes, -2 LIKE
indexes: 59 -> 59.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import migrations, models
from django.db.models.expressions import RawSQL

# Snapshots of the code's SQL, so this migration never changes with it.
VECTOR = (
    "to_tsvector('simple'::regconfig, search_text) || array_to_tsvector(identity_index::text[])"
)
VOCABULARY = """
CREATE TABLE complaints_searchword (word text PRIMARY KEY);
CREATE INDEX complaint_search_vocabulary ON complaints_searchword
  USING gin (word public.gin_trgm_ops);
INSERT INTO complaints_searchword (word) SELECT DISTINCT w.word FROM complaints_complaint AS c,
  unnest(tsvector_to_array(to_tsvector('simple'::regconfig, c.search_text))) AS w(word)
  WHERE NOT c.is_wbs AND w.word !~ '[0-9]' AND length(w.word) <= 60;
"""


class Migration(migrations.Migration):
    dependencies = [("complaints", "0015_merge_i19_main")]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=RawSQL(VECTOR, []),  # noqa: S611 (a constant)
                output_field=SearchVectorField(),
            ),
        ),
        migrations.RunSQL(
            "DROP INDEX complaint_search_words; DROP INDEX complaint_search_trigrams;"
            " CREATE INDEX complaint_search ON complaints_complaint USING gin (search_vector);",
            "DROP INDEX complaint_search;"
            " CREATE INDEX complaint_search_words ON complaints_complaint"
            " USING gin (to_tsvector('simple'::regconfig, search_text));"
            " CREATE INDEX complaint_search_trigrams ON complaints_complaint"
            " USING gin (search_text public.gin_trgm_ops);",
        ),
        migrations.RunSQL(VOCABULARY, "DROP TABLE complaints_searchword;"),
        migrations.AlterField(
            model_name="complaint",
            name="number",
            field=models.CharField(max_length=60),
        ),
        migrations.AddConstraint(
            model_name="complaint",
            constraint=models.UniqueConstraint(fields=("number",), name="complaint_number"),
        ),
        migrations.AlterField(
            model_name="complaint",
            name="tracking_code",
            field=models.CharField(max_length=10),
        ),
        migrations.AddConstraint(
            model_name="complaint",
            constraint=models.UniqueConstraint(
                fields=("tracking_code",), name="complaint_tracking_code"
            ),
        ),
    ]
