#!/usr/bin/env python
"""Django's manage.py. `platform/` is a source root (never a package: it would shadow the
standard library's `platform` module), so it is appended to sys.path here."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parent / "platform"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
