"""The register's full-text search: one search vector per complaint behind one GIN index, and
the tenant's vocabulary for typos.

The document (`Complaint.search_text`) holds the number, subject, description, place and
address text, and every timeline note, response, reply, correction and value entered at a
step, lower-cased and without accents (PostgreSQL's `unaccent`), so "Jalan rusak" finds "jalan
rusâk". It is rebuilt (read, then written by one UPDATE) whenever the timeline writer
(`complaints.audit.record_event`) appends an entry that carries text (`TEXT_KINDS`), so it
is never out of step with what officers see.

`Complaint.search_vector` is a stored generated column: the document's words (`simple`
dictionary: no stemmer fits Indonesian affixes well; exact words after unaccent are what
officers type) plus the complainant's blind indexes (`identity_index`), so words, names,
phones and e-mails are matched by one `@@` on one GIN index (`complaint_search`), never by
decrypting. An anonymous complainant's name is matched only for roles that may know it (a
filter on the rows the index found). Stored, so a lossy bitmap
recheck and a walk down the register's order (`ORDER BY number DESC LIMIT 25`, the plan for a
common word) read a column instead of parsing documents again.

Typos: the tenant's vocabulary (`complaints_searchword`: the distinct words of its documents,
no digits; its primary key and one trigram GIN index) is where a query word that no document
holds is looked up by trigram similarity (`pg_trgm`), like the PostgreSQL docs' "words table"
for spelling suggestions: "jembtan" becomes "jembtan | jembatan" before the one `@@`. A
trigram scan over 100,000 documents cost seconds; a lookup in a vocabulary costs milliseconds.
Numbers are typed exactly: a word with a digit matches as a prefix ("0028" finds
"0028/adu/desa/2026"), never by similarity (a "typo" of 0028 is 0023, another complaint).

Identity (name, phone, e-mail, the complainant's own address) is left OUT of the document on
purpose: once encrypted it is found by exact token through blind indexes only.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Func, Q, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from complaints.models import Complaint, ComplaintEvent, EventKind

# Timeline entries whose text (message, step inputs) joins the document; a correction changes
# the subject or the place, so it rebuilds the document too.
TEXT_KINDS = (
    EventKind.FILED,
    EventKind.UPDATED,
    EventKind.COMPLETED,
    EventKind.NOTE,
    EventKind.RESPONSE,
    EventKind.TRANSITION,
    EventKind.REPLY,
    EventKind.CORRECTED,
)
# Words shorter than this are never corrected: trigrams of a short word match too much.
TYPO_MIN_LENGTH = 4
# A vocabulary word stands in for a misspelt one from this trigram similarity on (the test's
# "jembtan"/"jembatan" is 0.55; "jalan"/"jalur" 0.25), at most this many of them.
TYPO_SIMILARITY = 0.45
TYPO_ALTERNATIVES = 5
WORDS_TABLE = "complaints_searchword"


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


def _vocabulary_sql(where: str) -> str:
    """Add the documents' new words (no digits: numbers are never corrected; none of a WBS
    report) to the vocabulary: a probe of its primary key per word, in the words' order (two
    intakes adding the same new words wait on each other in one order, never in a cycle)."""
    complaints = connection.ops.quote_name(Complaint._meta.db_table)
    return (
        f"INSERT INTO {WORDS_TABLE} (word) SELECT DISTINCT w.word FROM {complaints} AS c, "  # noqa: S608 (our names)
        "unnest(tsvector_to_array(to_tsvector('simple'::regconfig, c.search_text))) AS w(word) "
        f"WHERE ({where}) AND NOT c.is_wbs AND w.word !~ '[0-9]' AND length(w.word) <= 60 "
        f"AND NOT EXISTS (SELECT 1 FROM {WORDS_TABLE} AS s WHERE s.word = w.word) "
        "ORDER BY w.word ON CONFLICT DO NOTHING"
    )


def filed_document(*texts: str) -> Lower:
    """A new complaint's document, written with its row instead of an UPDATE after it: what
    `refresh_document` computes when the only text entry is the filing, which carries no
    message (hence the empty last part). Its texts: number, subject, description, place,
    address, as stored (not for a WBS report, whose description is stored sealed)."""
    return Lower(
        Func(Value(" ".join([*texts, ""])), function="public.unaccent", output_field=TextField())
    )


def refresh_document(complaint_id: int) -> None:
    """Rebuild one complaint's search document (read, then write it) and add its new words to
    the vocabulary. Read then written, not one UPDATE computing it: Citus refuses STABLE
    functions (unaccent, concat_ws) over column references in an UPDATE of a distributed
    table, and one code path serves both engines."""
    complaints = connection.ops.quote_name(Complaint._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_document_sql("c.id = %s"), [complaint_id])
        row = cursor.fetchone()
        if row is not None:
            cursor.execute(
                f"UPDATE {complaints} SET search_text = %s WHERE id = %s",  # noqa: S608 (our names)
                [row[1], complaint_id],
            )
        cursor.execute(_vocabulary_sql("c.id = %s"), [complaint_id])


def learn_words(complaint_id: int) -> None:
    """Add a new complaint's words to the vocabulary. Intake writes the document with the row
    (`filed_document`) and sends this as a job after commit, keeping the request's statement
    budget; until it runs, a typo of a word only this complaint holds is not corrected."""
    with connection.cursor() as cursor:
        cursor.execute(_vocabulary_sql("c.id = %s"), [complaint_id])


def refresh_all_sql() -> list[str]:
    """The statements that rebuild every document of the current schema and the vocabulary
    (migration, loader)."""
    return [_refresh_sql("TRUE"), _vocabulary_sql("TRUE")]


def normalized(query: str) -> str:
    """The query as the document stores text: lower case; accents go in SQL (unaccent)."""
    return " ".join(query.lower().split())


def _lexeme(word: str, suffix: str = "") -> str:
    """A quoted tsquery lexeme (the words come from PostgreSQL's parser; quoted anyway)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'" + suffix


def words_tsquery(query: str) -> str:
    """The tsquery of a register search's words: every word of `query` (a misspelt one OR-ed
    with the vocabulary's words like it; one with a digit as a prefix). Two short queries: the
    parser's words, and the vocabulary for those no document holds. Empty without words."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(array_agg(lexeme ORDER BY lexeme), '{}') FROM"
            " unnest(to_tsvector('simple'::regconfig, public.unaccent(%s)))",
            [normalized(query)],
        )
        row = cursor.fetchone()
        words: list[str] = list(row[0]) if row else []
        plain = [w for w in words if not any(ch.isdigit() for ch in w)]
        spelled: dict[str, list[str]] = {w: [] for w in plain}
        if plain:
            # The vocabulary's words within trigram reach of each query word, best first (the
            # word itself when some document holds it): `%` runs on the trigram index.
            cursor.execute(
                "SELECT q, array_agg(s.word ORDER BY s.score DESC, s.word)"
                " FROM unnest(%s::text[]) AS q CROSS JOIN LATERAL ("
                " SELECT word, similarity(word, q) AS score"
                " FROM complaints_searchword WHERE word OPERATOR(public.%%) q"
                " AND similarity(word, q) >= %s ORDER BY score DESC, word LIMIT %s) AS s"
                " GROUP BY q",
                [plain, TYPO_SIMILARITY, TYPO_ALTERNATIVES],
            )
            spelled.update({q: list(found) for q, found in cursor.fetchall()})
    parts = []
    for word in words:
        if word not in spelled:
            parts.append(_lexeme(word, ":*"))  # a number, typed from its start
        elif word in spelled[word] or len(word) < TYPO_MIN_LENGTH or not spelled[word]:
            parts.append(_lexeme(word))
        else:
            parts.append("(" + " | ".join(_lexeme(w) for w in [word, *spelled[word]]) + ")")
    return " & ".join(parts)


def matches(query: str, identity: list[str], *, anonymous_too: bool) -> Q | None:
    """Complaints holding every word of `query` (`words_tsquery`) or any of the `identity`
    blind indexes, in one `@@` on the GIN index; an anonymous complainant's blind index
    counts only when `anonymous_too`. None when nothing can match."""
    words = words_tsquery(query)
    either = " | ".join([f"({words})"] * bool(words) + [_lexeme(token) for token in identity])
    if not either:
        return None
    found = Q(_vector_matches(either))
    if anonymous_too or not identity:
        return found
    # Found by a blind index alone: only a named complainant.
    named = Q(is_anonymous=False)
    return found & (named | Q(_vector_matches(words)) if words else named)


def _vector_matches(tsquery_text: str) -> RawSQL:
    return RawSQL("search_vector @@ %s::tsquery", [tsquery_text], output_field=BooleanField())
