"""The register's full-text search: one search document per complaint, behind two indexes.

The document (`Complaint.search_text`) holds the number, subject, description, place and
address text, and every timeline note, response, reply and value entered at a step, lower-cased
and without accents (PostgreSQL's `unaccent`), so "Jalan rusak" finds "jalan rusâk". It is
rebuilt (read, then written by one UPDATE) whenever the timeline writer
(`complaints.audit.record_event`) appends an entry that carries text (`TEXT_KINDS`), so it
is never out of step with what officers see.

Indonesian text is searched with the `simple` dictionary (no stemmer fits Indonesian affixes
well; exact words after unaccent are what officers type), and trigram word similarity
(`pg_trgm`) catches typos ("jembtan" finds "jembatan"). Two indexes per tenant schema: a GIN
over `to_tsvector('simple', search_text)` and a GIN trigram index over `search_text`.

Identity (name, phone, e-mail, the complainant's own address) is left OUT of the document on
purpose: once encrypted it is found by exact token through blind indexes, never here.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from complaints.models import Complaint, ComplaintEvent, EventKind

# Timeline entries whose text (message, step inputs) joins the document.
TEXT_KINDS = (
    EventKind.FILED,
    EventKind.UPDATED,
    EventKind.COMPLETED,
    EventKind.NOTE,
    EventKind.RESPONSE,
    EventKind.TRANSITION,
    EventKind.REPLY,
)
# Queries shorter than this match by words only: trigrams of a short word match too much.
TYPO_MIN_LENGTH = 4


def _document_sql(where: str) -> str:
    """The search document of each complaint matching `where`: (id, document)."""
    complaints = connection.ops.quote_name(Complaint._meta.db_table)
    events = connection.ops.quote_name(ComplaintEvent._meta.db_table)
    kinds = ", ".join(f"'{kind.value}'" for kind in TEXT_KINDS)
    return (
        "SELECT c.id, lower(public.unaccent(concat_ws(' ', "  # noqa: S608 (our names)
        "c.number, c.subject, c.description, c.incident_place, c.address_text, "
        "(SELECT string_agg(concat_ws(' ', e.message, (SELECT string_agg(v.value, ' ') "
        "FROM jsonb_each_text(CASE WHEN jsonb_typeof(e.after -> 'inputs') = 'object' "
        "THEN e.after -> 'inputs' ELSE '{}'::jsonb END) AS v)), ' ' ORDER BY e.id) "
        f"FROM {events} AS e WHERE e.complaint_id = c.id AND e.kind IN ({kinds}))))) "
        f"FROM {complaints} AS c WHERE {where}"
    )


def _refresh_sql(where: str) -> str:
    complaints = connection.ops.quote_name(Complaint._meta.db_table)
    return (
        f"UPDATE {complaints} AS c SET search_text = d.document FROM ("  # noqa: S608 (our names)
        f"{_document_sql(where).replace('SELECT c.id,', 'SELECT c.id AS id,', 1)}"
        ") AS d (id, document) WHERE c.id = d.id"
    )


def refresh_document(complaint_id: int) -> None:
    """Rebuild one complaint's search document: read, then write it. Two statements, not one
    UPDATE computing it: Citus refuses STABLE functions (unaccent, concat_ws) over column
    references in an UPDATE of a distributed table, and one code path serves both engines."""
    complaints = connection.ops.quote_name(Complaint._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_document_sql("c.id = %s"), [complaint_id])
        row = cursor.fetchone()
        if row is not None:
            cursor.execute(
                f"UPDATE {complaints} SET search_text = %s WHERE id = %s",  # noqa: S608 (our names)
                [row[1], complaint_id],
            )


def refresh_all_sql() -> str:
    """The statement that rebuilds every document of the current schema (migration, loader)."""
    return _refresh_sql("TRUE")


def normalized(query: str) -> str:
    """The query as the document stores text: lower case; accents go in SQL (unaccent)."""
    return " ".join(query.lower().split())


def matches(query: str) -> Q:
    """Complaints whose document holds every word of `query` (full text, `simple`); or, for a
    query with digits (a register number, an RT, a date), that text anywhere in the document;
    or, when the words as typed find nothing and the query is long enough, words within
    trigram distance of them (a typo: "jembtan" finds "jembatan"). Typos are the fallback, not
    a second clause every time: a trigram match rechecks every candidate document, which costs
    far more than the word index. Each part runs on its GIN index. A Q, so other clauses
    (identity by blind index) can be OR-ed in."""
    text = normalized(query)
    words = Q(_boolean(
        "to_tsvector('simple'::regconfig, search_text) @@ "
        "plainto_tsquery('simple'::regconfig, public.unaccent(%s))",
        text,
    ))  # fmt: skip
    if any(ch.isdigit() for ch in text):
        # Numbers are typed exactly: a "typo" of 0028 is 0023, another complaint. The parser
        # keeps "0028/ADU/DESA/2026" as one token, so a part of it is matched as a substring.
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return words | Q(_boolean("search_text LIKE '%%' || public.unaccent(%s) || '%%'", escaped))
    if len(text) >= TYPO_MIN_LENGTH and not Complaint.objects.filter(words).exists():
        # strict_word_similarity >= 0.5 (pg_trgm's default).
        return Q(_boolean("public.unaccent(%s) <<%% search_text", text))
    return words


def _boolean(sql: str, param: str) -> RawSQL:
    return RawSQL(sql, [param], output_field=BooleanField())  # noqa: S611 (a bound parameter)
