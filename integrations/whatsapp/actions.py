"""The WhatsApp set-up of a tenant (its own number) and the template registry (one write
path each)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.models import NotificationKind, WhatsAppNumber, WhatsAppTemplate
from tenants.models import Tenant

NUMBER_ID = re.compile(r"^[0-9]{5,40}$")
TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")  # Meta's rule for template names
LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")  # e.g. id, en_US


def do_set_whatsapp_number(
    *, tenant: Tenant, phone_number_id: str, display_number: str, actor: Any
) -> WhatsAppNumber | None:
    """Give the tenant its own number (Meta's phone-number id), or none (an empty id): its
    citizens then use the platform's shared number."""
    number_id = phone_number_id.strip()
    with transaction.atomic():
        if not number_id:
            WhatsAppNumber.objects.filter(tenant=tenant).delete()
            return None
        if not NUMBER_ID.match(number_id):
            raise IntegrationError(
                IntegrationErrorCode.INVALID_SETTING,
                _("ID nomor telepon WhatsApp terdiri atas angka saja (lihat WhatsApp Manager)."),
                {"field": "phone_number_id"},
            )
        taken = WhatsAppNumber.objects.filter(phone_number_id=number_id).exclude(tenant=tenant)
        if taken.exists():
            raise IntegrationError(
                IntegrationErrorCode.INVALID_SETTING,
                _("Nomor WhatsApp ini sudah dipakai instansi lain atau platform."),
                {"field": "phone_number_id"},
            )
        number, _created = WhatsAppNumber.objects.update_or_create(
            tenant=tenant,
            defaults={"phone_number_id": number_id, "display_number": display_number.strip()},
        )
    return number


def do_set_whatsapp_template(
    *, tenant: Tenant | None, kind: str, name: str, language: str, actor: Any
) -> WhatsAppTemplate | None:
    """Register the approved template for a notification kind (tenant None: the platform's);
    an empty name removes it."""
    if kind not in NotificationKind.values:
        raise IntegrationError(
            IntegrationErrorCode.INVALID_SETTING,
            _("Jenis pemberitahuan tidak dikenal."),
            {"field": "kind"},
        )
    with transaction.atomic():
        if not name.strip():
            WhatsAppTemplate.objects.filter(tenant=tenant, kind=kind).delete()
            return None
        if not TEMPLATE_NAME.match(name.strip()):
            raise IntegrationError(
                IntegrationErrorCode.INVALID_SETTING,
                _("Nama templat hanya huruf kecil, angka dan garis bawah."),
                {"field": "name"},
            )
        if not LANGUAGE.match(language.strip()):
            raise IntegrationError(
                IntegrationErrorCode.INVALID_SETTING,
                _("Kode bahasa templat tidak sah (contoh: id, en_US)."),
                {"field": "language"},
            )
        template, _created = WhatsAppTemplate.objects.update_or_create(
            tenant=tenant,
            kind=kind,
            defaults={"name": name.strip(), "language": language.strip()},
        )
    return template
