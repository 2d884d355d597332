"""Write paths for who belongs to a tenant: roles granted and removed, invitations (undangan)
sent, accepted and revoked.

An invitation is a link e-mailed to one
address, valid for `INVITATION_TTL_DAYS`; whoever opens it either signs up (a new user) or, if
a user with that e-mail already exists, confirms with that user's password. Only a SHA-256
digest of the token is stored.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.errors import NotFoundError
from aduan.jobs import enqueue_on_commit
from tenants import entitlements, permissions
from tenants.auth.errors import AuthError, AuthErrorCode
from tenants.auth.selectors import token_digest
from tenants.auth.tasks import send_invitation_email
from tenants.models import Invitation, Membership, Role, Tenant, User

USERNAME_MAX = 150


def do_grant_role(*, user: User, tenant: Tenant, role: Role | str) -> Membership:
    """Give a user a role in a tenant; granting a role they already hold changes nothing."""
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            user=user, tenant=tenant, role=Role(role)
        )
    return membership


def do_take_role(*, user: User, tenant: Tenant, role: Role | str) -> bool:
    """Take a role from a user in a tenant, for the caller that decided who may (the WBS
    officer's dismissal by the head); False when they did not hold it."""
    with transaction.atomic():
        held = Membership.objects.filter(user=user, tenant=tenant, role=Role(role))
        deleted, _rows = held.delete()
    return deleted > 0


def _not_found() -> NotFoundError:
    return NotFoundError("tenants.not_found", _("Tidak ditemukan."))


def _clean_email(email: str) -> str:
    cleaned = email.strip().lower()
    try:
        validate_email(cleaned)
    except ValidationError:
        raise AuthError(
            AuthErrorCode.INVALID_EMAIL,
            _("Alamat e-mail %(email)s tidak valid.") % {"email": email},
            {"field": "email"},
        ) from None
    return cleaned


def do_invite_member(
    *, tenant: Tenant, email: str, role: Role | str, invited_by: User | None
) -> Invitation:
    """Invite someone by e-mail to take a role in a tenant; the mail leaves after commit.

    `invited_by` must be allowed to grant the role (permissions.grantable_roles); `None` is the
    platform itself acting on a decision already authorised (a background job). A new
    invitation replaces a pending one for the same address and role. The returned instance
    carries the raw token in `.token` (the one place besides the e-mail that has it).
    """
    cleaned = _clean_email(email)
    if role not in Role.values:
        raise AuthError(
            AuthErrorCode.INVALID_ROLE,
            _("Peran %(role)s tidak dikenal.") % {"role": role},
            {"field": "role"},
        )
    role = Role(role)
    if invited_by is not None:
        grantable = permissions.grantable_roles(invited_by, tenant)
        if not grantable:
            raise _not_found()
        if role not in grantable:
            raise AuthError(
                AuthErrorCode.ROLE_NOT_GRANTABLE,
                _("Anda tidak dapat memberikan peran %(role)s di instansi ini.")
                % {"role": role.label},
                {"field": "role"},
            )
    if Membership.objects.filter(tenant=tenant, role=role, user__email__iexact=cleaned).exists():
        raise AuthError(
            AuthErrorCode.ALREADY_MEMBER,
            _("%(email)s sudah memiliki peran %(role)s di instansi ini.")
            % {"email": cleaned, "role": role.label},
            {"field": "email"},
        )
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Seats are counted under the tenant row's lock: two invitations at once cannot both
        # take the last seat.
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        _check_seat(locked, cleaned, pending=True, field="email")
        _pending(tenant).filter(email=cleaned, role=role).update(revoked_at=now)
        invitation = Invitation.objects.create(
            email=cleaned,
            tenant=tenant,
            role=role,
            token_hash=token_digest(token),
            expires_at=now + timedelta(days=settings.INVITATION_TTL_DAYS),
            invited_by=invited_by,
        )
        enqueue_on_commit(send_invitation_email, invitation.pk, token)
    invitation.token = token
    return invitation


def seat_holders(tenant: Tenant) -> QuerySet[User]:
    """The tenant's active staff seats (kursi petugas): each active user with a role in it, the
    platform operator aside (billing meters the same count)."""
    staff = Membership.objects.filter(tenant=tenant).exclude(role=Role.PLATFORM_OPERATOR)
    return User.objects.filter(is_active=True, pk__in=staff.values("user_id"))


def _check_seat(tenant: Tenant, email: str, *, pending: bool, field: str) -> None:
    """Refuse a new person beyond the plan's seat quota (tenants.entitlements). Someone who
    already holds a seat may take another role; existing members never lose access, even when
    a smaller plan leaves the tenant above its quota. `pending`: pending invitations of other
    addresses count as seats already promised."""
    limit = entitlements.quota(tenant, entitlements.SEATS)
    if limit is None:
        return
    holders = seat_holders(tenant)
    if holders.filter(email__iexact=email).exists():
        return
    taken = holders.count()
    if pending:
        taken += (
            _pending(tenant)
            .filter(expires_at__gt=timezone.now())
            .exclude(email__iexact=email)
            .exclude(email__in=holders.values("email"))
            .values("email")
            .distinct()
            .count()
        )
    if taken >= limit:
        raise AuthError(
            AuthErrorCode.SEATS_FULL,
            _(
                "Kuota kursi petugas paket ini (%(limit)s) sudah penuh: cabut peran anggota yang "
                "tidak aktif atau minta operator mengganti paket."
            )
            % {"limit": limit},
            {"field": field},
        )


def _pending(tenant: Tenant) -> QuerySet[Invitation]:
    return Invitation.objects.filter(tenant=tenant, accepted_at=None, revoked_at=None)


def check_usable(invitation: Invitation | None) -> Invitation:
    """The invitation if it may still be accepted; otherwise the error that says why."""
    if invitation is None:
        raise AuthError(
            AuthErrorCode.INVITATION_NOT_FOUND,
            _("Undangan tidak ditemukan. Periksa kembali tautan di e-mail Anda."),
            {"field": "token"},
        )
    if invitation.revoked_at is not None:
        raise AuthError(
            AuthErrorCode.INVITATION_REVOKED,
            _("Undangan ini sudah dibatalkan. Mintalah undangan baru kepada admin instansi."),
            {"field": "token"},
        )
    if invitation.accepted_at is not None:
        raise AuthError(
            AuthErrorCode.INVITATION_USED,
            _("Undangan ini sudah dipakai. Silakan masuk dengan akun Anda."),
            {"field": "token"},
        )
    if invitation.expires_at <= timezone.now():
        raise AuthError(
            AuthErrorCode.INVITATION_EXPIRED,
            _("Undangan ini sudah kedaluwarsa. Mintalah undangan baru kepada admin instansi."),
            {"field": "token"},
        )
    return invitation


def existing_user_for(invitation: Invitation) -> User | None:
    """The user who already has the invited address, if any: they confirm with their password."""
    user: User | None = (
        User.objects.filter(email__iexact=invitation.email, is_active=True).order_by("pk").first()
    )
    return user


def do_accept_invitation(*, token: str, username: str, password: str) -> User:
    """Accept an invitation: a new user (username and password), or the existing user with
    the invited address (their password; `username` is then ignored). Grants the role."""
    with transaction.atomic():
        invitation = check_usable(
            Invitation.objects.select_for_update()
            .select_related("tenant")
            .filter(token_hash=token_digest(token))
            .first()
        )
        # The plan may have shrunk since the invitation left (the row as it is now, locked).
        locked = Tenant.objects.select_for_update().get(pk=invitation.tenant_id)
        _check_seat(locked, invitation.email, pending=False, field="token")
        user = existing_user_for(invitation)
        if user is not None:
            if not user.check_password(password):
                raise AuthError(
                    AuthErrorCode.WRONG_PASSWORD,
                    _("Kata sandi salah untuk akun %(email)s.") % {"email": invitation.email},
                    {"field": "password"},
                )
        else:
            user = _new_user(username=username, email=invitation.email, password=password)
        do_grant_role(user=user, tenant=invitation.tenant, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


def _new_user(*, username: str, email: str, password: str) -> User:
    username = username.strip()
    try:
        if not username or len(username) > USERNAME_MAX:
            raise ValidationError("length")
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise AuthError(
            AuthErrorCode.INVALID_USERNAME,
            _("Nama pengguna hanya boleh huruf, angka dan @ . + - _ (maks. %(max)s).")
            % {"max": USERNAME_MAX},
            {"field": "username"},
        ) from None
    if User.objects.filter(username__iexact=username).exists():
        raise AuthError(
            AuthErrorCode.USERNAME_TAKEN,
            _("Nama pengguna %(username)s sudah dipakai.") % {"username": username},
            {"field": "username"},
        )
    try:
        validate_password(password, user=User(username=username, email=email))
    except ValidationError as exc:
        raise AuthError(
            AuthErrorCode.INVALID_PASSWORD, " ".join(exc.messages), {"field": "password"}
        ) from None
    user: User = User.objects.create_user(username=username, email=email, password=password)
    return user


def do_revoke_invitation(*, invitation: Invitation, actor: User) -> Invitation:
    """Cancel a pending invitation; its link stops working at once."""
    if invitation.role not in permissions.grantable_roles(actor, invitation.tenant):
        raise _not_found()
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise AuthError(
                AuthErrorCode.INVITATION_USED,
                _("Undangan ini sudah diterima; cabut perannya dari daftar anggota."),
                {"field": "invitation"},
            )
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
    return locked


def do_revoke_role(*, membership: Membership, actor: User) -> None:
    """Take a role away from a member. The last tenant admin stays (someone must administer)."""
    if membership.role not in permissions.grantable_roles(actor, membership.tenant):
        raise _not_found()
    with transaction.atomic():
        admins = Membership.objects.select_for_update().filter(
            tenant=membership.tenant, role=Role.TENANT_ADMIN
        )
        if membership.role == Role.TENANT_ADMIN and len(admins) <= 1:
            raise AuthError(
                AuthErrorCode.LAST_ADMIN,
                _("Admin instansi terakhir tidak dapat dicabut; undang admin lain dahulu."),
                {"field": "membership"},
            )
        Membership.objects.filter(pk=membership.pk).delete()
