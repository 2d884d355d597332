"""The one phone-number rule of the platform (README, "Phone numbers").

Indonesian numbers are accepted everywhere, in national (`0812-3456-7890`) or international
(`+62 812 3456 7890`, `62812...`) form. A foreign number, written in international form with `+`
and its country code (a migrant worker's, `+852 5123 4567`), is accepted only where the caller
says so (`foreign_ok`): at intake and at the desk, where a complainant may be abroad; not for
the officer of a desk request, who works in an Indonesian village. Stored in E.164.
"""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext as _

INDONESIA = 62


class InvalidPhoneError(ValueError):
    """The value is not a number accepted here; `message` says what is, for the field."""

    def __init__(self, value: str, *, foreign_ok: bool) -> None:
        super().__init__(value)
        self.value = value
        self.message = invalid_phone_message(foreign_ok=foreign_ok)


def invalid_phone_message(*, foreign_ok: bool) -> str:
    if foreign_ok:
        return _(
            "Nomor telepon/WhatsApp tidak valid: gunakan nomor Indonesia, mis. 0812 3456 7890, "
            "atau nomor luar negeri dengan + dan kode negara, mis. +852 5123 4567."
        )
    return _("Nomor telepon/WhatsApp tidak valid: gunakan nomor Indonesia, mis. 0812 3456 7890.")


def normalize_phone(value: str, *, foreign_ok: bool = False) -> str:
    """`value` in E.164 (`+6281234567890`), or InvalidPhoneError."""
    try:
        number = phonenumbers.parse(value.strip(), "ID")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneError(value, foreign_ok=foreign_ok) from exc
    allowed = foreign_ok or number.country_code == INDONESIA
    if not allowed or not phonenumbers.is_valid_number(number):
        raise InvalidPhoneError(value, foreign_ok=foreign_ok)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
