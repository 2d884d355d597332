"""Settings for mypy's Django plugin: it imports settings, and must never start a database."""

import os

os.environ.setdefault("DATABASE_URL", "postgresql://typecheck.invalid/aduan")

from aduan.settings.base import *  # noqa: F403
