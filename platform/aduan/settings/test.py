"""pytest settings: the same stack, with the slow-by-design parts made fast."""

import os

# Unit tests use the stub broker; tests of real brokers build their own (tests/aduan/test_jobs.py).
os.environ.setdefault("BROKER_URL", "stub://")

from aduan.settings.base import *  # noqa: F403
from aduan.settings.base import STORAGES

# Argon2 is right for people and far too slow for thousands of test logins.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No manifest in tests: the suite does not run collectstatic.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # served from the app folders by WhiteNoise's finders
# A fixed master key: tests never write the development key file (aduan.envelope).
ADUAN_MASTER_KEYS = "test1:dGVzdC1tYXN0ZXIta2V5LW9mLTMyLWJ5dGVzLWxvbmc"
