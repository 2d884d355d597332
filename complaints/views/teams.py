"""Teams (tim): the admin pages and API to manage them, and assigning a complaint to a team
(the actions are complaints.actions.teams)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints.access import TEAM_READ_ROLES, access_complaint_for_request, access_team
from complaints.actions.assign import ASSIGNER_ROLES, assignable_users
from complaints.actions.teams import do_assign_team, do_save_team, team_members
from complaints.errors import ComplaintError
from complaints.models import Team
from complaints.presenters import user_label
from tenants.access import ADMIN_ROLES, tenant_role_required
from tenants.models import User
from tenants.permissions import roles_in


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Nama tim"), max_length=100)
    members = forms.TypedMultipleChoiceField(
        label=_("Anggota"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, users: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [  # type: ignore[attr-defined]
            (u.pk, user_label(u)) for u in users
        ]


def _save_from_form(request: HttpRequest, form: TeamForm, team: Team | None) -> Team | None:
    try:
        return do_save_team(
            tenant=request_tenant(request),
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
    tenant = request_tenant(request)
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
    form = TeamForm(
        request.POST or None, users=assignable_users(request_tenant(request)), initial=initial
    )
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


@tenant_role_required(*ASSIGNER_ROLES)
def complaint_team_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    try:
        complaint = access_complaint_for_request(request, complaint_id)
    except NotFoundError:
        raise Http404 from None
    form = ComplaintTeamForm(request.POST or None, initial={"team": complaint.team_id})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["team"]
        try:
            do_assign_team(
                tenant=request_tenant(request),
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
