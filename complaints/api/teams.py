"""Teams (tim): the admin pages and API to manage them, and assigning a complaint to a team
(the actions are complaints.actions.teams)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.base_views import TenantApiView
from aduan.tenancy import request_tenant
from complaints.access import (
    TEAM_READ_ROLES,
    access_complaint_for_request,
    access_team,
)
from complaints.actions.assign import ASSIGNER_ROLES
from complaints.actions.teams import do_assign_team, do_save_team, team_members
from complaints.models import Complaint, Team
from complaints.presenters import user_label
from tenants.access import ADMIN_ROLES, TenantRole
from tenants.models import User


class MemberOutput(serializers.Serializer[User]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: User) -> str:
        return user_label(user)

    class Meta:
        ref_name = "TeamMemberOutput"  # not tenants' MemberOutput (a membership)


class TeamOutput(serializers.Serializer[Team]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    members = serializers.SerializerMethodField()

    @extend_schema_field(MemberOutput(many=True))
    def get_members(self, team: Team) -> list[dict[str, Any]]:
        return list(MemberOutput(team_members(team), many=True).data)  # type: ignore[arg-type]


class TeamInput(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField(allow_blank=True)
    members = serializers.ListField(child=serializers.IntegerField(), default=list)


def _save_from_api(request: Request, team: Team | None) -> Team:
    given = TeamInput(data=request.data)
    given.is_valid(raise_exception=True)
    return do_save_team(
        tenant=request_tenant(request),
        team=team,
        name=given.validated_data["name"],
        member_ids=given.validated_data["members"],
        actor=request.user,  # type: ignore[arg-type]
    )


class TeamsApi(APIView):
    """The tenant's teams (any staff who reads complaints); admins create one."""

    permission_classes = [TenantRole(*ADMIN_ROLES, read=TEAM_READ_ROLES)]

    @extend_schema(responses=TeamOutput(many=True), operation_id="teams_list")
    def get(self, request: Request) -> Response:
        teams = list(Team.objects.order_by("name"))
        return Response(TeamOutput(teams, many=True).data)  # type: ignore[arg-type]

    @extend_schema(request=TeamInput, responses={201: TeamOutput}, operation_id="team_create")
    def post(self, request: Request) -> Response:
        team = _save_from_api(request, None)
        return Response(TeamOutput(team).data, status=status.HTTP_201_CREATED)


class TeamApi(APIView):
    """One team: its admins rename it and set its members (the whole list)."""

    permission_classes = [TenantRole(*ADMIN_ROLES, read=TEAM_READ_ROLES)]

    @extend_schema(responses=TeamOutput, operation_id="team_read")
    def get(self, request: Request, team_id: int) -> Response:
        return Response(TeamOutput(access_team(team_id)).data)

    @extend_schema(request=TeamInput, responses=TeamOutput, operation_id="team_update")
    def put(self, request: Request, team_id: int) -> Response:
        team = _save_from_api(request, access_team(team_id))
        return Response(TeamOutput(team).data)


class ComplaintTeamInput(serializers.Serializer[dict[str, Any]]):
    team = serializers.IntegerField(allow_null=True, help_text="Team id; null to unassign")


class ComplaintTeamOutput(serializers.Serializer[Complaint]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    team = serializers.SerializerMethodField()

    def get_team(self, complaint: Complaint) -> str | None:
        return complaint.team.name if complaint.team else None


class ComplaintTeamApi(TenantApiView):
    """Give a complaint to a team (each member works it), or take it back."""

    permission_classes = [TenantRole(*ASSIGNER_ROLES)]

    @extend_schema(
        request=ComplaintTeamInput, responses=ComplaintTeamOutput, operation_id="complaint_team"
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = access_complaint_for_request(request, complaint_id)
        given = ComplaintTeamInput(data=request.data)
        given.is_valid(raise_exception=True)
        team_id = given.validated_data["team"]
        complaint = do_assign_team(
            tenant=self.tenant,
            complaint=complaint,
            team=access_team(team_id) if team_id is not None else None,
            actor=request.user,  # type: ignore[arg-type]
        )
        return Response(ComplaintTeamOutput(complaint).data)
