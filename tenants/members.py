"""Write paths for who belongs to a tenant: roles granted, invitations sent and accepted.

Re-exported by tenants.actions; call them from there.
"""

from __future__ import annotations

from django.db import transaction

from tenants.models import Membership, Role, Tenant, User


def do_grant_role(*, user: User, tenant: Tenant, role: Role | str) -> Membership:
    """Give a user a role in a tenant; granting a role they already hold changes nothing."""
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            user=user, tenant=tenant, role=Role(role)
        )
    return membership
