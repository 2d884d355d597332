"""Personal data sealed at rest (UU 27/2022), transparently for the code that reads it.

A complaint's identity (name, phone, e-mail, address, NIK), what its channel delivered
(`raw_payload`) and, for a WBS report, its description and its timeline's messages are stored
sealed under the complaint's own data key (aduan.envelope): `complaint.name` reads and writes
plain text as before; the column holds `sealed:<base64>`. The data key is kept in
`Complaint.data_key`, wrapped by the holding tenant's key; a forward re-wraps it for the
receiver (complaints.forwarding), an erasure destroys it (complaints.actions.privacy).

Search never decrypts: `Complaint.identity_index` holds the tenant's blind indexes of the
phone, the e-mail and each name token (`identity_lookup`).

A WBS report's files are sealed whole under the same data key (`seal_file`): the stored bytes
start with FILE_MAGIC, and only `open_file` (a WBS officer's download) reads them back. A
forward copies the sealed bytes as they are; the re-wrapped data key opens them there."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.query_utils import DeferredAttribute
from psycopg import sql

from aduan import envelope
from aduan.phones import InvalidPhoneError
from complaints.validation import intake_phone

if TYPE_CHECKING:
    from complaints.models import Complaint

IDENTITY_FIELDS = ("name", "address", "phone", "email", "nik")
FILE_MAGIC = b"ADUAN-SEALED-FILE-1\n"
PREFIX = "sealed:"
# Where a complaint was read from (Complaint.from_db): its data key is wrapped for that schema.
SEALING_SCHEMA = "_sealing_schema"


def data_key_of(complaint: Complaint) -> bytes | None:
    """The complaint's data key, opened once per instance; None once erased. A complaint
    without one yet (being created) gets a fresh key, wrapped for the current schema."""
    cached: bytes | None = complaint.__dict__.get("_data_key_plain")
    if cached is not None:
        return cached
    wrapped = bytes(complaint.data_key or b"")
    if not wrapped:
        if complaint.pk is not None and complaint.erased_at is not None:
            return None
        plain = envelope.new_data_key()
        complaint.data_key = envelope.wrap_data_key(plain, envelope.current_schema())
    else:
        schema = complaint.__dict__.get(SEALING_SCHEMA) or envelope.current_schema()
        plain = envelope.unwrap_data_key(wrapped, schema)
    complaint.__dict__["_data_key_plain"] = plain
    return plain


def _owner(instance: Any) -> Complaint | None:
    complaint = getattr(instance, "sealing_owner", None)
    return complaint() if callable(complaint) else None


class _SealedAttribute(DeferredAttribute):
    """A data descriptor (it has __set__), so reads pass here even when the loaded value sits
    in the instance's __dict__."""

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        value = super().__get__(instance, cls)
        if instance is None:
            return value
        field: SealedMixin = self.field  # type: ignore[assignment]
        return field.opened(instance, value)


class SealedMixin:
    """A field whose column holds its value sealed under the owner's data key. The model
    says whose key (`sealing_owner()`), and, with `sealed_when`, whether this row is sealed
    at all (a WBS report's description; other descriptions stay searchable)."""

    descriptor_class: type[DeferredAttribute] = _SealedAttribute
    attname: str
    name: str

    def __init__(self, *args: Any, sealed_when: str = "", **kwargs: Any) -> None:
        self.sealed_when = sealed_when
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()  # type: ignore[misc]
        if self.sealed_when:
            kwargs["sealed_when"] = self.sealed_when
        return name, path, args, kwargs

    def _applies(self, instance: Any) -> bool:
        owner = _owner(instance)
        if owner is None:
            return False
        return not self.sealed_when or bool(getattr(owner, self.sealed_when))

    def to_text(self, value: Any) -> str:
        return str(value)

    def from_text(self, text: str) -> Any:
        return text

    def opened(self, instance: Any, value: Any) -> Any:
        text = value.get("sealed") if isinstance(value, dict) and len(value) == 1 else value
        if not isinstance(text, str) or not text.startswith(PREFIX):
            return value
        owner = _owner(instance)
        key = data_key_of(owner) if owner is not None else None
        if key is None:
            return self.from_text("")  # erased: the key is gone, so is the value
        opened = self.from_text(envelope.unseal_value(key, text, self.name))
        instance.__dict__[self.attname] = opened  # opened once per instance
        return opened

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if value in (None, "", {}, []) or not self._applies(model_instance):
            return value
        owner = _owner(model_instance)
        key = data_key_of(owner) if owner is not None else None
        if key is None:
            return self.from_text("") if not isinstance(value, dict) else None
        return self.sealed(envelope.seal_value(key, self.to_text(value), self.name))

    def sealed(self, text: str) -> Any:
        return text


class SealedTextField(SealedMixin, models.TextField):  # type: ignore[type-arg]
    pass


