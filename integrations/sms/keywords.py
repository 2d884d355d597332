"""The tenant's SMS keyword: set by its admin, unique across the platform."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.models import SmsKeyword
from tenants.models import Tenant

KEYWORD_RE = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")
# Words that are commands: a keyword equal to one would make messages ambiguous.
RESERVED = frozenset({"ADUAN", "STATUS", "INFO", "REG", "UNREG", "STOP", "HELP"})


def keyword_of(tenant: Tenant) -> str:
    found = SmsKeyword.objects.filter(tenant=tenant).values_list("keyword", flat=True).first()
    return found or ""


def tenant_for_keyword(word: str) -> Tenant | None:
    found = SmsKeyword.objects.select_related("tenant").filter(keyword=word.upper()).first()
    return found.tenant if found else None


def do_set_sms_keyword(*, tenant: Tenant, keyword: str, actor: Any) -> SmsKeyword:
    """Set (or change) the tenant's keyword; letters and digits, 2 to 12, starting with a
    letter, case-insensitive (kept upper case)."""
    word = keyword.strip().upper()
    if not KEYWORD_RE.match(word):
        raise IntegrationError(
            IntegrationErrorCode.INVALID_KEYWORD,
            _("Kata kunci SMS terdiri atas 2 sampai 12 huruf atau angka, diawali huruf."),
            {"field": "keyword"},
        )
    if word in RESERVED:
        raise IntegrationError(
            IntegrationErrorCode.INVALID_KEYWORD,
            _("%(word)s adalah perintah SMS dan tidak dapat menjadi kata kunci.") % {"word": word},
            {"field": "keyword"},
        )
    taken = _("Kata kunci %(word)s sudah dipakai instansi lain.") % {"word": word}
    if SmsKeyword.objects.filter(keyword=word).exclude(tenant=tenant).exists():
        raise IntegrationError(IntegrationErrorCode.DUPLICATE_KEYWORD, taken, {"field": "keyword"})
    try:
        with transaction.atomic():
            found, _created = SmsKeyword.objects.update_or_create(
                tenant=tenant, defaults={"keyword": word}
            )
    except IntegrityError:  # taken by a concurrent request since the check
        raise IntegrationError(
            IntegrationErrorCode.DUPLICATE_KEYWORD, taken, {"field": "keyword"}
        ) from None
    return found
