"""Canned answers (templat jawaban): the placeholders an answer template may hold and how they
are filled from a complaint. A placeholder that cannot be filled is an error, never sent raw:
`fill` refuses it, and a public response still holding one is refused by the SOP step
(complaints.actions.workflow.clean_inputs).

    {nama}     the complainant's name (not for an anonymous complaint or one without a name)
    {nomor}    the complaint's register number
    {tautan}   the link to its tracking page
    {tanggal}  the date it was received, in the tenant's time zone
"""

from __future__ import annotations

import re
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.errors import AduanError
from complaints.calendar import tenant_zone
from complaints.models import Complaint
from complaints.notifications import track_link
from tenants.models import Tenant

PLACEHOLDERS = {
    "nama": gettext_lazy("nama pengadu"),
    "nomor": gettext_lazy("nomor register pengaduan"),
    "tautan": gettext_lazy("tautan halaman lacak"),
    "tanggal": gettext_lazy("tanggal pengaduan diterima"),
}
# Any {word}: an unknown one is as much an error as an unfillable one.
PLACEHOLDER = re.compile(r"\{([a-zA-Z_]+)\}")
TITLE_MAX = 100
BODY_MAX = 10_000


class CannedErrorCode(StrEnum):
    NOT_FOUND = "canned.not_found"
    TITLE_REQUIRED = "canned.title_required"
    TITLE_TOO_LONG = "canned.title_too_long"
    DUPLICATE_TITLE = "canned.duplicate_title"
    BODY_REQUIRED = "canned.body_required"
    BODY_TOO_LONG = "canned.body_too_long"
    UNKNOWN_PLACEHOLDER = "canned.unknown_placeholder"
    UNFILLED_PLACEHOLDER = "canned.unfilled_placeholder"


def placeholders_in(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in placeholders_in(text) if name not in PLACEHOLDERS})


def unfilled(text: str) -> list[str]:
    """The known placeholders still in a text that is about to be sent."""
    return sorted({name for name in placeholders_in(text) if name in PLACEHOLDERS})


def fill(text: str, *, complaint: Complaint, link: str, received: str) -> str:
    """The text with every placeholder replaced; `AduanError` naming the first one that cannot
    be filled (an unknown one, or the name of an anonymous complainant)."""
    values = {
        "nama": "" if complaint.is_anonymous else complaint.name.strip(),
        "nomor": complaint.number,
        "tautan": link,
        "tanggal": received,
    }
    for name in placeholders_in(text):
        if not values.get(name):
            raise AduanError(
                CannedErrorCode.UNFILLED_PLACEHOLDER,
                _("Isian {%(name)s} tidak dapat diisi untuk pengaduan ini; ubah teksnya.")
                % {"name": name},
                {"field": "canned", "placeholder": name},
            )
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def fill_for(text: str, *, complaint: Complaint, tenant: Tenant) -> str:
    """`fill` with the complaint's tracking link and its date of receipt in the tenant's zone."""
    received = timezone.localtime(complaint.created_at, tenant_zone(tenant))
    return fill(
        text,
        complaint=complaint,
        link=track_link(tenant, complaint),
        received=f"{received:%d-%m-%Y}",
    )
