"""Reads for members and invitations, each checked against who is asking."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from aduan.errors import NotFoundError
from tenants import permissions
from tenants.models import Invitation, Membership, Tenant
from tenants.permissions import AnyUser


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_path(tenant: Tenant, token: str) -> str:
    """Where the invitation is accepted: on the tenant's own pages, or the platform's."""
    if tenant.schema_name == get_public_schema_name():
        return f"/accounts/invitation/{token}/"
    return f"/{settings.TENANT_PATH_PREFIX}/{tenant.slug}/accounts/invitation/{token}/"


def invitation_url(tenant: Tenant, token: str) -> str:
    return settings.SITE_URL.rstrip("/") + invitation_path(tenant, token)


def _not_found() -> NotFoundError:
    return NotFoundError("tenants.not_found", _("Tidak ditemukan."))


def members_of(tenant: Tenant) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(tenant=tenant)
        .select_related("user")
        .order_by("user__username", "role")
    )


def pending_invitations(tenant: Tenant) -> QuerySet[Invitation]:
    return Invitation.objects.filter(tenant=tenant, accepted_at=None, revoked_at=None).order_by(
        "-created_at"
    )


def find_invitation(token: str, tenant: Tenant) -> Invitation | None:
    """The invitation this token opens, on this tenant's pages only."""
    invitation: Invitation | None = (
        Invitation.objects.select_related("tenant")
        .filter(token_hash=token_digest(token), tenant=tenant)
        .first()
    )
    return invitation


def access_invitation(user: AnyUser, tenant: Tenant, pk: int) -> Invitation:
    """An invitation of this tenant that the user may manage; missing and forbidden alike
    raise NotFoundError."""
    invitation = Invitation.objects.select_related("tenant").filter(tenant=tenant, pk=pk).first()
    if invitation is None or invitation.role not in permissions.grantable_roles(user, tenant):
        raise _not_found()
    return invitation


def access_membership(user: AnyUser, tenant: Tenant, pk: int) -> Membership:
    membership = (
        Membership.objects.select_related("tenant", "user").filter(tenant=tenant, pk=pk).first()
    )
    if membership is None or membership.role not in permissions.grantable_roles(user, tenant):
        raise _not_found()
    return membership
