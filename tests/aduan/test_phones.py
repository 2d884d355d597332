"""The one phone rule (aduan.phones, README "Phone numbers"): Indonesian numbers in national or
international form everywhere; a foreign number in + form only where the caller allows it."""

from __future__ import annotations

import pytest
from django.utils import translation

from aduan.phones import InvalidPhoneError, normalize_phone


@pytest.mark.parametrize(
    "written",
    ["0812-3456-7890", "0812 3456 7890", "+62 812 3456 7890", "6281234567890", " +6281234567890 "],
)
@pytest.mark.parametrize("foreign_ok", [False, True])
def test_indonesian_numbers_in_national_or_international_form_are_accepted_everywhere(
    written: str, foreign_ok: bool
) -> None:
    assert normalize_phone(written, foreign_ok=foreign_ok) == "+6281234567890"


@pytest.mark.parametrize(
    ("written", "stored"),
    [("+852 5123 4567", "+85251234567"), ("+60 12-345 6789", "+60123456789")],
)
def test_a_foreign_number_in_plus_form_is_accepted_where_allowed(written: str, stored: str) -> None:
    assert normalize_phone(written, foreign_ok=True) == stored


def test_a_foreign_number_is_refused_where_not_allowed() -> None:
    with pytest.raises(InvalidPhoneError) as refused:
        normalize_phone("+852 5123 4567")
    assert refused.value.message == (
        "Nomor telepon/WhatsApp tidak valid: gunakan nomor Indonesia, mis. 0812 3456 7890."
    )


@pytest.mark.parametrize("garbage", ["12345", "halo", "", "+62 12", "+852 12", "0812"])
def test_garbage_is_refused_with_a_field_message_in_bahasa_indonesia(garbage: str) -> None:
    with pytest.raises(InvalidPhoneError) as refused:
        normalize_phone(garbage, foreign_ok=True)
    assert refused.value.value == garbage
    assert refused.value.message == (
        "Nomor telepon/WhatsApp tidak valid: gunakan nomor Indonesia, mis. 0812 3456 7890, "
        "atau nomor luar negeri dengan + dan kode negara, mis. +852 5123 4567."
    )


def test_the_field_message_is_in_english_for_an_english_reader() -> None:
    with translation.override("en"), pytest.raises(InvalidPhoneError) as refused:
        normalize_phone("halo", foreign_ok=True)
    assert refused.value.message == (
        "Invalid phone/WhatsApp number: use an Indonesian number, e.g. 0812 3456 7890, "
        "or a foreign number with + and the country code, e.g. +852 5123 4567."
    )
    with translation.override("en"), pytest.raises(InvalidPhoneError) as refused:
        normalize_phone("+852 5123 4567")
    assert refused.value.message == (
        "Invalid phone/WhatsApp number: use an Indonesian number, e.g. 0812 3456 7890."
    )
