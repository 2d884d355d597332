"""Envelope encryption of personal data (UU 27/2022), for every app: AES-256-GCM from the
`cryptography` package, three layers so that no rotation rewrites the data itself.

- A **data key** per record (a complaint): seals its identity and WBS content. Stored next to
  the record, wrapped by its tenant's key. Forwarding re-wraps only that key for the receiver;
  erasure destroys it (what it sealed can never be read again).
- A **tenant key** per schema (the "public" entry is the platform's own): a key-encryption key
  and a blind-index key, both kept in `aduan.models.TenantKey` wrapped by the master key.
  Rotating it re-wraps the data keys of the tenant's rows (`do_rotate_tenant_key` in the app
  that owns them); the blind-index key stays, so indexes stay valid.
- The **master key** comes from the environment (ADUAN_MASTER_KEYS). Rotating it re-wraps the
  tenant keys only (`aduan keys rotate`). Without it a development key is generated under the
  state directory and a warning says so.

Blind indexes are keyed HMAC-SHA256 digests of normalised values (a phone, an e-mail, each name
token): equality search without decrypting, and useless to whoever reads the table without the
key. A platform-wide one (schema "public") lets the tracking-code resend find a contact across
tenants.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import struct
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from aduan.db import tenant_db
from aduan.models import TenantKey

log = logging.getLogger(__name__)

PLATFORM = "public"  # the schema name of the platform's own key (its blind index)
_NONCE = 12
_DATA_KEY_FORMAT = 1  # first byte of a wrapped data key; then the tenant key's version


class SealError(Exception):
    """A key is missing or does not open what it should (wrong tenant, destroyed, rotated)."""


# -- the master key ----------------------------------------------------------------------------


def _parse_master_keys(spec: str) -> list[tuple[str, bytes]]:
    keys = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        key_id, _, encoded = item.partition(":")
        key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if len(key) != 32 or not key_id:
            raise SealError(f"master key {key_id!r}: need 'id:base64(32 bytes)'")
        keys.append((key_id, key))
    return keys


_master_lock = threading.Lock()
_master_cache: dict[str, list[tuple[str, bytes]]] = {}


def master_keys() -> list[tuple[str, bytes]]:
    """The master keys, current first."""
    spec: str = settings.ADUAN_MASTER_KEYS
    cached = _master_cache.get(spec)
    if cached is not None:
        return cached
    with _master_lock:
        keys = _parse_master_keys(spec or _dev_master_spec())
        _master_cache[spec] = keys
        return keys


def _dev_master_spec() -> str:
    path = settings.ADUAN_MASTER_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        spec = new_master_spec("dev1")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(spec + "\n")
    log.warning(
        "ADUAN_MASTER_KEYS is unset: using the development master key kept in %s "
        "(set ADUAN_MASTER_KEYS in production)",
        path,
    )
    return str(path.read_text().strip())


def new_master_spec(key_id: str) -> str:
    """A fresh master key in the ADUAN_MASTER_KEYS form."""
    return f"{key_id}:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def _master(key_id: str) -> bytes:
    for known_id, key in master_keys():
        if known_id == key_id:
            return key
    raise SealError(f"master key {key_id!r} is not configured (ADUAN_MASTER_KEYS)")


# -- sealing ---------------------------------------------------------------------------------


def seal(key: bytes, plaintext: bytes, context: bytes) -> bytes:
    """nonce + AES-GCM(plaintext), bound to `context` (a sealed value moved elsewhere fails)."""
    nonce = secrets.token_bytes(_NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def unseal(key: bytes, sealed: bytes | memoryview, context: bytes) -> bytes:
    sealed = bytes(sealed)
    try:
        return AESGCM(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], context)
    except Exception as error:  # cryptography's InvalidTag: wrong key or tampered
        raise SealError("the key does not open this value") from error


# -- tenant keys -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TenantKeys:
    schema_name: str
    version: int
    kek: bytes  # wraps data keys
    blind: bytes  # keys the blind indexes


_cache: dict[str, TenantKeys] = {}


def _context(schema_name: str, what: str) -> bytes:
    return f"aduan:{what}:{schema_name}".encode()


# Every schema's wrapped keys, read in one query on a process's first miss. At 10,000 tenants
# a web worker (a new one every ~2,000 requests) otherwise reads one row at its first intake of
# nearly every tenant: one statement more per request. Rows (~250 bytes each, still wrapped)
# are opened per schema on first use; a schema keyed later is read alone. Kept only once the
# transaction that read them commits (like `_cache`): it may hold a key it made or rotated.
Wrapped = dict[str, tuple[int, str, bytes, bytes]]
_wrapped: Wrapped | None = None


def _keep_wrapped(rows: Wrapped) -> None:
    global _wrapped
    _wrapped = rows


# What a transaction read or opened, reused within it while its commit hook still waits and
# kept by the process when the hook runs. Django drops the hooks of a transaction or savepoint
# it rolls back, so what was read or made there (a key made, a key rotated) is never reused.
# A worker's first intake asks for keys several times (the tenant's, the platform's blind
# index...): without this each ask read every schema's row again (7 reads of 10,000 rows).
_unsettled_rows: tuple[Callable[[], None], Wrapped] | None = None
_unsettled_keys: dict[str, tuple[Callable[[], None], TenantKeys]] = {}


def _waiting(hook: Callable[[], None]) -> bool:
    return any(entry[1] is hook for entry in connection.run_on_commit)


def _wrapped_row(schema_name: str, version: int | None) -> TenantKey | None:
    global _unsettled_rows
    rows = _wrapped
    if rows is None and _unsettled_rows is not None and _waiting(_unsettled_rows[0]):
        rows = _unsettled_rows[1]
    if rows is None:
        read = TenantKey.objects.values_list(
            "schema_name", "version", "master_id", "wrapped_kek", "wrapped_blind"
        )
        rows = {name: (v, master, bytes(kek), bytes(blind)) for name, v, master, kek, blind in read}
        if connection.in_atomic_block:
            kept = rows

            def keep_rows() -> None:
                _keep_wrapped(kept)

            transaction.on_commit(keep_rows)
            _unsettled_rows = (keep_rows, rows)
        else:
            _keep_wrapped(rows)
    found = rows.get(schema_name)
    if found is not None and (version is None or found[0] == version):
        kept_version, master_id, kek, blind = found
        return TenantKey(
            schema_name=schema_name,
            version=kept_version,
            master_id=master_id,
            wrapped_kek=kek,
            wrapped_blind=blind,
        )
    # Keyed (or rotated) since the process read them all.
    return TenantKey.objects.filter(schema_name=schema_name).first()


def _open(row: TenantKey) -> TenantKeys:
    master = _master(row.master_id)
    return TenantKeys(
        schema_name=row.schema_name,
        version=row.version,
        kek=unseal(master, row.wrapped_kek, _context(row.schema_name, f"kek{row.version}")),
        blind=unseal(master, row.wrapped_blind, _context(row.schema_name, "blind")),
    )


def forget_cached_keys() -> None:
    """Drop the process's cache of opened tenant keys (after a rotation, in tests)."""
    global _wrapped, _unsettled_rows
    _cache.clear()
    _master_cache.clear()
    _wrapped = None
    _unsettled_rows = None
    _unsettled_keys.clear()


