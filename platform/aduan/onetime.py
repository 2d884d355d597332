"""One-time codes for every app: recovery codes of the second factor today; a citizen's code
by SMS or a whistleblower's receipt key next. Only a keyed hash of a code is stored (HMAC-SHA256
under a key derived from SECRET_KEY), a code is spent by its first use, and guessing is
bounded by aduan.ratelimit (the caller picks the scope: a lockout per subject).

A purpose names what the codes are for; a subject names whose they are (a user id, a phone
number). Codes of one (purpose, subject) are issued as a set: issuing again replaces the set
(regenerated recovery codes make the old ones useless).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aduan.models import OneTimeCode

# No 0/O, 1/I/L: read aloud or copied from paper without ambiguity.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class Purpose:
    RECOVERY = "recovery"  # second-factor recovery codes of a staff user


def _digest(purpose: str, subject: str, code: str) -> str:
    key = hashlib.sha256(b"aduan-onetime:" + settings.SECRET_KEY.encode()).digest()
    message = f"{purpose}\x00{subject}\x00{normalize(code)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def normalize(code: str) -> str:
    """What a person types: spaces, dashes and case do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_code(length: int = 10, *, digits_only: bool = False) -> str:
    alphabet = "0123456789" if digits_only else ALPHABET
    return "".join(secrets.choice(alphabet) for _ in range(length))


def do_issue_codes(
    *,
    purpose: str,
    subject: str,
    count: int = 1,
    length: int = 10,
    digits_only: bool = False,
    ttl: timedelta | None = None,
) -> list[str]:
    """Replace the (purpose, subject)'s codes with `count` new ones; return them in clear,
    once: nothing can show them again."""
    now = timezone.now()
    codes = [new_code(length, digits_only=digits_only) for _ in range(count)]
    with transaction.atomic():
        OneTimeCode.objects.filter(purpose=purpose, subject=subject).delete()
        OneTimeCode.objects.bulk_create(
            OneTimeCode(
                purpose=purpose,
                subject=subject,
                digest=_digest(purpose, subject, code),
                created_at=now,
                expires_at=now + ttl if ttl else None,
            )
            for code in codes
        )
    return codes


def do_use_code(*, purpose: str, subject: str, code: str) -> bool:
    """Spend the code if it is one of the subject's, unused and not expired. One UPDATE, so
    two requests racing with the same code cannot both succeed."""
    now = timezone.now()
    if not normalize(code):
        return False
    spent = (
        OneTimeCode.objects.filter(
            purpose=purpose,
            subject=subject,
            digest=_digest(purpose, subject, code),
            used_at__isnull=True,
        )
        .exclude(expires_at__lte=now)
        .update(used_at=now)
    )
    return spent > 0


def remaining(*, purpose: str, subject: str) -> int:
    now = timezone.now()
    return (
        OneTimeCode.objects.filter(purpose=purpose, subject=subject, used_at__isnull=True)
        .exclude(expires_at__lte=now)
        .count()
    )


def do_forget_codes(*, purpose: str, subject: str) -> None:
    OneTimeCode.objects.filter(purpose=purpose, subject=subject).delete()
