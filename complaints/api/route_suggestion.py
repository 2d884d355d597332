"""REST API of the router's proposal on a complaint filed at a village's own door (its
own-door setting says "suggest": routing.models.OwnDoor): read it, follow it with one call or
keep the complaint."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from complaints.access import FORWARD_ROLES, access_held_complaint
from complaints.actions.route import do_follow_route_suggestion, do_keep_complaint
from complaints.presenters import suggestion_of
from complaints.selectors import route_suggestion
from tenants.access import TenantRole

FORWARD, KEEP = "forward", "keep"


class SuggestionOutput(serializers.Serializer[dict[str, Any]]):
    to = serializers.CharField(help_text="Slug of the proposed tenant")
    to_name = serializers.CharField()
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class RouteSuggestionOutput(serializers.Serializer[dict[str, Any]]):
    suggestion = SuggestionOutput(allow_null=True)
    holder = serializers.CharField(help_text="Who holds the complaint now")
    tracking_code = serializers.CharField()


class DecisionInput(serializers.Serializer[dict[str, Any]]):
    decision = serializers.ChoiceField(choices=[FORWARD, KEEP])


class RouteSuggestionApi(TenantApiView):
    # Those who forward (a regency admin or the operator from above too) read and decide.
    permission_classes = [TenantRole(*FORWARD_ROLES)]

    @extend_schema(responses=RouteSuggestionOutput, operation_id="complaint_route_suggestion")
    def get(self, request: Request, complaint_id: int) -> Response:
        complaint = access_held_complaint(request, complaint_id)
        found = suggestion_of(route_suggestion(complaint))
        return Response(
            RouteSuggestionOutput(
                {
                    "suggestion": found,
                    "holder": self.tenant.name,
                    "tracking_code": complaint.tracking_code,
                }
            ).data
        )

    @extend_schema(
        request=DecisionInput,
        responses=RouteSuggestionOutput,
        operation_id="complaint_route_decide",
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = access_held_complaint(request, complaint_id)
        given = DecisionInput(data=request.data)
        given.is_valid(raise_exception=True)
        holder = self.tenant
        if given.validated_data["decision"] == FORWARD:
            carried = do_follow_route_suggestion(
                tenant=holder, complaint=complaint, actor=request.user
            )
            holder = carried.holder or holder
        else:
            do_keep_complaint(tenant=holder, complaint=complaint, actor=request.user)
        return Response(
            RouteSuggestionOutput(
                {
                    "suggestion": None,
                    "holder": holder.name,
                    "tracking_code": complaint.tracking_code,
                }
            ).data
        )
