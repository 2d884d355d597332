"""REST API of members and invitations (`api/v1/members/...`, `api/v1/invitations/...`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from aduan.tenancy import acting_user
from tenants.access import ADMIN_ROLES, Public, TenantRole
from tenants.actions.members import (
    check_usable,
    do_accept_invitation,
    do_invite_member,
    do_revoke_invitation,
    do_revoke_role,
)
from tenants.auth import selectors as auth_selectors
from tenants.models import Invitation, Membership, Role


class MemberOutput(serializers.Serializer[Membership]):
    id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    email = serializers.EmailField(source="user.email")
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField(source="get_role_display")


class InvitationOutput(serializers.Serializer[Invitation]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField(source="get_role_display")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class MembersOutput(serializers.Serializer[dict[str, Any]]):
    members = MemberOutput(many=True)
    invitations = InvitationOutput(many=True)


class InviteInput(serializers.Serializer[dict[str, Any]]):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


class AcceptInput(serializers.Serializer[dict[str, Any]]):
    token = serializers.CharField(max_length=100)
    username = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class AcceptOutput(serializers.Serializer[Any]):
    username = serializers.CharField()
    tenant = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)


class MembersApi(TenantApiView):
    """The tenant's members with their roles, and its pending invitations; POST invites."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses=MembersOutput, operation_id="members_list")
    def get(self, request: Request) -> Response:
        tenant = self.tenant
        data = {
            "members": auth_selectors.members_of(tenant),
            "invitations": auth_selectors.pending_invitations(tenant),
        }
        return Response(MembersOutput(data).data)

    @extend_schema(
        request=InviteInput, responses={201: InvitationOutput}, operation_id="members_invite"
    )
    def post(self, request: Request) -> Response:
        given = InviteInput(data=request.data)
        given.is_valid(raise_exception=True)
        invitation = do_invite_member(
            tenant=self.tenant,
            email=given.validated_data["email"],
            role=given.validated_data["role"],
            invited_by=acting_user(request),
        )
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class MemberApi(TenantApiView):
    """One role of one member: DELETE takes it away."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses={204: None}, operation_id="members_remove")
    def delete(self, request: Request, membership_id: int) -> Response:
        membership = auth_selectors.access_membership(request.user, self.tenant, membership_id)
        do_revoke_role(membership=membership, actor=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationApi(TenantApiView):
    """One pending invitation: DELETE revokes it (its link stops working)."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses={204: None}, operation_id="members_invitation_revoke")
    def delete(self, request: Request, invitation_id: int) -> Response:
        invitation = auth_selectors.access_invitation(request.user, self.tenant, invitation_id)
        do_revoke_invitation(invitation=invitation, actor=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AcceptInvitationApi(TenantApiView):
    """Accept an invitation of this tenant: a new account (username, password) or, when the
    invited address already has one, that account's password."""

    permission_classes = [Public]
    public_ok = True  # the platform invites its operators on its own host

    @extend_schema(
        request=AcceptInput, responses={201: AcceptOutput}, operation_id="invitation_accept"
    )
    def post(self, request: Request) -> Response:
        given = AcceptInput(data=request.data)
        given.is_valid(raise_exception=True)
        token = given.validated_data["token"]
        tenant = self.tenant
        # Another tenant's token is as unknown here as a made-up one.
        invitation = check_usable(auth_selectors.find_invitation(token, tenant))
        user = do_accept_invitation(
            token=token,
            username=given.validated_data["username"],
            password=given.validated_data["password"],
        )
        output = {"username": user.get_username(), "tenant": tenant.slug, "role": invitation.role}
        return Response(AcceptOutput(output).data, status=status.HTTP_201_CREATED)