def tenant_keys(schema_name: str, *, version: int | None = None) -> TenantKeys:
    """The opened keys of a schema, created on first use. The cache only holds committed
    keys: a key created inside a transaction that rolls back must not outlive it."""
    cached = _cache.get(schema_name)
    if cached is not None and (version is None or cached.version == version):
        return cached
    unsettled = _unsettled_keys.get(schema_name)
    if unsettled is not None and _waiting(unsettled[0]):
        cached = unsettled[1]
        if version is None or cached.version == version:
            return cached
    row = _wrapped_row(schema_name, version)
    if row is None:
        row = _create(schema_name)
    keys = _open(row)
    if version is not None and keys.version != version:
        raise SealError(f"{schema_name}: tenant key version {version} is gone")
    if connection.in_atomic_block:

        def keep_keys() -> None:
            _cache[schema_name] = keys
            _unsettled_keys.pop(schema_name, None)

        transaction.on_commit(keep_keys)
        _unsettled_keys[schema_name] = (keep_keys, keys)
    else:
        _cache[schema_name] = keys
    return keys


def _create(schema_name: str) -> TenantKey:
    master_id, master = master_keys()[0]
    now = timezone.now()
    # Concurrent first uses: one insert wins, the others read it (no IntegrityError).
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TenantKey._meta.db_table} "  # noqa: S608 - our own table name
            "(schema_name, version, master_id, wrapped_kek, wrapped_blind, created_at, rotated_at)"
            " VALUES (%s, 1, %s, %s, %s, %s, %s) ON CONFLICT (schema_name) DO NOTHING",
            [
                schema_name,
                master_id,
                seal(master, secrets.token_bytes(32), _context(schema_name, "kek1")),
                seal(master, secrets.token_bytes(32), _context(schema_name, "blind")),
                now,
                now,
            ],
        )
    return TenantKey.objects.get(schema_name=schema_name)


