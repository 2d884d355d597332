"""Duplicate finder quality: precision and recall of complaints.duplicates on the labelled set
(tests/complaints/data/duplicates.json), at the fixed threshold, on the half the threshold was
chosen on (even problem ids) and on the held-out half (odd), with a sweep for context.

    .venv/bin/python -m tests.bench.bench_duplicates

Pairs compared are those the finder compares: the same village and category (the hard
negatives are different problems there). No database is touched. Not part of the test suite.
"""

from __future__ import annotations

import sys

from complaints import duplicates
from tests.bench.bench_provision import ROOT


def main() -> int:
    for path in (str(ROOT), str(ROOT / "platform")):
        if path not in sys.path:
            sys.path.insert(0, path)
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings.test")
    django.setup()  # the labelled set's measure lives beside its test, which imports models
    from tests.complaints.test_duplicates import quality

    print(f"\nMinHash, {duplicates.PERMUTATIONS} permutations over character trigrams.\n")
    print("| half | threshold | pairs | precision | recall |")
    print("|---|---:|---:|---:|---:|")
    for half, name in ((0, "chosen on"), (1, "held out")):
        for threshold in (0.20, duplicates.THRESHOLD, 0.30):
            pairs, precision, recall = quality(half, threshold)
            mark = " (fixed)" if threshold == duplicates.THRESHOLD else ""
            print(f"| {name} | {threshold:.2f}{mark} | {pairs} | {precision:.3f} | {recall:.3f} |")
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
