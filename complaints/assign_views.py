"""Assigning a complaint: the page and the API (the action is complaints.actions.assign)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints import selectors
from complaints.actions.assign import (
    ASSIGNER_ROLES,
    assignable_users,
    do_assign_complaint,
    not_assignable,
)
from complaints.models import Complaint
from complaints.selectors import Viewer
from tenants.access import TenantRole, tenant_role_required
from tenants.models import Tenant, User


def _access(request: HttpRequest | Request, complaint_id: int) -> tuple[Tenant, Complaint]:
    tenant = request_tenant(request)
    complaint = selectors.access_complaint(Viewer.of(request.user, tenant), complaint_id)
    return tenant, complaint


def _user_or_none(user_id: int | None) -> User | None:
    return None if user_id is None else User.objects.filter(pk=user_id).first()


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(
        label=_("Ditugaskan kepada"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, users: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(tidak ada)"))] + [
            (str(u.pk), u.get_full_name() or u.get_username()) for u in users
        ]
        self.fields["assignee"].choices = choices  # type: ignore[attr-defined]


@tenant_role_required(*ASSIGNER_ROLES)
def assign_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    try:
        tenant, complaint = _access(request, complaint_id)
    except NotFoundError:
        raise Http404 from None
    users = assignable_users(tenant, wbs=complaint.is_wbs)
    initial = {"assignee": complaint.assignee_id}
    form = AssignForm(request.POST or None, users=users, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            do_assign_complaint(
                tenant=tenant,
                complaint=complaint,
                assignee=_user_or_none(form.cleaned_data["assignee"]),
                actor=request.user,  # type: ignore[arg-type]
            )
        except AduanError as error:
            form.add_error("assignee", error.message)
        else:
            return redirect("complaints:detail", complaint_id=complaint.pk)
    status = 400 if form.errors else 200
    context = {"complaint": complaint, "form": form}
    return render(request, "complaints/assign.html", context, status=status)


class AssignmentInput(serializers.Serializer[dict[str, Any]]):
    assignee = serializers.IntegerField(allow_null=True, help_text="User id; null to unassign")


class AssignmentOutput(serializers.Serializer[Complaint]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    assignee = serializers.SerializerMethodField()

    def get_assignee(self, complaint: Complaint) -> str | None:
        return complaint.assignee.get_username() if complaint.assignee else None


class AssignmentApi(APIView):
    """Give a complaint to a member of this tenant (or take it back)."""

    permission_classes = [TenantRole(*ASSIGNER_ROLES)]

    @extend_schema(
        request=AssignmentInput, responses=AssignmentOutput, operation_id="complaint_assign"
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        tenant, complaint = _access(request, complaint_id)
        given = AssignmentInput(data=request.data)
        given.is_valid(raise_exception=True)
        assignee_id = given.validated_data["assignee"]
        assignee = _user_or_none(assignee_id)
        if assignee_id is not None and assignee is None:
            raise not_assignable()  # an unknown id, refused like a non-member
        complaint = do_assign_complaint(
            tenant=tenant,
            complaint=complaint,
            assignee=assignee,
            actor=request.user,  # type: ignore[arg-type]
        )
        return Response(AssignmentOutput(complaint).data)