class SealedJSONField(SealedMixin, models.JSONField):
    def to_text(self, value: Any) -> str:
        return json.dumps(value)

    def from_text(self, text: str) -> Any:
        return json.loads(text) if text else None

    def sealed(self, text: str) -> Any:
        return {"sealed": text}


def _file_context(sha256: str) -> bytes:
    # Bound to the file's digest (kept on its Attachment row): sealed bytes moved onto another
    # row do not open.
    return f"aduan:file:{sha256}".encode()


def seal_file(complaint: Complaint, content: bytes, sha256: str) -> bytes:
    """A WBS report's file as it is stored: FILE_MAGIC, then AES-GCM under its data key."""
    key = data_key_of(complaint)
    if key is None:
        raise envelope.SealError("the data key was destroyed")
    return FILE_MAGIC + envelope.seal(key, content, _file_context(sha256))


def is_sealed_file(stored: bytes) -> bool:
    return stored.startswith(FILE_MAGIC)


def open_file(complaint: Complaint, stored: bytes, sha256: str) -> bytes:
    """The plain bytes of a stored file (sealed or not: files of ordinary complaints are not)."""
    if not is_sealed_file(stored):
        return stored
    key = data_key_of(complaint)
    if key is None:
        raise envelope.SealError("the data key was destroyed")
    return envelope.unseal(key, stored[len(FILE_MAGIC) :], _file_context(sha256))


def index_of(complaint: Complaint) -> list[str]:
    return envelope.identity_index(
        envelope.current_schema(),
        name=complaint.name,
        phone=complaint.phone,
        email=complaint.email,
    )


def identity_lookup(query: str) -> list[str]:
    """Blind indexes a register search matches: each name token, or the whole query as a
    phone number or an e-mail address (exact, as filed)."""
    schema = envelope.current_schema()
    found = [envelope.blind(schema, "name", t) for t in envelope.name_tokens(query)]
    query = query.strip()
    if query:
        found.append(envelope.blind(schema, "phone", query))
        found.append(envelope.blind(schema, "email", query.casefold()))
    return found


# -- sealing the rows written before sealing existed (a data migration runs this) ------------

_SEALED_COLUMNS = (*IDENTITY_FIELDS, "description", "raw_payload")


def _plain(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not value.startswith(PREFIX)


def seal_plaintext_rows(connection: BaseDatabaseWrapper, schema_name: str) -> int:
    """Seal, in one schema, what was stored in plain before issue 19: complaints' identities
    and raw payloads, WBS descriptions and timeline messages, the identity values of the
    timeline's corrections, and WBS reports' files on disk. Plain SQL over the columns as
    they stood at that migration (never the current model, which may have moved on);
    idempotent: what is sealed already is left. Returns the number of complaints touched."""
    table = sql.Identifier(schema_name, "complaints_complaint")
    events = sql.Identifier(schema_name, "complaints_complaintevent")
    files = sql.Identifier(schema_name, "complaints_attachment")
    touched = 0
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "SELECT id, name, address, phone, email, nik, description, raw_payload,"
                " data_key, is_wbs FROM {} WHERE erased_at IS NULL ORDER BY id"
            ).format(table)
        )
        rows = cursor.fetchall()
        for pk, name, address, phone, email, nik, description, raw, data_key, is_wbs in rows:
            identity = dict(zip(IDENTITY_FIELDS, (name, address, phone, email, nik), strict=True))
            if isinstance(raw, str):
                raw = json.loads(raw)
            raw_plain = raw is not None and not (
                isinstance(raw, dict) and len(raw) == 1 and "sealed" in raw
            )
            if bytes(data_key or b""):
                key = envelope.unwrap_data_key(data_key, schema_name)
                wrapped = bytes(data_key)
            else:
                key = envelope.new_data_key()
                wrapped = envelope.wrap_data_key(key, schema_name)
            changed = {f: envelope.seal_value(key, v, f) for f, v in identity.items() if _plain(v)}
            if is_wbs and _plain(description):
                changed["description"] = envelope.seal_value(key, description, "description")
            if raw_plain:
                sealed_raw = envelope.seal_value(key, json.dumps(raw), "raw_payload")
                changed["raw_payload"] = json.dumps({"sealed": sealed_raw})
            event_rows = _seal_events(cursor, events, pk, key, bool(is_wbs))
            file_count = _seal_files(cursor, files, pk, key) if is_wbs else 0
            if not changed and bytes(data_key or b"") and not event_rows and not file_count:
                continue
            plain = {f: envelope.unseal_value(key, v or "", f) for f, v in identity.items()}
            index = envelope.identity_index(
                schema_name, name=plain["name"], phone=plain["phone"], email=plain["email"]
            )
            assignments = [sql.SQL("{} = %s").format(sql.Identifier(f)) for f in changed]
            cursor.execute(
                sql.SQL("UPDATE {} SET {} WHERE id = %s").format(
                    table,
                    sql.SQL(", ").join(
                        [*assignments, sql.SQL("data_key = %s"), sql.SQL("identity_index = %s")]
                    ),
                ),
                [*changed.values(), wrapped, index, pk],
            )
            touched += 1
    return touched


