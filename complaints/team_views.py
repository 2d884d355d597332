"""Teams (tim): the admin pages and API to manage them, and assigning a complaint to a team
(the actions are complaints.actions.teams)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.errors import AduanError, NotFoundError
from complaints import selectors
from complaints.actions.assign import ASSIGNER_ROLES, assignable_users
from complaints.actions.teams import do_assign_team, do_save_team, team_members
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.models import Complaint, Team
from complaints.selectors import READ_ROLES, Viewer
from tenants.access import ADMIN_ROLES, TenantRole, tenant_role_required
from tenants.models import Tenant, User
from tenants.permissions import roles_in

# Who reads the teams (to assign to one): everyone who reads complaints, and the admins.
TEAM_READ_ROLES = READ_ROLES | ADMIN_ROLES


def _tenant(request: HttpRequest | Request) -> Tenant:
    tenant: Tenant = request.tenant  # type: ignore[union-attr]
    return tenant


def unknown_team() -> NotFoundError:
    return NotFoundError(ComplaintErrorCode.NOT_FOUND, str(_("Tim tidak ditemukan.")))


def access_team(team_id: int | str | None) -> Team:
    """A team of this tenant (its schema holds only its own); `NotFoundError` otherwise."""
    found = str(team_id)
    team = Team.objects.filter(pk=int(found)).first() if found.isdigit() else None
    if team is None:
        raise unknown_team()
    return team


def _user_label(user: User) -> str:
    return user.get_full_name() or user.get_username()


# --- pages -----------------------------------------------------------------------------------


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Nama tim"), max_length=100)
    members = forms.TypedMultipleChoiceField(
        label=_("Anggota"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, users: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [  # type: ignore[attr-defined]
            (u.pk, _user_label(u)) for u in users
        ]


def _save_from_form(request: HttpRequest, form: TeamForm, team: Team | None) -> Team | None:
    try:
        return do_save_team(
            tenant=_tenant(request),
            team=team,
            name=form.cleaned_data["name"],
            member_ids=form.cleaned_data["members"],
            actor=request.user,  # type: ignore[arg-type]
        )
    except ComplaintError as error:
        field = error.extra.get("field")
        form.add_error(field if field in form.fields else None, error.message)
        return None


@tenant_role_required(*ADMIN_ROLES, read=TEAM_READ_ROLES)
def teams_page(request: HttpRequest) -> HttpResponse:
    """The tenant's teams with their members; admins add a team."""
    tenant = _tenant(request)
    form = TeamForm(request.POST or None, users=assignable_users(tenant))
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_from_form(request, form, None) is not None
    ):
        return redirect("teams")
    teams = [{"team": t, "members": team_members(t)} for t in Team.objects.order_by("name")]
    can_manage = bool(roles_in(request.user, tenant) & ADMIN_ROLES)
    context = {"teams": teams, "form": form, "can_manage": can_manage}
    return render(request, "complaints/teams.html", context, status=400 if form.errors else 200)


@tenant_role_required(*ADMIN_ROLES)
def team_page(request: HttpRequest, team_id: int) -> HttpResponse:
    """Rename a team, add and remove its members."""
    try:
        team = access_team(team_id)
    except NotFoundError:
        raise Http404 from None
    initial = {"name": team.name, "members": [u.pk for u in team_members(team)]}
    form = TeamForm(request.POST or None, users=assignable_users(_tenant(request)), initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_from_form(request, form, team) is not None
    ):
        return redirect("teams")
    status_code = 400 if form.errors else 200
    return render(request, "complaints/team.html", {"team": team, "form": form}, status=status_code)


class ComplaintTeamForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Tim"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("(tidak ada)"))] + [  # type: ignore[attr-defined]
            (str(t.pk), t.name) for t in Team.objects.order_by("name")
        ]


def _access_complaint(request: HttpRequest | Request, complaint_id: int) -> Complaint:
    return selectors.access_complaint(Viewer.of(request.user, _tenant(request)), complaint_id)


@tenant_role_required(*ASSIGNER_ROLES)
def complaint_team_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    try:
        complaint = _access_complaint(request, complaint_id)
    except NotFoundError:
        raise Http404 from None
    form = ComplaintTeamForm(request.POST or None, initial={"team": complaint.team_id})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["team"]
        try:
            do_assign_team(
                tenant=_tenant(request),
                complaint=complaint,
                team=access_team(chosen) if chosen is not None else None,
                actor=request.user,  # type: ignore[arg-type]
            )
        except AduanError as error:
            form.add_error("team", error.message)
        else:
            return redirect("complaints:detail", complaint_id=complaint.pk)
    context = {"complaint": complaint, "form": form}
    return render(
        request, "complaints/complaint_team.html", context, status=400 if form.errors else 200
    )


# --- API -------------------------------------------------------------------------------------


class MemberOutput(serializers.Serializer[User]):
    class Meta:
        ref_name = "TeamMemberOutput"  # not tenants' MemberOutput (a membership)

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: User) -> str:
        return _user_label(user)


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
        tenant=_tenant(request),
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


class ComplaintTeamApi(APIView):
    """Give a complaint to a team (each member works it), or take it back."""

    permission_classes = [TenantRole(*ASSIGNER_ROLES)]

    @extend_schema(
        request=ComplaintTeamInput, responses=ComplaintTeamOutput, operation_id="complaint_team"
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = _access_complaint(request, complaint_id)
        given = ComplaintTeamInput(data=request.data)
        given.is_valid(raise_exception=True)
        team_id = given.validated_data["team"]
        complaint = do_assign_team(
            tenant=_tenant(request),
            complaint=complaint,
            team=access_team(team_id) if team_id is not None else None,
            actor=request.user,  # type: ignore[arg-type]
        )
        return Response(ComplaintTeamOutput(complaint).data)
