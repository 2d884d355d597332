"""The category's own questions at the doors that cannot hold a conversation (SMS, e-mail):
the citizen writes "Kategori: KTP-el" and one "Question: answer" per line (an SMS may use
";" between them); a category named this way is filed with its answers, and intake enforces
the required ones (complaints.actions.intake.check_answers). When some are missing nothing is
filed: the door replies with the questions to answer, in the same format."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from complaints.errors import ComplaintError, ComplaintErrorCode
from routing.models import Category
from routing.selectors import Question, questions_of

CATEGORY_WORDS = ("kategori", "category")
LINE = re.compile(r"^\s*([^:]{2,80}?)\s*:\s*(.+?)\s*$")


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


@dataclass(frozen=True)
class Labelled:
    category: str  # the catalogue key, "" when none is named
    questions: list[Question]
    answers: dict[str, str]


def _category(value: str) -> Category | None:
    wanted = _norm(value)
    if not wanted:
        return None
    for category in Category.objects.all().only("key", "name", "questions"):
        short = _norm(re.sub(r"\(.*?\)", "", category.name))
        if wanted in (_norm(category.key), _norm(category.name), short):
            return category
    return None


def _matches(label: str, question: Question) -> bool:
    given = _norm(label)
    if given == _norm(question.key):
        return True
    full = _norm(re.sub(r"\(.*?\)", "", question.label))
    return len(given) >= 3 and full.startswith(given)


def read_labelled(text: str) -> Labelled:
    """The category and answers a message names in "Label: value" lines."""
    pairs = []
    for line in re.split(r"[\n;]", text):
        found = LINE.match(line)
        if found:
            pairs.append((found.group(1), found.group(2)))
    category = next(
        (_category(value) for label, value in pairs if _norm(label) in CATEGORY_WORDS), None
    )
    if category is None:
        return Labelled("", [], {})
    questions = questions_of(category.questions)
    answers: dict[str, str] = {}
    for label, value in pairs:
        for question in questions:
            if question.key not in answers and _matches(label, question):
                answers[question.key] = value
                break
    return Labelled(category.key, questions, answers)


def missing_answers(labelled: Labelled, error: ComplaintError) -> list[Question] | None:
    """The questions intake found unanswered, when that is why it refused (else None)."""
    if error.code != ComplaintErrorCode.ANSWER_REQUIRED:
        return None
    fields = set(error.extra.get("fields") or {})
    return [q for q in labelled.questions if q.field in fields]


def ask_again(missing: list[Question], *, short: bool = False) -> str:
    """The reply that asks for the missing answers, in the format to send them back (`short`:
    one SMS, the lines joined by ";")."""
    lines = [f"{q.label.split(' (')[0]}: ..." for q in missing]
    if short:
        return _("Aduan belum dicatat. Kirim ulang dengan: %(lines)s") % {"lines": "; ".join(lines)}
    return "\n".join(
        [
            _(
                "Pengaduan belum dicatat: kategori ini memerlukan jawaban berikut. "
                "Kirim ulang pengaduan Anda dengan baris-baris ini terisi:"
            ),
            *lines,
        ]
    )
