"""The register's search document and its two indexes (complaints.search): a GIN over the
`simple` full-text vector and a GIN trigram index. Existing complaints get their document
built here; afterwards the timeline writer keeps it current."""

from django.db import migrations, models

# A snapshot of complaints.search's statement, so this migration never changes with the code.
BUILD = """
UPDATE complaints_complaint AS c SET search_text = lower(public.unaccent(concat_ws(' ',
  c.number, c.subject, c.description, c.incident_place, c.address_text,
  (SELECT string_agg(concat_ws(' ', e.message, (SELECT string_agg(v.value, ' ')
     FROM jsonb_each_text(CASE WHEN jsonb_typeof(e.after -> 'inputs') = 'object'
       THEN e.after -> 'inputs' ELSE '{}'::jsonb END) AS v)), ' ' ORDER BY e.id)
   FROM complaints_complaintevent AS e WHERE e.complaint_id = c.id
   AND e.kind IN ('filed', 'updated', 'completed', 'note', 'response', 'transition', 'reply')))))
"""


class Migration(migrations.Migration):
    # The extensions come from complaints_public 0002 (shared apps migrate first).
    dependencies = [("complaints", "0009_urgency")]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunSQL(BUILD, migrations.RunSQL.noop),
        migrations.RunSQL(
            "CREATE INDEX complaint_search_words ON complaints_complaint"
            " USING gin (to_tsvector('simple'::regconfig, search_text));"
            "CREATE INDEX complaint_search_trigrams ON complaints_complaint"
            " USING gin (search_text public.gin_trgm_ops);",
            "DROP INDEX complaint_search_words; DROP INDEX complaint_search_trigrams;",
        ),
    ]
