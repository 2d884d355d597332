"""Model fields of the public tables that hold personal data (UU 27/2022): the channels'
inbound store, the outbox, WhatsApp conversations, LAPOR! referrals. Values are sealed under
the platform's key (aduan.envelope.seal_platform) when written and opened when read, so the
code using the models is unchanged; a stolen dump of the table shows `sealed:<base64>` only.

Equality look-ups cannot work on sealed values (a fresh nonce each time): a column that is
looked up (a WhatsApp id) is kept as a blind index instead (`PlatformBlindField`), which
hashes the look-up value the same way, so `filter(wa_id=...)` still finds the row."""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from aduan import envelope


def _context(field: models.Field[Any, Any]) -> str:
    return f"{field.model._meta.db_table}.{field.name}"


class PlatformSealedTextField(models.TextField):  # type: ignore[type-arg]
    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, str) and value.startswith("sealed:"):
            return envelope.open_platform(value, _context(self))
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if isinstance(value, str) and value and not value.startswith("sealed:"):
            return envelope.seal_platform(value, _context(self))
        return value


class PlatformSealedJSONField(models.JSONField):
    """Stored as {"sealed": "sealed:<base64>"}; None, {} and [] stay as they are."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        value = super().from_db_value(value, expression, connection)
        if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("sealed"), str):
            return json.loads(envelope.open_platform(value["sealed"], _context(self)))
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value in (None, {}, []) or (isinstance(value, dict) and "sealed" in value):
            return super().get_prep_value(value)
        sealed = envelope.seal_platform(json.dumps(value), _context(self))
        return super().get_prep_value({"sealed": sealed})


class PlatformBlindField(models.CharField):  # type: ignore[type-arg]
    """A value kept only to be found again: its platform blind index ("bi:<digest>")."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if isinstance(value, str) and value:
            return envelope.blind_platform(_context(self), value)
        return value


def reseal_rows(model: type[models.Model], field_names: list[str]) -> int:
    """Rewrite these columns of every row through their fields (a data migration's step):
    values stored in plain before sealing come out sealed (or blind-indexed). Idempotent."""
    done = 0
    for row in model._default_manager.all().order_by("pk").iterator(chunk_size=500):
        values = {name: getattr(row, name) for name in field_names}
        model._default_manager.filter(pk=row.pk).update(**values)
        done += 1
    return done
