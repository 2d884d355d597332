"""Secrets at rest, for every app (IMAP passwords, SP4N-LAPOR! client secrets, and what the
confidentiality work encrypts next): Fernet (AES-128-CBC + HMAC-SHA256) from the
`cryptography` package, keyed from ADUAN_CREDENTIALS_KEY (a Fernet key) or, when unset,
derived from the Django SECRET_KEY. In the platform package because it is shared: a module of
one app would make every other app that encrypts depend on that app."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet
from django.conf import settings


def fernet() -> Fernet:
    key: str = settings.ADUAN_CREDENTIALS_KEY
    if key:
        return Fernet(key.encode())
    derived = hashlib.sha256(b"aduan-credentials:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(secret: str) -> str:
    return fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()
