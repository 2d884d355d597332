"""Serializers whose fields are built once a class: the request path's hottest endpoints.

DRF builds every declared field again for every serializer instance (`copy.deepcopy`: for a
field, its constructor called again with its arguments, validators and error messages made
anew) so that an instance may change its own fields. Intake's input of 25 fields spent
~0.2 ms a request on that. These serializers never change their fields: an instance gets
shallow copies of fields built once for its class, bound (name, parent, source) to it without
touching the built ones, whose validators, error messages and a list's or dict's child are
shared read-only. A nested serializer needs its own copy (its fields are bound to it), so one
is refused.
"""

from __future__ import annotations

from typing import Any, TypeVar

from rest_framework import serializers

_T = TypeVar("_T")
_F = TypeVar("_F", bound=serializers.Field[Any, Any, Any, Any])

Fields = dict[str, serializers.Field[Any, Any, Any, Any]]


class SharedFieldsSerializer(serializers.Serializer[_T]):
    def get_fields(self) -> Fields:
        cls = type(self)
        built: Fields | None = cls.__dict__.get("_built_fields")  # a subclass builds its own
        if built is None:
            built = super().get_fields()
            for name, field in built.items():
                child = getattr(field, "child", None)
                if isinstance(field, serializers.BaseSerializer) or isinstance(
                    child, serializers.BaseSerializer
                ):
                    raise TypeError(f"{cls.__name__}.{name}: a nested serializer is not shared")
            cls._built_fields = built  # type: ignore[attr-defined]
        return {name: _shallow_copy(field) for name, field in built.items()}


def _shallow_copy(field: _F) -> _F:
    # copy.copy without its protocol's detour (__reduce_ex__): a third of the time.
    copied: _F = object.__new__(type(field))
    copied.__dict__.update(field.__dict__)
    return copied