def current_schema() -> str:
    return str(tenant_db.schema_name)


# -- data keys -------------------------------------------------------------------------------


def new_data_key() -> bytes:
    return secrets.token_bytes(32)


def wrap_data_key(data_key: bytes, schema_name: str) -> bytes:
    keys = tenant_keys(schema_name)
    head = struct.pack(">BI", _DATA_KEY_FORMAT, keys.version)
    return head + seal(keys.kek, data_key, _context(schema_name, "data") + head)


def unwrap_data_key(wrapped: bytes | memoryview, schema_name: str) -> bytes:
    wrapped = bytes(wrapped)
    if not wrapped:
        raise SealError("the data key was destroyed")
    head = wrapped[:5]
    _format, version = struct.unpack(">BI", head)
    keys = tenant_keys(schema_name, version=version)
    return unseal(keys.kek, wrapped[5:], _context(schema_name, "data") + head)


def rewrap_data_key(wrapped: bytes | memoryview, *, origin: str, target: str) -> bytes:
    """A forward: the same data key, now opened by the receiver's tenant key only."""
    return wrap_data_key(unwrap_data_key(wrapped, origin), target)


def seal_value(data_key: bytes, value: str, context: str) -> str:
    """A text sealed under a data key, as ASCII (for JSON and text columns)."""
    sealed = seal(data_key, value.encode(), context.encode())
    return "sealed:" + base64.b64encode(sealed).decode()


def unseal_value(data_key: bytes, value: str, context: str) -> str:
    if not value.startswith("sealed:"):
        return value
    return unseal(data_key, base64.b64decode(value[7:]), context.encode()).decode()


# -- blind indexes ---------------------------------------------------------------------------


