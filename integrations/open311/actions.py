"""Open311 write paths: client applications (api keys) and service requests, which become
complaints through the one intake function."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from complaints.actions.dispose import NewComplaint, do_carry_out_disposition
from complaints.actions.intake import do_file_complaint, unknown_village
from complaints.models import Channel, Complaint
from integrations.models import Open311Client, Open311Token
from integrations.open311 import spec
from integrations.open311.errors import Open311Error, Open311ErrorCode
from routing.disposition import dispose
from routing.models import LaporReferral
from routing.router import propose
from routing.selectors import category_questions
from tenants.models import Tenant, User

Actor = AbstractBaseUser | AnonymousUser | None


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def do_create_open311_client(
    *,
    name: str,
    contact: str = "",
    tenant: Tenant | None = None,
    can_push_updates: bool = False,
    actor: Actor,
) -> tuple[Open311Client, str]:
    """A client application and its api_key; the key is returned once and only hashed after."""
    name = name.strip()
    if not name:
        raise Open311Error(
            Open311ErrorCode.CLIENT_NAME, _("Nama aplikasi wajib diisi."), {"field": "name"}
        )
    api_key = secrets.token_urlsafe(24)
    with transaction.atomic():
        client = Open311Client.objects.create(
            name=name[:200],
            contact=contact.strip()[:200],
            key_prefix=api_key[:8],
            key_hash=hash_key(api_key),
            tenant=tenant,
            can_push_updates=can_push_updates,
            created_by=actor if isinstance(actor, User) else None,
        )
    return client, api_key


def do_revoke_open311_client(*, client: Open311Client, actor: Actor) -> Open311Client:
    with transaction.atomic():
        if client.revoked_at is None:
            client.revoked_at = timezone.now()
            client.save(update_fields=["revoked_at"])
    return client


def authenticate(api_key: str, tenant: Tenant | None) -> Open311Client:
    """The client holding this key, allowed in `tenant` (None: the front door); else 403."""
    client = (
        Open311Client.objects.filter(key_hash=hash_key(api_key), revoked_at__isnull=True).first()
        if api_key
        else None
    )
    if client is None or (client.tenant_id is not None and client.tenant != tenant):
        raise Open311Error(
            Open311ErrorCode.BAD_API_KEY,
            _("api_key tidak ada atau tidak berlaku."),
            {"field": "api_key"},
            status=403,
        )
    return client


@dataclass
class ServiceRequestForm:
    """A POST requests body, parsed; `attributes` keeps every value of attribute[code][]."""

    service_code: str
    lat: Decimal | None = None
    long: Decimal | None = None
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)

    def attribute(self, code: str) -> str:
        values = self.attributes.get(code) or [""]
        return values[0].strip()


def parse_decimal(raw: str, name: str) -> Decimal | None:
    if not raw.strip():
        return None
    try:
        return Decimal(raw.strip())
    except InvalidOperation:
        raise Open311Error(
            Open311ErrorCode.INVALID, _("%(name)s bukan angka.") % {"name": name}, {"field": name}
        ) from None


def parse_form(data: Mapping[str, Sequence[str]]) -> ServiceRequestForm:
    """Read a form body (a QueryDict's lists) into the request's fields, checking the spec's
    rules: service_code is required, and a location (lat and long, address_string or
    address_id)."""

    def one(key: str) -> str:
        values = data.get(key) or [""]
        return values[0].strip()

    service_code = one("service_code")
    if not service_code:
        raise Open311Error(
            Open311ErrorCode.MISSING, _("service_code wajib diisi."), {"field": "service_code"}
        )
    form = ServiceRequestForm(
        service_code=service_code,
        lat=parse_decimal(one("lat"), "lat"),
        long=parse_decimal(one("long"), "long"),
        address_string=one("address_string"),
        address_id=one("address_id"),
        email=one("email"),
        device_id=one("device_id"),
        account_id=one("account_id"),
        first_name=one("first_name"),
        last_name=one("last_name"),
        phone=one("phone"),
        description=one("description"),
        media_url=one("media_url"),
    )
    for key in data:
        code = attribute_code(key)
        if code is not None:
            form.attributes.setdefault(code, []).extend(v for v in data.get(key) or [] if v)
    if (form.lat is None) != (form.long is None):
        missing = "long" if form.long is None else "lat"
        raise Open311Error(
            Open311ErrorCode.MISSING, _("lat dan long harus diisi berdua."), {"field": missing}
        )
    if form.lat is None and not (form.address_string or form.address_id):
        raise Open311Error(
            Open311ErrorCode.MISSING,
            _("Lokasi wajib diisi: lat dan long, address_string, atau address_id."),
            {"field": "lat"},
        )
    return form


def attribute_code(key: str) -> str | None:
    """`attribute[code]` and `attribute[code][]` -> code."""
    if not key.startswith("attribute[") or "]" not in key:
        return None
    code = key[len("attribute[") : key.index("]")]
    rest = key[key.index("]") + 1 :]
    return code if code and rest in ("", "[]") else None


def check_attributes(form: ServiceRequestForm, service: spec.Service | None = None) -> None:
    for attribute in spec.attributes(service):
        values = form.attributes.get(attribute.code, [])
        if attribute.required and not values:
            raise Open311Error(
                Open311ErrorCode.MISSING,
                _("attribute[%(code)s] wajib diisi.") % {"code": attribute.code},
                {"field": f"attribute[{attribute.code}]"},
            )
        keys = {key for key, _name in attribute.values}
        if keys and any(v not in keys for v in values):
            raise Open311Error(
                Open311ErrorCode.INVALID,
                _("attribute[%(code)s] harus salah satu dari: %(keys)s.")
                % {"code": attribute.code, "keys": ", ".join(sorted(keys))},
                {"field": f"attribute[{attribute.code}]"},
            )


@dataclass(frozen=True)
class Submitted:
    """A filed request: the tenant and complaint that hold it, or (from the front door, with
    no body on Aduan to take it) the SP4N-LAPOR! referral that keeps it."""

    tenant: Tenant | None
    complaint: Complaint | None
    tracking_code: str
    token: str | None  # set when the front door routed the request
    referral: LaporReferral | None = None


def do_submit_service_request(
    *, tenant: Tenant | None, form: ServiceRequestForm, client: Open311Client
) -> Submitted:
    """File the request as a complaint of `tenant`. None: the platform's front door, which
    goes through the one router (village code, address text, coordinates where boundaries
    are loaded, category) and the one disposition: filed with the body chosen, in a regency's
    triage queue when unsure, or referred to SP4N-LAPOR! (coordinates kept) when no body can
    be chosen; it never refuses a request it cannot place, and answers with a token. Like
    every complaint, a request is rahasia (not public) unless the client says otherwise with
    attribute[rahasia]=tidak; the person's identity is never part of a public listing."""
    service = spec.find_service(form.service_code)
    if service is None:
        raise Open311Error(
            Open311ErrorCode.UNKNOWN_SERVICE,
            _("service_code tidak dikenal."),
            {"field": "service_code"},
        )
    check_attributes(form, service)
    village_code = form.attribute("kode_desa")
    name = " ".join(part for part in (form.first_name, form.last_name) if part)
    raw: dict[str, Any] = {
        "open311": {
            "client": client.pk,
            "service_code": form.service_code,
            "lat": str(form.lat) if form.lat is not None else None,
            "long": str(form.long) if form.long is not None else None,
            "address_string": form.address_string,
            "address_id": form.address_id,
            "device_id": form.device_id,
            "account_id": form.account_id,
            "media_url": form.media_url,
            "attributes": form.attributes,
        }
    }
    fields: dict[str, Any] = {
        "name": name,
        "address": form.attribute("alamat_pengadu"),
        "phone": form.phone,
        "email": form.email,
        "subject": form.attribute("pokok") or service.name,
        "description": form.description,
        "category": service.code,
        "village_code": village_code,
        "address_text": form.address_string[:300],
        "latitude": form.lat,
        "longitude": form.long,
        # Rahasia by default (SP4N-LAPOR!'s rule): only an explicit "tidak" makes it public.
        "is_confidential": form.attribute("rahasia") != spec.CONFIDENTIAL_NO,
        "raw_payload": raw,
        # The service's own questions (q_<key> attributes), required ones checked above.
        "answers": {q.key: form.attribute(q.field) for q in category_questions(service.code)},
    }

    def file_at(target: Tenant, routed: str | None = None) -> Complaint:
        return do_file_complaint(
            tenant=target,
            channel=Channel.OPEN311,
            actor_label=client.name,
            # Routed already at the front door; else the router looks at it after commit.
            route=routed is None,
            routed=routed or "",
            **fields,
        )

    if tenant is not None:
        with transaction.atomic(), schema_context(tenant.schema_name):
            complaint = file_at(tenant)
        return Submitted(tenant, complaint, complaint.tracking_code, None)
    proposal = propose(
        subject=fields["subject"],
        description=form.description,
        category_key=service.code,
        village_code=village_code,
        address_text=form.address_string,
        latitude=form.lat,
        longitude=form.long,
    )
    if proposal.unknown_village(village_code):
        # Refused before anything is kept (with a body named, the intake action refuses it).
        raise Open311Error(
            Open311ErrorCode.INVALID,
            unknown_village(village_code).message,
            {"field": "attribute[kode_desa]"},
        )
    with transaction.atomic():
        carried = do_carry_out_disposition(
            disposition=dispose(proposal), new=NewComplaint(file_at, fields)
        )
        token = secrets.token_urlsafe(18)
        if carried.complaint is not None and carried.holder is not None:
            holder, held_id = carried.holder, carried.complaint.pk
        else:
            # Kept for SP4N-LAPOR!: the platform itself answers for it, by the referral's id.
            assert carried.referral is not None
            holder = Tenant.objects.get(schema_name=get_public_schema_name())
            held_id = carried.referral.pk
        Open311Token.objects.create(token=token, tenant=holder, complaint_id=held_id, client=client)
    return Submitted(
        carried.holder, carried.complaint, carried.tracking_code, token, carried.referral
    )
