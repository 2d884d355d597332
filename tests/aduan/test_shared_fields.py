"""`aduan.serializers.SharedFieldsSerializer`: fields built once a class, each instance bound to
its own shallow copies; the intake doors' serializers are such."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers

from aduan.serializers import SharedFieldsSerializer
from complaints.api.front_door import FrontDoorInput, FrontDoorOutput
from complaints.api.intake import DeskIntakeInput, DeskReceiptOutput, IntakeInput, ReceiptOutput


class Given(SharedFieldsSerializer[dict[str, Any]]):
    subject = serializers.CharField(max_length=5)
    tags = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    shout = serializers.SerializerMethodField()

    def get_shout(self, value: dict[str, Any]) -> str:
        return str(value["subject"]).upper()


class GivenMore(Given):
    extra = serializers.BooleanField(required=False, default=False)


def test_each_instance_binds_its_own_copies_and_the_built_fields_stay_unbound() -> None:
    first, second = Given(data={"subject": "jalan"}), Given(data={"subject": "terlalu panjang"})
    assert first.is_valid() and not second.is_valid()
    assert first.validated_data == {"subject": "jalan", "tags": []}
    assert set(second.errors) == {"subject"}  # one instance's errors are not the other's
    assert first.fields["subject"] is not second.fields["subject"]
    assert first.fields["subject"].parent is first and second.fields["subject"].parent is second
    assert first.fields["shout"].method_name == "get_shout"  # type: ignore[attr-defined]
    assert Given({"subject": "a"}).data == {"subject": "a", "tags": [], "shout": "A"}
    built = Given.__dict__["_built_fields"]
    assert all(field.parent is None and field.field_name is None for field in built.values())
    # A subclass builds its own, with its own fields
    assert set(GivenMore().fields) == {"subject", "tags", "shout", "extra"}
    assert set(Given().fields) == {"subject", "tags", "shout"}


def test_no_field_is_constructed_again_for_a_new_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    Given().fields  # noqa: B018  (built once for the class)
    made: list[str] = []
    real_init = serializers.Field.__init__

    def counted(field: serializers.Field[Any, Any, Any, Any], *args: Any, **kwargs: Any) -> None:
        if not isinstance(field, serializers.BaseSerializer):  # a serializer is a field too
            made.append(type(field).__name__)
        real_init(field, *args, **kwargs)

    monkeypatch.setattr(serializers.Field, "__init__", counted)
    for _ in range(3):
        assert Given(data={"subject": "ok"}).is_valid()
    assert made == []

    class Plain(serializers.Serializer[dict[str, Any]]):
        subject = serializers.CharField(max_length=5)

    Plain().fields  # noqa: B018  (DRF's own: a new field for every instance)
    assert made == ["CharField", "CharField"]


def test_a_nested_serializer_is_refused() -> None:
    class Nested(SharedFieldsSerializer[dict[str, Any]]):
        inner = Given()

    class NestedList(SharedFieldsSerializer[dict[str, Any]]):
        inner = serializers.ListField(child=Given())

    for serializer in (Nested, NestedList):
        with pytest.raises(TypeError, match="a nested serializer is not shared"):
            serializer().fields  # noqa: B018


def test_the_intake_doors_serializers_share_their_fields() -> None:
    for serializer in (IntakeInput, DeskIntakeInput, ReceiptOutput, DeskReceiptOutput):
        assert issubclass(serializer, SharedFieldsSerializer)
    assert issubclass(FrontDoorInput, SharedFieldsSerializer)
    assert issubclass(FrontDoorOutput, SharedFieldsSerializer)
