"""The tenant's own-door setting over the API (its admin): GET reads it, PUT changes it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from routing.actions.directory import do_set_own_door
from routing.models import OwnDoor
from routing.selectors import own_door_policy
from tenants.access import ADMIN_ROLES, TenantRole


class OwnDoorSerializer(serializers.Serializer[dict[str, Any]]):
    own_door = serializers.ChoiceField(choices=OwnDoor.choices)


class OwnDoorApi(TenantApiView):
    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses=OwnDoorSerializer, operation_id="routing_own_door")
    def get(self, request: Request) -> Response:
        return Response({"own_door": own_door_policy(self.tenant).value})

    @extend_schema(
        request=OwnDoorSerializer, responses=OwnDoorSerializer, operation_id="routing_own_door_set"
    )
    def put(self, request: Request) -> Response:
        given = OwnDoorSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        do_set_own_door(
            tenant=self.tenant, own_door=given.validated_data["own_door"], actor=request.user
        )
        return Response({"own_door": own_door_policy(self.tenant).value})
