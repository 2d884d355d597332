"""What GeoReport v2 names and shapes: the service list, service definitions, the request
representation, status mapping, and rendering to JSON or XML (element names as the spec).

The spec's traps, kept here: a single request is still an array of one; a service definition
is an object; `status` is only "open" or "closed"; `description` is at most 4,000 characters.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from xml.etree import ElementTree as ET

from django.apps import apps
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.sop_templates import parsed_template
from routing.selectors import category_questions

DESCRIPTION_LIMIT = 4000
OPEN, CLOSED = "open", "closed"

# Used until the platform's category catalogue (routing.Category) exists; then that wins.
FALLBACK_SERVICES: tuple[tuple[str, str, str], ...] = (
    ("infrastruktur", "Infrastruktur", "Jalan, jembatan, drainase dan fasilitas umum"),
    ("kependudukan", "Administrasi kependudukan", "KTP-el, kartu keluarga, akta, surat pindah"),
    ("kebersihan", "Kebersihan dan lingkungan", "Sampah, pencemaran, saluran tersumbat"),
    ("air-bersih", "Air bersih", "Layanan air minum dan air bersih"),
    ("penerangan", "Penerangan jalan", "Lampu penerangan jalan umum"),
    ("kesehatan", "Kesehatan", "Puskesmas, posyandu, layanan kesehatan"),
    ("pendidikan", "Pendidikan", "Sekolah dan layanan pendidikan"),
    ("sosial", "Bantuan sosial", "Bantuan sosial dan perlindungan sosial"),
    ("pelayanan-publik", "Pelayanan publik", "Perilaku petugas, pungutan, prosedur layanan"),
    ("lainnya", "Lainnya", "Hal lain yang perlu diadukan"),
)


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    group: str


def services() -> list[Service]:
    """The service list: the category catalogue of the public schema when it exists."""
    # Looked up by name: the catalogue may not be installed yet.
    category = apps.get_app_config("routing").models.get("category")
    if category is not None:
        rows = list(category._default_manager.order_by("topic", "name"))
        if rows:
            return [
                Service(
                    code=str(row.pk),
                    name=str(getattr(row, "name", row.pk)),
                    description=str(getattr(row, "name", "")),
                    group=str(getattr(row, "topic", "")),
                )
                for row in rows
            ]
    return [Service(code, name, description, "") for code, name, description in FALLBACK_SERVICES]


def find_service(code: str) -> Service | None:
    return next((s for s in services() if s.code == code), None)


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist, multivaluelist
    required: bool
    description: str
    datatype_description: str = ""
    values: tuple[tuple[str, str], ...] = ()


CONFIDENTIAL_YES, CONFIDENTIAL_NO = "ya", "tidak"


def attributes(service: Service | None = None) -> list[Attribute]:
    """What intake needs beyond the standard fields, the same for every service, then the
    service's (category's) own questions as `q_<key>` (F09)."""
    return [*common_attributes(), *question_attributes(service)]


def question_attributes(service: Service | None) -> list[Attribute]:
    if service is None:
        return []
    return [
        Attribute(q.field, "string", q.required, q.label, q.label)
        for q in category_questions(service.code)
    ]


def common_attributes() -> list[Attribute]:
    return [
        Attribute(
            "alamat_pengadu",
            "string",
            False,
            _("Alamat pengadu"),
            _("Alamat tempat tinggal pengadu (unsur wajib pengaduan)."),
        ),
        Attribute("pokok", "string", False, _("Pokok pengaduan"), _("Paling banyak 200 huruf.")),
        Attribute(
            "kode_desa",
            "string",
            False,
            _("Kode desa/kelurahan"),
            _("Kode wilayah Kemendagri, misalnya 33.01.09.2014."),
        ),
        Attribute(
            "rahasia",
            "singlevaluelist",
            False,
            _("Rahasiakan pengaduan"),
            _(
                "Bawaan: ya. Pengaduan yang dirahasiakan tidak ditampilkan uraian, tempat, "
                "foto dan tanggapannya kepada publik; kirim tidak agar tampil publik."
            ),
            ((CONFIDENTIAL_NO, _("Tidak")), (CONFIDENTIAL_YES, _("Ya"))),
        ),
    ]


def service_definition(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "attributes": [
            {
                "variable": True,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": order,
                "description": a.description,
                "values": [{"key": key, "name": name} for key, name in a.values],
            }
            for order, a in enumerate(attributes(service), start=1)
        ],
    }


def service_entry(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description,
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": service.group,
    }


@lru_cache(maxsize=16)
def closed_states(tenant_kind: str) -> frozenset[str]:
    """The SOP's terminal states: every other state is open."""
    return frozenset(state.key for state in parsed_template(tenant_kind).states if state.terminal)


def status_of(state: str, tenant_kind: str) -> str:
    return CLOSED if state in closed_states(tenant_kind) else OPEN


def w3c(value: datetime | None) -> str | None:
    """A W3C datetime with the offset, e.g. 2026-11-24T09:00:00+07:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def clip_description(text: str) -> str:
    return text[:DESCRIPTION_LIMIT]


# --- rendering -------------------------------------------------------------------------------

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"


def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: ET.Element, key: str, value: Any, item_names: Mapping[str, str]) -> None:
    node = ET.SubElement(parent, key)
    if isinstance(value, dict):
        for child_key, child_value in value.items():
            _fill(node, child_key, child_value, item_names)
    elif isinstance(value, list):
        for item in value:
            _fill(node, item_names[key], item, item_names)
    else:
        node.text = _xml_text(value)


# The element name of a list's items, by the list's element name (the spec's choices).
ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def render(
    fmt: str,
    payload: Any,
    *,
    root: str,
    item: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """JSON as is; XML with `root` (and `item` for each element of a list payload)."""
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False)
        return HttpResponse(body, content_type=JSON_TYPE, status=status)
    top = ET.Element(root)
    if isinstance(payload, list):
        assert item is not None, "a list payload needs an item element name"
        for entry in payload:
            _fill(top, item, entry, ITEM_NAMES)
    else:
        for key, value in payload.items():
            _fill(top, key, value, ITEM_NAMES)
    body = ET.tostring(top, encoding="unicode", xml_declaration=False)
    document = '<?xml version="1.0" encoding="UTF-8"?>\n' + body
    return HttpResponse(document.encode(), content_type=XML_TYPE, status=status)


def render_errors(fmt: str, status: int, descriptions: Iterable[str]) -> HttpResponse:
    payload = [{"code": status, "description": text} for text in descriptions]
    return render(fmt, payload, root="errors", item="error", status=status)


def as_list(value: str | None) -> Sequence[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]
