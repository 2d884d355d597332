"""Assigning a complaint: the page and the API (the action is complaints.actions.assign)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints.access import access_complaint_for_request
from complaints.actions.assign import (
    ASSIGNER_ROLES,
    assignable_users,
    do_assign_complaint,
)
from complaints.selectors import staff_user_or_none
from tenants.access import tenant_role_required
from tenants.models import User


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
        tenant = request_tenant(request)
        complaint = access_complaint_for_request(request, complaint_id)
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
                assignee=staff_user_or_none(form.cleaned_data["assignee"]),
                actor=request.user,  # type: ignore[arg-type]
            )
        except AduanError as error:
            form.add_error("assignee", error.message)
        else:
            return redirect("complaints:detail", complaint_id=complaint.pk)
    status = 400 if form.errors else 200
    context = {"complaint": complaint, "form": form}
    return render(request, "complaints/assign.html", context, status=status)
