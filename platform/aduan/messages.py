"""`aduan messages`: refresh every app's English catalog and compile it.

Each app keeps its own catalog (`<app>/locale/en/LC_MESSAGES/django.po`, the platform's under
`platform/aduan/locale`), so work on one app never touches another's. Source strings are
Bahasa Indonesia; a translation already made anywhere is reused for the same msgid.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib

from aduan.paths import PACKAGE_DIR

ROOT = PACKAGE_DIR.parents[1]
SOURCE_DIRS = [PACKAGE_DIR] + [
    ROOT / app for app in ("tenants", "routing", "complaints", "integrations", "billing")
]
LANGUAGES = ["en"]


def catalogs() -> list[Path]:
    return [
        d / "locale" / lang / "LC_MESSAGES" / "django.po"
        for d in SOURCE_DIRS
        for lang in LANGUAGES
        if (d / "locale" / lang / "LC_MESSAGES" / "django.po").exists()
    ]


def refresh(out: Callable[[str], None] = print) -> list[str]:
    """Run makemessages in each source dir, carry known translations over, compile.
    Returns the msgids still untranslated, as `path: msgid`."""
    known: dict[str, str] = {}
    for po_path in catalogs():
        known.update({e.msgid: e.msgstr for e in polib.pofile(str(po_path)).translated_entries()})
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{PACKAGE_DIR.parent}"}
    for source in SOURCE_DIRS:
        (source / "locale").mkdir(exist_ok=True)
        for lang in LANGUAGES:
            subprocess.run(
                ["django-admin", "makemessages", "-l", lang, "--no-location", "--no-obsolete",
                 "--ignore", "static/*", "--ignore", "migrations/*"],
                cwd=source, env=env, check=True, capture_output=True,
            )  # fmt: skip
    missing: list[str] = []
    for po_path in catalogs():
        po = polib.pofile(str(po_path))
        for entry in po:
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.msgstr = ""
            if not entry.msgstr and entry.msgid in known:
                entry.msgstr = known[entry.msgid]
            if not entry.msgstr:
                missing.append(f"{po_path.relative_to(ROOT)}: {entry.msgid}")
        po.metadata.pop("POT-Creation-Date", None)  # keeps diffs to real changes
        po.save()
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
    for line in missing:
        out(f"untranslated: {line}")
    out(f"catalogs: {len(catalogs())}, untranslated: {len(missing)}")
    return missing