def _seal_events(cursor: Any, events: sql.Identifier, pk: int, key: bytes, is_wbs: bool) -> int:
    """A WBS report's messages; any correction's identity values (complaints.audit)."""
    cursor.execute(
        sql.SQL("SELECT id, message, before, after FROM {} WHERE complaint_id = %s").format(events),
        [pk],
    )
    done = 0
    for event_id, message, before, after in cursor.fetchall():
        new_message = (
            envelope.seal_value(key, message, "message") if is_wbs and _plain(message) else None
        )
        new_sides = []
        for side in (before, after):
            side = json.loads(side) if isinstance(side, str) else side
            if isinstance(side, dict) and any(_plain(side.get(f)) for f in IDENTITY_FIELDS):
                side = {
                    k: envelope.seal_value(key, v, f"event:{k}")
                    if k in IDENTITY_FIELDS and _plain(v)
                    else v
                    for k, v in side.items()
                }
                new_sides.append((True, side))
            else:
                new_sides.append((False, side))
        if new_message is None and not any(changed for changed, _side in new_sides):
            continue
        cursor.execute(
            sql.SQL("UPDATE {} SET message = %s, before = %s, after = %s WHERE id = %s").format(
                events
            ),
            [
                new_message if new_message is not None else message,
                *(json.dumps(side) if side is not None else None for _c, side in new_sides),
                event_id,
            ],
        )
        done += 1
    return done


def _seal_files(cursor: Any, files: sql.Identifier, pk: int, key: bytes) -> int:
    cursor.execute(
        sql.SQL("SELECT file, sha256 FROM {} WHERE complaint_id = %s").format(files), [pk]
    )
    done = 0
    for name, sha256 in cursor.fetchall():
        if not name or not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as handle:
            stored = handle.read()
        if is_sealed_file(stored):
            continue
        sealed = FILE_MAGIC + envelope.seal(key, stored, _file_context(sha256))
        # Written in place: a file of a report that must not be readable another minute.
        with default_storage.open(name, "wb") as handle:
            handle.write(sealed)
        done += 1
    return done


def _e164(phone: str) -> str:
    """A number as the resend looks it up (E.164), whatever form an old row kept it in."""
    try:
        return intake_phone(phone) if phone.strip() else ""
    except InvalidPhoneError:
        return phone


def backfill_resend_contacts(connection: BaseDatabaseWrapper, schema_name: str) -> int:
    """Fill the platform's tracking-code resend index (tenants_trackingcode.contacts, public)
    for this schema's complaints filed before it existed, so a lost code can be resent to
    them too. Plain SQL over the columns as they stood at this migration; only entries still
    empty and held by this tenant are written (idempotent; an erased complaint stays out).
    Returns the number of tracking codes filled."""
    table = sql.Identifier(schema_name, "complaints_complaint")
    codes = sql.Identifier("public", "tenants_trackingcode")
    tenants = sql.Identifier("public", "tenants_tenant")
    filled = 0
    with connection.cursor() as cursor:
        # A schema migrated before the platform's tables exist (a template) has nothing to fill.
        cursor.execute("SELECT to_regclass('public.tenants_trackingcode') IS NOT NULL")
        row = cursor.fetchone()
        if row is None or not row[0]:
            return 0
        cursor.execute(
            sql.SQL(
                "SELECT c.tracking_code, c.phone, c.email, c.data_key FROM {} c"
                " JOIN {} t ON t.code = c.tracking_code"
                " JOIN {} n ON n.id = t.tenant_id AND n.schema_name = %s"
                " WHERE c.erased_at IS NULL AND t.contacts = '{{}}'"
                " AND (c.phone <> '' OR c.email <> '') ORDER BY c.id"
            ).format(table, codes, tenants),
            [schema_name],
        )
        for code, phone, email, data_key in cursor.fetchall():
            wrapped = bytes(data_key or b"")
            key = envelope.unwrap_data_key(wrapped, schema_name) if wrapped else b""
            plain = {
                f: envelope.unseal_value(key, v or "", f) if key else (v or "")
                for f, v in (("phone", phone), ("email", email))
            }
            contacts = envelope.contact_index(phone=_e164(plain["phone"]), email=plain["email"])
            if not contacts:
                continue
            cursor.execute(
                sql.SQL(
                    "UPDATE {} SET contacts = %s::varchar(24)[]"
                    " WHERE code = %s AND contacts = '{{}}'"
                ).format(codes),
                [contacts, code],
            )
            filled += cursor.rowcount
    return filled
