"""REST API of complaints: public intake and tracking, the staff register and complaint view.

The public intake is `POST api/v1/complaints/`; the staff list is `GET api/v1/register/`
(the register, buku pengaduan) because one URL cannot be public for writing and restricted
for reading under one access declaration."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from aduan.ratelimit import IntakeThrottle
from aduan.serializers import SharedFieldsSerializer
from aduan.tenancy import tenant_reverse
from complaints.actions.intake import do_file_complaint
from complaints.actions.wbs import do_file_wbs_at_desk
from complaints.api.fields import PARSERS, optional_text
from complaints.errors import ComplaintError, WbsErrorCode
from complaints.models import (
    STAFF_ENTRY_CHANNELS,
    Channel,
    Complaint,
)
from complaints.selectors import DESK_ROLES
from complaints.wbs import format_receipt_key
from tenants.access import Public, TenantRole


class IntakeInput(SharedFieldsSerializer[dict[str, Any]]):
    """Types only: what is required, valid and allowed is decided by the intake action."""

    name = optional_text()
    address = optional_text()
    phone = optional_text(
        help_text="Nomor Indonesia, mis. 0812 3456 7890, atau luar negeri dengan +, mis. "
        "+852 5123 4567 (disimpan E.164)"
    )
    email = optional_text()
    subject = optional_text()
    description = optional_text()
    incident_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    incident_place = optional_text()
    category = optional_text()
    village_code = optional_text()
    address_text = optional_text()
    latitude = optional_text()
    longitude = optional_text()
    desired_outcome = optional_text()
    # allow_null: in a multipart form a missing box would otherwise read as False; missing
    # must mean the safe default (rahasia).
    is_confidential = serializers.BooleanField(required=False, allow_null=True, default=None)
    is_anonymous = serializers.BooleanField(required=False, default=False)
    is_wbs = serializers.BooleanField(required=False, default=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    # The category's own questions (GET /api/v1/categories/ lists them): {key: answer}. When
    # given, the required ones must be answered; when left out, the complaint files without.
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        allow_null=True,
        default=None,
    )

    # Identity confirmation (a tenant's setting): the code POST api/v1/phone-codes/ sent to
    # the phone. Required there when a phone is given; ignored elsewhere.
    phone_code = optional_text(help_text="Kode konfirmasi nomor telepon (6 angka)")


class DeskIntakeInput(IntakeInput):
    channel = serializers.ChoiceField(choices=[(c.value, c.label) for c in STAFF_ENTRY_CHANNELS])


def intake_values(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    # A self-service door brings the phone's code ("" when none); the desk vouches itself.
    values["phone_code"] = None if "channel" in values else str(values.get("phone_code") or "")
    values["is_confidential"] = values.get("is_confidential") is not False
    values["latitude"] = values.get("latitude") or None
    values["longitude"] = values.get("longitude") or None
    return values


class ReceiptOutput(SharedFieldsSerializer[Complaint]):
    number = serializers.CharField()
    tracking_code = serializers.CharField()
    created_at = serializers.DateTimeField()
    channel = serializers.CharField()
    state = serializers.CharField()
    is_complete = serializers.BooleanField()
    missing_elements = serializers.ListField(child=serializers.CharField())
    track_url = serializers.SerializerMethodField()
    receipt_pdf_url = serializers.SerializerMethodField()

    def get_track_url(self, complaint: Complaint) -> str:
        return tenant_reverse("complaints:track", kwargs={"code": complaint.tracking_code})

    def get_receipt_pdf_url(self, complaint: Complaint) -> str:
        return tenant_reverse("complaints:receipt-pdf", kwargs={"code": complaint.tracking_code})


class IntakeApi(TenantApiView):
    """Public intake: anyone may file a complaint (rate-limited per address)."""

    permission_classes = [Public]
    throttle_classes = [IntakeThrottle]
    parser_classes = PARSERS

    @extend_schema(
        request=IntakeInput, responses={201: ReceiptOutput}, operation_id="complaint_file"
    )
    def post(self, request: Request) -> Response:
        given = IntakeInput(data=request.data)
        given.is_valid(raise_exception=True)
        if given.validated_data["is_wbs"]:
            # A whistleblower files at the WBS door, which gives the receipt key and keeps
            # nothing of the request; here they would get a tracking code that opens nothing.
            raise ComplaintError(
                WbsErrorCode.USE_WBS_DOOR,
                _("Laporan pelanggaran (WBS) disampaikan melalui /api/v1/wbs/reports/."),
                {"field": "is_wbs"},
            )
        complaint = do_file_complaint(
            tenant=self.tenant,
            channel=Channel.WEB,
            **intake_values(given.validated_data),
        )
        return Response(ReceiptOutput(complaint).data, status=status.HTTP_201_CREATED)


class DeskReceiptOutput(ReceiptOutput):
    receipt_key = serializers.CharField(
        required=False,
        help_text="A WBS report only: the reporter's receipt key, in this answer only.",
    )


class DeskIntakeApi(TenantApiView):
    """Staff record a complaint received face to face, in the box or by phone."""

    permission_classes = [TenantRole(*DESK_ROLES)]
    parser_classes = PARSERS

    @extend_schema(
        request=DeskIntakeInput,
        responses={201: DeskReceiptOutput},
        operation_id="complaint_desk",
    )
    def post(self, request: Request) -> Response:
        given = DeskIntakeInput(data=request.data)
        given.is_valid(raise_exception=True)
        values = intake_values(given.validated_data)
        if values.get("is_wbs"):
            # The reporter's receipt key, in this answer only: the officer hands it over.
            filed = do_file_wbs_at_desk(tenant=self.tenant, actor=request.user, **values)
            body = {
                **ReceiptOutput(filed.complaint).data,
                "receipt_key": format_receipt_key(filed.receipt_key),
            }
            return Response(body, status=status.HTTP_201_CREATED)
        complaint = do_file_complaint(tenant=self.tenant, actor=request.user, **values)
        return Response(ReceiptOutput(complaint).data, status=status.HTTP_201_CREATED)
