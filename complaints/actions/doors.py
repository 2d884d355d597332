"""The citizens' doors (one writer each): the tenant's embed and confirmation settings, a
phone's one-time code sent by SMS or WhatsApp, and the check of that code at filing.

Identity confirmation (optional per tenant): when the tenant asks for it, a complaint filed at
a self-service door (the form, the embed, the API) with a phone number for updates needs the
one-time code sent to that phone (aduan.onetime; tries and sends bounded by aduan.ratelimit,
per phone). The channels that vouch for the number themselves (WhatsApp, SMS) and the staff
desk do not ask.

The platform's front door (/pengaduan/) knows the body only after routing, so its codes are
the platform's own (sent in Aduan's name, kept under the public schema's subject) and are asked
for when the body the complaint is routed to confirms phones: the first try without a code is
refused with the body's name and nothing is filed; the citizen asks for the code and sends
again. A body that does not confirm phones takes the complaint without one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from aduan import onetime, ratelimit
from complaints.doors import COLOUR, ORIGINS_MAX, citizen_doors, normal_origin
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.validation import intake_phone, phone_problem
from integrations.notify import notify_phone_code
from tenants.models import Tenant

CODE_PURPOSE = "phone_confirm"
CODE_MINUTES = 10
CODE_CHANNELS = ("sms", "whatsapp")


def do_set_citizen_doors(
    *,
    tenant: Tenant,
    embed_origins: list[str],
    colour: str,
    confirm_phone: bool,
    actor: Any,
) -> Tenant:
    """Set the website origins that may frame the embeddable form, its colour, and whether a
    phone is confirmed before filing. Every origin is checked; one bad one changes nothing."""
    origins: list[str] = []
    problems: list[str] = []
    for given in embed_origins:
        if not given.strip():
            continue
        origin, problem = normal_origin(given)
        if problem:
            problems.append(problem)
        elif origin not in origins:
            origins.append(origin)
    if len(origins) > ORIGINS_MAX:
        problems.append(_("Paling banyak %(n)s situs.") % {"n": ORIGINS_MAX})
    if problems:
        raise ComplaintError(
            ComplaintErrorCode.INVALID_ORIGIN,
            problems[0],
            {"field": "embed_origins", "fields": {"embed_origins": problems}},
        )
    colour = colour.strip() or citizen_doors(tenant).colour
    if not COLOUR.match(colour):
        raise ComplaintError(
            ComplaintErrorCode.INVALID_COLOUR,
            _("Warna ditulis sebagai #RRGGBB, misalnya #1d6b45."),
            {"field": "colour"},
        )
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        locked.doors = {
            **(locked.doors if isinstance(locked.doors, dict) else {}),
            "embed_origins": origins,
            "colour": colour.lower(),
            "confirm_phone": bool(confirm_phone),
        }
        locked.save(update_fields=["doors"])
    tenant.doors = locked.doors
    return tenant


def _subject(tenant: Tenant, phone: str, code_schema: str = "") -> str:
    return f"{code_schema or tenant.schema_name}:{phone}"


def _count(key: str) -> None:
    """One more send or try for this phone; beyond the rate, 429."""
    decision = ratelimit.hit(ratelimit.Scope.PHONE_CODE, key)
    if not decision.allowed:
        raise ratelimit.RateLimitedError(
            decision.retry_after, code=ComplaintErrorCode.PHONE_CODE_RATE_LIMITED
        )


def _checked_phone(phone: str) -> str:
    problem = phone_problem(phone) if phone.strip() else None
    if not phone.strip() or problem is not None:
        raise ComplaintError(
            ComplaintErrorCode.INVALID_PHONE,
            problem.message if problem else _("Tuliskan nomor telepon/WhatsApp."),
            {"field": "phone"},
        )
    return intake_phone(phone.strip())


def do_send_phone_code(*, tenant: Tenant, phone: str, channel: str = "sms") -> None:
    """Send a one-time code to `phone` by SMS or WhatsApp (sends limited per phone)."""
    number = _checked_phone(phone)
    if channel not in CODE_CHANNELS:
        raise ComplaintError(
            ComplaintErrorCode.INVALID_CHANNEL,
            _("Kode dikirim lewat SMS atau WhatsApp."),
            {"field": "channel"},
        )
    _count("send:" + _subject(tenant, number))
    with transaction.atomic():
        [code] = onetime.do_issue_codes(
            purpose=CODE_PURPOSE,
            subject=_subject(tenant, number),
            count=1,
            length=6,
            digits_only=True,
            ttl=timedelta(minutes=CODE_MINUTES),
        )
        notify_phone_code(
            tenant=tenant, phone=number, channel=channel, code=code, minutes=CODE_MINUTES
        )


def do_send_front_door_phone_code(*, phone: str, channel: str = "sms") -> None:
    """The front door's code: the platform's own (the body is not known yet), sent in its
    name; checked at filing when the routed body confirms phones (confirm_phone's
    `code_schema`)."""
    platform = Tenant.objects.get(schema_name=get_public_schema_name())
    do_send_phone_code(tenant=platform, phone=phone, channel=channel)


def confirm_phone(
    *, tenant: Tenant, phone: str, code: str | None, code_schema: str = ""
) -> bool:
    """At filing (complaints.actions.intake): True when the phone was confirmed by its code,
    False when this tenant or filing needs none (no confirmation asked, or no phone given);
    a missing, wrong or expired code, or too many tries, is refused (nothing is filed).
    `code` None: the door vouches for the number itself or is the staff desk. `code_schema`:
    whose code it is when not the tenant's (the front door's: the public schema)."""
    if code is None or not phone.strip() or not citizen_doors(tenant).confirm_phone:
        return False
    number = intake_phone(phone.strip())
    if not code.strip():
        raise ComplaintError(
            ComplaintErrorCode.PHONE_CODE_REQUIRED,
            _("Minta kode konfirmasi ke nomor ini, lalu tuliskan kodenya."),
            {"field": "phone_code"},
        )
    subject = _subject(tenant, number, code_schema)
    _count("try:" + subject)
    if not onetime.do_use_code(purpose=CODE_PURPOSE, subject=subject, code=code):
        raise ComplaintError(
            ComplaintErrorCode.BAD_PHONE_CODE,
            _("Kode konfirmasi salah atau sudah kedaluwarsa. Minta kode baru bila perlu."),
            {"field": "phone_code"},
        )
    return True
