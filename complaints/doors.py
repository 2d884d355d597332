"""The citizens' doors a tenant sets (reads): the village website that frames the embeddable
form (its origins for CSP `frame-ancestors`, the form's colour) and whether a phone given for
updates is confirmed by a one-time code before the complaint is filed. Stored in
`Tenant.doors`; written only by complaints.actions.doors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from tenants.models import Tenant

DEFAULT_COLOUR = "#1d6b45"
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
ORIGINS_MAX = 10
HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


@dataclass(frozen=True)
class CitizenDoors:
    embed_origins: list[str]
    colour: str
    confirm_phone: bool


def citizen_doors(tenant: Tenant) -> CitizenDoors:
    given = tenant.doors if isinstance(tenant.doors, dict) else {}
    origins = given.get("embed_origins")
    colour = str(given.get("colour") or "")
    return CitizenDoors(
        embed_origins=[str(o) for o in origins] if isinstance(origins, list) else [],
        colour=colour if COLOUR.match(colour) else DEFAULT_COLOUR,
        confirm_phone=bool(given.get("confirm_phone")),
    )


def normal_origin(value: str) -> tuple[str, str | None]:
    """(the origin as CSP and browsers write it, or "", and the problem, or None). An origin
    is a scheme (https, or http for a local test site), a host and an optional port: no
    path, no wildcard, no user name."""
    text = value.strip().rstrip("/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return "", _("Alamat situs tidak sah: %(value)s") % {"value": text[:80]}
    host = (parts.hostname or "").lower()
    if (
        parts.scheme not in ("https", "http")
        or not HOST.match(host)
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        return "", _(
            "Tulis asal situs seperti https://desa-kuripankidul.id (tanpa jalur, tanpa *): "
            "%(value)s"
        ) % {"value": text[:80]}
    default = {"https": 443, "http": 80}[parts.scheme]
    suffix = f":{port}" if port is not None and port != default else ""
    return f"{parts.scheme}://{host}{suffix}", None
