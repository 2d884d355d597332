"""Personal data sealed at rest (UU 27/2022), transparently for the code that reads it.

A complaint's identity (name, phone, e-mail, address, NIK), what its channel delivered
(`raw_payload`) and, for a WBS report, its description and its timeline's messages are stored
sealed under the complaint's own data key (aduan.envelope): `complaint.name` reads and writes
plain text as before; the column holds `sealed:<base64>`. The data key is kept in
`Complaint.data_key`, wrapped by the holding tenant's key; a forward re-wraps it for the
receiver (complaints.forwarding), an erasure destroys it (complaints.actions.privacy).

Search never decrypts: `Complaint.identity_index` holds the tenant's blind indexes of the
phone, the e-mail and each name token (`identity_lookup`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from aduan import envelope

if TYPE_CHECKING:
    from complaints.models import Complaint

IDENTITY_FIELDS = ("name", "address", "phone", "email", "nik")
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
