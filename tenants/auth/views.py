"""Pages of members and invitations: the tenant admins' members page, and the page an invitee
opens from the e-mail."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tenants.utils import get_public_schema_name

from aduan.errors import AduanError
from aduan.tenancy import acting_user, request_tenant
from tenants import permissions
from tenants.access import ADMIN_ROLES, public_page, tenant_role_required
from tenants.actions.members import (
    check_usable,
    do_accept_invitation,
    do_invite_member,
    do_revoke_invitation,
    do_revoke_role,
    existing_user_for,
)
from tenants.auth import selectors as auth_selectors
from tenants.auth.errors import AuthErrorCode
from tenants.models import Role, User

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"), max_length=254)
    role = forms.ChoiceField(label=gettext_lazy("Peran"))

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]  # type: ignore[attr-defined]


class AcceptForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Nama pengguna"), max_length=150, required=False)
    password = forms.CharField(label=gettext_lazy("Kata sandi"), widget=forms.PasswordInput)
    password_again = forms.CharField(
        label=gettext_lazy("Ulangi kata sandi"), widget=forms.PasswordInput, required=False
    )

    def __init__(self, *args: Any, new_user: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.new_user = new_user
        if new_user:
            self.fields["username"].required = True
            self.fields["password_again"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.new_user and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("Kedua kata sandi tidak sama."))
        return data


def _add_error(form: forms.Form, error: AduanError) -> None:
    field = error.extra.get("field")
    form.add_error(field if field in form.fields else None, error.message)


@tenant_role_required(*ADMIN_ROLES)
def members(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    roles = permissions.grantable_roles(request.user, tenant)
    form = InviteForm(request.POST or None, roles=roles)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = do_invite_member(
                    tenant=tenant,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=acting_user(request),
                )
            except AduanError as error:
                _add_error(form, error)
            else:
                messages.success(
                    request,
                    _("Undangan dikirim ke %(email)s.") % {"email": invitation.email},
                )
                return redirect("members")
        status = 400
    context = {
        "tenant": tenant,
        "form": form,
        "members": auth_selectors.members_of(tenant),
        "invitations": auth_selectors.pending_invitations(tenant),
        "grantable": {r.value for r in roles},
    }
    return render(request, "tenants/members.html", context, status=status)


@tenant_role_required(*ADMIN_ROLES)
@require_POST
def revoke_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    tenant = request_tenant(request)
    invitation = auth_selectors.access_invitation(request.user, tenant, invitation_id)
    try:
        do_revoke_invitation(invitation=invitation, actor=acting_user(request))
    except AduanError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Undangan untuk %(email)s dibatalkan.") % {"email": invitation.email}
        )
    return redirect("members")


@tenant_role_required(*ADMIN_ROLES)
@require_POST
def remove_member(request: HttpRequest, membership_id: int) -> HttpResponse:
    tenant = request_tenant(request)
    membership = auth_selectors.access_membership(request.user, tenant, membership_id)
    try:
        do_revoke_role(membership=membership, actor=acting_user(request))
    except AduanError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Peran %(role)s dicabut dari %(user)s.")
            % {"role": membership.get_role_display(), "user": membership.user.get_username()},
        )
    return redirect("members")


@public_page
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page the invitation e-mail links to: sign up (or confirm an existing account) and
    take the role."""
    # The platform invites its operators on its own host.
    tenant = request_tenant(request, public_ok=True)
    found = auth_selectors.find_invitation(token, tenant)
    try:
        invitation = check_usable(found)
    except AduanError as error:
        status = 404 if error.code == AuthErrorCode.INVITATION_NOT_FOUND else 400
        return render(
            request,
            "tenants/invitation.html",
            {"error": error.message, "tenant": tenant},
            status=status,
        )
    existing: User | None = existing_user_for(invitation)
    form = AcceptForm(request.POST or None, new_user=existing is None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = do_accept_invitation(
                    token=token,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                )
            except AduanError as error:
                _add_error(form, error)
            else:
                login(request, user, backend=MODEL_BACKEND)
                messages.success(
                    request,
                    _("Selamat datang di %(tenant)s.") % {"tenant": tenant.name},
                )
                public = tenant.schema_name == get_public_schema_name()
                return redirect("home" if public else "console")
        status = 400
    context = {
        "tenant": tenant,
        "invitation": invitation,
        "existing": existing,
        "form": form,
    }
    return render(request, "tenants/invitation.html", context, status=status)
