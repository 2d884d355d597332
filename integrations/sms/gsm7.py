"""The GSM 03.38 7-bit alphabet: what one 160-character SMS can carry without UCS-2."""

from __future__ import annotations

BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Characters of the extension table take two septets (an escape, then the character).
EXTENSION = set("^{}\\[~]|€\f")
SINGLE_SMS = 160


def is_gsm7(text: str) -> bool:
    return all(ch in BASIC or ch in EXTENSION for ch in text)


def septets(text: str) -> int:
    return sum(2 if ch in EXTENSION else 1 for ch in text)


def fits_one_sms(text: str) -> bool:
    return is_gsm7(text) and septets(text) <= SINGLE_SMS


def fit(text: str) -> str:
    """Make `text` one GSM-7 SMS: a character outside the alphabet becomes '?', and a text
    too long is cut with '...'."""
    clean = "".join(ch if ch in BASIC or ch in EXTENSION else "?" for ch in text)
    if septets(clean) <= SINGLE_SMS:
        return clean
    while septets(clean) > SINGLE_SMS - 3:
        clean = clean[:-1]
    return clean.rstrip() + "..."
