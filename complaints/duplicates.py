"""Likely duplicates across doors: the same broken bridge reported at the village, at the
regency and by WhatsApp. A complaint's text is reduced to a MinHash signature over character
trigrams (after accents, case, punctuation and the words every complaint uses are dropped), and
two complaints are likely the same when the signatures agree on at least `THRESHOLD` of their
positions (an estimate of the trigram sets' Jaccard similarity).

A small deterministic implementation rather than `datasketch`: that library pulls numpy and
scipy into the platform for 40 lines of arithmetic, and its default hash seeds would make a
signature depend on the library's version; here a signature is a pure function of the text,
so keys written years apart still compare. The threshold is fixed, chosen on half of a labelled
set of Indonesian complaints (`tests/complaints/data/duplicates.json`) and measured on the
other half (`tests/complaints/test_duplicates.py`, `tests/bench/bench_duplicates.py`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

PERMUTATIONS = 64
# A Mersenne prime larger than any 32-bit trigram hash: h(x) = (a*x + b) mod P.
PRIME = (1 << 61) - 1
THRESHOLD = 0.25
# Words nearly every complaint carries, whatever the problem: they say nothing about which
# problem it is, and would make two different complaints from the same door look alike.
_STOPWORD_TEXT = """
    ada adalah agar akan aku atas bapak bagaimana banyak baru belum benar bisa bu dalam dan
    dari dekat depan di dicek diperbaiki ditindaklanjuti dengan dia ibu ini itu jadi juga kami
    karena kalau ke kepada kita kondisi lagi lah laporan lapor mas masih melaporkan membuat
    mengadu minta mohon mulai na nya oleh pada pak para pengaduan saat sampai saja sama sangat
    saya segera sejak selama semua sekarang sudah supaya tanggapan tapi telah terima terjadi
    tersebut tidak tolong untuk warga yang yth hari minggu bulan kemarin lalu
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[a-z0-9]+")


def _coefficients() -> list[tuple[int, int]]:
    """The permutations' (a, b), derived from fixed labels: the same forever."""
    pairs = []
    for i in range(PERMUTATIONS):
        digest = hashlib.blake2b(f"aduan-minhash-{i}".encode(), digest_size=16).digest()
        a = int.from_bytes(digest[:8], "big") % (PRIME - 1) + 1
        b = int.from_bytes(digest[8:], "big") % PRIME
        pairs.append((a, b))
    return pairs


COEFFICIENTS = _coefficients()


def normalized_words(text: str) -> list[str]:
    """Lower case, no accents, no punctuation, no words every complaint uses."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return [w for w in _WORD.findall(plain) if w not in STOPWORDS]


def trigrams(text: str) -> set[str]:
    """Character trigrams of the normalized text, words padded so short words count too."""
    grams: set[str] = set()
    for word in normalized_words(text):
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def signature(text: str) -> list[int]:
    """The MinHash signature: for each permutation, the smallest permuted trigram hash."""
    hashes = [
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "big")
        for g in trigrams(text)
    ]
    if not hashes:
        return [PRIME] * PERMUTATIONS
    return [min((a * h + b) % PRIME for h in hashes) for a, b in COEFFICIENTS]


def similarity(first: list[int], second: list[int]) -> float:
    """The estimated Jaccard similarity: the share of positions where the minima agree."""
    if len(first) != len(second) or not first:
        return 0.0
    if first[0] == PRIME or second[0] == PRIME:
        return 0.0  # an empty text is like nothing
    return sum(x == y for x, y in zip(first, second, strict=True)) / len(first)
