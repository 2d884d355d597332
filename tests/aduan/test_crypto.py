"""The platform's cryptography (aduan.crypto): one key for every app's secrets at rest."""

from __future__ import annotations

import importlib.util

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.test import override_settings

from aduan import crypto


def test_a_secret_round_trips_and_is_not_stored_in_clear() -> None:
    token = crypto.encrypt("s3cret-imap")
    assert "s3cret-imap" not in token
    assert crypto.decrypt(token) == "s3cret-imap"


def test_the_configured_key_is_the_one_used() -> None:
    # Given a Fernet key in ADUAN_CREDENTIALS_KEY
    key = Fernet.generate_key()
    with override_settings(ADUAN_CREDENTIALS_KEY=key.decode()):
        token = crypto.encrypt("s3cret-lapor")
    # Then a holder of that key reads it, and the key derived from SECRET_KEY does not
    assert Fernet(key).decrypt(token.encode()) == b"s3cret-lapor"
    with override_settings(ADUAN_CREDENTIALS_KEY=""), pytest.raises(InvalidToken):
        crypto.decrypt(token)


def test_the_module_lives_only_in_the_platform_package() -> None:
    # Moved from integrations (shared beyond it): no forwarding shim was left behind.
    assert importlib.util.find_spec("integrations.crypto") is None