def normalize_token(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def name_tokens(name: str) -> list[str]:
    tokens = (normalize_token(part) for part in name.split())
    return sorted({t for t in tokens if len(t) >= 2})


def blind(schema_name: str, kind: str, value: str) -> str:
    """The blind index of one normalised value ("phone", "email", "name" token)."""
    key = tenant_keys(schema_name).blind
    digest = hmac.new(key, f"{kind}\x00{value}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:15]).decode().lower()  # 24 chars, 120 bits


def identity_index(
    schema_name: str, *, name: str = "", phone: str = "", email: str = ""
) -> list[str]:
    """Every blind index of an identity: its phone, its e-mail and each token of its name."""
    found = [blind(schema_name, "name", t) for t in name_tokens(name)]
    if phone.strip():
        found.append(blind(schema_name, "phone", phone.strip()))
    if email.strip():
        found.append(blind(schema_name, "email", email.strip().casefold()))
    return found


# -- the platform's own sealing (public tables: the channels' inbound store and outbox) -----


def _platform_key(purpose: str) -> bytes:
    # Derived from the platform's blind-index key, which a tenant-key rotation keeps and a
    # master rotation re-wraps: rows sealed with it never need rewriting.
    base = tenant_keys(PLATFORM).blind
    return hmac.new(base, f"aduan:{purpose}".encode(), hashlib.sha256).digest()


def seal_platform(value: str, context: str) -> str:
    """A value of a public table (a phone, an e-mail, a message) sealed under the platform's
    key, as ASCII; bound to its table and column (`context`)."""
    return seal_value(_platform_key("platform-seal"), value, context)


def open_platform(value: str, context: str) -> str:
    """Plain text back; a value stored before sealing (no prefix) is returned as it is."""
    return unseal_value(_platform_key("platform-seal"), value, context)


BLIND_PREFIX = "bi:"


def blind_platform(kind: str, value: str) -> str:
    """A platform-wide blind index of a value kept only for equality look-ups (a WhatsApp id)."""
    if value.startswith(BLIND_PREFIX):
        return value  # already one (read back from its column)
    return BLIND_PREFIX + blind(PLATFORM, kind, value)


def contact_index(*, phone: str = "", email: str = "") -> list[str]:
    """The platform-wide blind indexes of a contact (the tracking-code resend)."""
    return identity_index(PLATFORM, phone=phone, email=email)


# -- rotation --------------------------------------------------------------------------------


def rotate_master(*, progress: Callable[[Iterable[Any]], Iterable[Any]] = iter) -> int:
    """Re-wrap every tenant key under the current master key (the first of ADUAN_MASTER_KEYS);
    rows are not touched. Returns how many keys were re-wrapped."""
    master_id, master = master_keys()[0]
    stale = TenantKey.objects.exclude(master_id=master_id).order_by("schema_name")
    done = 0
    for row in progress(list(stale)):
        with transaction.atomic():
            locked = TenantKey.objects.select_for_update().get(pk=row.pk)
            opened = _open(locked)
            locked.wrapped_kek = seal(
                master, opened.kek, _context(locked.schema_name, f"kek{locked.version}")
            )
            locked.wrapped_blind = seal(master, opened.blind, _context(locked.schema_name, "blind"))
            locked.master_id = master_id
            locked.rotated_at = timezone.now()
            locked.save(update_fields=["wrapped_kek", "wrapped_blind", "master_id", "rotated_at"])
            done += 1
    forget_cached_keys()
    return done


def begin_tenant_rotation(schema_name: str) -> tuple[TenantKeys, TenantKeys]:
    """Inside the caller's transaction: a new key-encryption key for the schema (the blind
    key kept), stored under the current master; returns (old, new) for the caller to re-wrap
    its rows' data keys in the same transaction."""
    old = tenant_keys(schema_name)
    master_id, master = master_keys()[0]
    locked = TenantKey.objects.select_for_update().get(schema_name=schema_name)
    version = locked.version + 1
    kek = secrets.token_bytes(32)
    locked.version = version
    locked.master_id = master_id
    locked.wrapped_kek = seal(master, kek, _context(schema_name, f"kek{version}"))
    locked.wrapped_blind = seal(master, old.blind, _context(schema_name, "blind"))
    locked.rotated_at = timezone.now()
    locked.save()
    new = TenantKeys(schema_name, version, kek, old.blind)
    _cache.pop(schema_name, None)
    if _wrapped is not None:
        _wrapped.pop(schema_name, None)
    _unsettled_keys.pop(schema_name, None)
    if _unsettled_rows is not None:
        _unsettled_rows[1].pop(schema_name, None)
    return old, new


def rewrap_for_rotation(wrapped: bytes | memoryview, old: TenantKeys, new: TenantKeys) -> bytes:
    wrapped = bytes(wrapped)
    if not wrapped:
        return wrapped  # destroyed (erased): nothing to re-wrap
    head = wrapped[:5]
    data_key = unseal(old.kek, wrapped[5:], _context(old.schema_name, "data") + head)
    new_head = struct.pack(">BI", _DATA_KEY_FORMAT, new.version)
    return new_head + seal(new.kek, data_key, _context(new.schema_name, "data") + new_head)
