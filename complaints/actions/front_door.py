"""The platform's front door (the page and the API at /pengaduan/ and /api/v1/intake/): a
citizen who does not know who is responsible files once; Aduan routes first, then files it
with the body chosen, in that body's triage queue when unsure, or keeps it for SP4N-LAPOR!
when no body on Aduan can take it. Open311's front door goes the same way
(integrations.open311.actions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.files import File
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from complaints.actions.dispose import Carried, NewComplaint, do_carry_out_disposition
from complaints.actions.intake import (
    check_answers,
    do_file_complaint,
    raise_problems,
    unknown_village,
)
from complaints.doors import citizen_doors
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.models import Channel, Complaint
from complaints.validation import check_attachments
from routing.boundaries import locate
from routing.disposition import dispose
from routing.router import Proposal, propose
from routing.selectors import category_at
from tenants.models import RegionLevel, Tenant
from tenants.regions import region_at


@dataclass(frozen=True)
class FrontDoorResult:
    tracking_code: str
    proposal: Proposal
    holder: Tenant | None
    number: str

    @classmethod
    def of(cls, carried: Carried) -> FrontDoorResult:
        proposal = carried.disposition.proposal
        return cls(carried.tracking_code, proposal, carried.holder, carried.number)


def do_file_at_front_door(
    *,
    regency_code: str,
    name: str,
    address: str,
    phone: str,
    subject: str,
    description: str,
    email: str = "",
    category: str = "",
    village_code: str = "",
    address_text: str = "",
    incident_at: datetime | None = None,
    latitude: Decimal | float | str | None = None,
    longitude: Decimal | float | str | None = None,
    is_anonymous: bool = False,
    raw_payload: dict[str, Any] | None = None,
    attachments: Sequence[File] = (),  # type: ignore[type-arg]
    answers: dict[str, str] | None = None,
    phone_code: str = "",
) -> FrontDoorResult:
    """A citizen who does not know who is responsible: route first, then file there. An unsure
    complaint is filed with the regency government and enters its triage queue; with no body
    on Aduan it is kept here, whole (its files too), for SP4N-LAPOR!. The tracking code works
    at once. Attachments are checked by content as at a tenant's intake, before routing.
    `phone_code`: the front door's one-time code for `phone` (complaints.actions.doors), checked
    inside the intake action when the body routed to confirms phones; without it that body's
    filing is refused, naming the body, and nothing is kept."""
    regency_code, village_code = regency_code.strip(), village_code.strip()
    category = category.strip()
    checked, file_problem = check_attachments(attachments)
    # The chosen category's questions are checked before routing (nothing is kept on refusal).
    _kept, answer_problems = check_answers(category, answers if category else None)
    raise_problems([*answer_problems, file_problem])
    if not village_code and not regency_code and latitude is not None and longitude is not None:
        # The phone's location, where boundaries are loaded: the village (or regency) holding it.
        region = locate(latitude, longitude)
        if region is not None and region.level == RegionLevel.VILLAGE:
            village_code = region.code
        elif region is not None:
            regency_code = region.code
    if not village_code and not (regency_code and region_at(regency_code, RegionLevel.REGENCY)):
        raise ComplaintError(
            ComplaintErrorCode.LOCATION_REQUIRED,
            _("Pilih kabupaten/kota atau isi kode desa/kelurahan."),
            {"field": "regency_code", "value": regency_code},
        )
    if category and category_at(category) is None:
        raise ComplaintError(
            ComplaintErrorCode.UNKNOWN_CATEGORY,
            _("Kategori tidak dikenal."),
            {"field": "category", "value": category},
        )
    proposal = propose(
        subject=subject,
        description=description,
        category_key=category,
        village_code=village_code,
        address_text=address_text,
        latitude=latitude,
        longitude=longitude,
        regency_code=regency_code or village_code[:5],
    )
    if proposal.unknown_village(village_code):
        # Present but unknown: refused before anything is kept. Filed at a body, the intake
        # action refuses it too; an unsure matter would have gone to SP4N-LAPOR! with it.
        raise_problems([unknown_village(village_code)])
    fields: dict[str, Any] = {
        "name": name,
        "address": address,
        "phone": phone,
        "subject": subject,
        "description": description,
        "email": email,
        "category": category or (proposal.category.key if proposal.category else ""),
        "village_code": village_code,
        "address_text": address_text,
        "incident_at": incident_at,
        "latitude": latitude,
        "longitude": longitude,
        "is_anonymous": is_anonymous,
        "raw_payload": raw_payload,
        "answers": answers if category else None,
    }

    def file_at(tenant: Tenant, routed: str) -> Complaint:
        if phone.strip() and not phone_code.strip() and citizen_doors(tenant).confirm_phone:
            # Known only now: the body chosen confirms phones (nothing is written yet).
            raise ComplaintError(
                ComplaintErrorCode.PHONE_CODE_REQUIRED,
                _(
                    "%(holder)s meminta konfirmasi nomor telepon: minta kode ke nomor Anda, "
                    "lalu tuliskan kodenya dan kirim lagi."
                )
                % {"holder": tenant.name},
                {"field": "phone_code", "holder": tenant.name},
            )
        # The intake action stores the files in the receiver's own folder, with the complaint.
        return do_file_complaint(
            tenant=tenant,
            channel=Channel.WEB,
            actor_label=_("Pintu depan Aduan"),
            attachments=[c.file for c in checked],
            route=False,  # routed already
            routed=routed,
            # The router read the village already (one statement less per filing).
            village_known=proposal.village is not None and proposal.village.code == village_code,
            phone_code=phone_code,
            phone_code_schema=get_public_schema_name(),
            **fields,
        )

    carried = do_carry_out_disposition(
        disposition=dispose(proposal), new=NewComplaint(file_at, fields, checked)
    )
    return FrontDoorResult.of(carried)
