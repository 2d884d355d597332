"""The Instagram set-up of a tenant (one write path)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aduan import crypto
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.models import InstagramAccount
from tenants.models import Tenant

ACCOUNT_ID = re.compile(r"^[0-9]{5,40}$")
SECRETS = ("app_secret", "access_token", "verify_token")


def do_set_instagram_account(
    *,
    tenant: Tenant,
    account_id: str,
    app_secret: str = "",
    access_token: str = "",
    verify_token: str = "",
    actor: Any,
) -> InstagramAccount | None:
    """Connect the tenant's Instagram professional account, or disconnect it (an empty id).
    An empty secret keeps the stored one; a new connection needs all three."""
    account_id = account_id.strip()
    given = {
        "app_secret": app_secret.strip(),
        "access_token": access_token.strip(),
        "verify_token": verify_token.strip(),
    }
    with transaction.atomic():
        if not account_id:
            InstagramAccount.objects.filter(tenant=tenant).delete()
            return None
        if not ACCOUNT_ID.match(account_id):
            raise IntegrationError(
                IntegrationErrorCode.INVALID_SETTING,
                _("ID akun Instagram terdiri atas angka saja (lihat Meta Business Suite)."),
                {"field": "account_id"},
            )
        if InstagramAccount.objects.filter(account_id=account_id).exclude(tenant=tenant).exists():
            raise IntegrationError(
                IntegrationErrorCode.INVALID_SETTING,
                _("Akun Instagram ini sudah dipakai instansi lain."),
                {"field": "account_id"},
            )
        account = InstagramAccount.objects.select_for_update().filter(tenant=tenant).first()
        if account is None:
            account = InstagramAccount(tenant=tenant)
            missing = {
                name: [_("Wajib diisi untuk menghubungkan akun.")]
                for name in SECRETS
                if not given[name]
            }
            if missing:
                first = next(iter(missing))
                raise IntegrationError(
                    IntegrationErrorCode.INVALID_SETTING,
                    missing[first][0],
                    {"field": first, "fields": missing},
                )
        account.account_id = account_id
        for name in SECRETS:
            if given[name]:
                setattr(account, f"{name}_encrypted", crypto.encrypt(given[name]))
        account.save()
    return account
