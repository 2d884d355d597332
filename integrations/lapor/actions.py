"""A tenant's SP4N-LAPOR! connection: set it and test it (one write path each)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aduan import crypto
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.lapor.protocol import (
    Credentials,
    LaporClient,
    LaporErrorCode,
    LaporUnavailableError,
)
from integrations.lapor.sync import do_schedule_sync
from integrations.models import LaporConnection
from tenants import entitlements
from tenants.models import Tenant


def do_set_lapor_connection(
    *, tenant: Tenant, client_id: str, secret: str, is_active: bool = True, actor: Any
) -> LaporConnection:
    """Create or change the tenant's connection. An empty `secret` keeps the stored one; a
    new connection needs one. A saved active connection is synced at once (a sync that failed
    on the old credentials is tried again)."""
    client_id = client_id.strip()
    if not client_id:
        raise IntegrationError(
            IntegrationErrorCode.INVALID_SETTING,
            _("Isi ID klien SP4N-LAPOR!."),
            {"field": "client_id"},
        )
    with transaction.atomic():
        connection = LaporConnection.objects.select_for_update().filter(tenant=tenant).first()
        if connection is None and not entitlements.has_feature(tenant, entitlements.LAPOR):
            # A connector never enabled is not switched on without the plan; one in use keeps
            # working (and may be edited) whatever the plan says now.
            raise IntegrationError(
                IntegrationErrorCode.NOT_IN_PLAN,
                _("Paket instansi ini tidak mencakup konektor SP4N-LAPOR!."),
                {"field": "client_id"},
            )
        if connection is None:
            if not secret:
                raise IntegrationError(
                    IntegrationErrorCode.NOT_CONFIGURED,
                    _("Isi kunci rahasia SP4N-LAPOR!."),
                    {"field": "secret"},
                )
            connection = LaporConnection(tenant=tenant)
        connection.client_id = client_id
        connection.is_active = is_active
        if secret:
            connection.secret_encrypted = crypto.encrypt(secret)
        connection.save()
        if is_active:
            do_schedule_sync(connection=connection, force=True)
    return connection


def do_test_lapor_connection(*, tenant: Tenant) -> None:
    """Sign in to LAPOR! with the stored credentials; raises a clear error when it fails."""
    connection = LaporConnection.objects.filter(tenant=tenant).first()
    if connection is None:
        raise IntegrationError(
            IntegrationErrorCode.NOT_CONFIGURED,
            _("Instansi ini belum terhubung ke SP4N-LAPOR!."),
        )
    client = LaporClient(
        Credentials(connection.client_id, crypto.decrypt(connection.secret_encrypted))
    )
    try:
        client.authenticate()
    except LaporUnavailableError as error:
        raise IntegrationError(
            LaporErrorCode.UNAVAILABLE,
            _("SP4N-LAPOR! tidak dapat dihubungi saat ini (%(error)s). Coba lagi nanti.")
            % {"error": error},
        ) from error
