"""No wrong door, the pages and API outside one complaint's holder that act on complaints
(so they live with complaints: routing never imports complaints):

- the platform's front door: file without knowing who is responsible (routes first);
- the tracking page: a tracking code finds its complaint wherever it is now, and its journey;
- the regency admin's triage queue (on the regency government's host).

The authority directory and the category catalogue are routing's own (routing.views,
routing.api).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.ratelimit import IntakeThrottle
from aduan.serializers import SharedFieldsSerializer
from complaints.actions.doors import do_send_front_door_phone_code
from complaints.actions.front_door import FrontDoorResult, do_file_at_front_door
from complaints.api.doors import PhoneCodeInput, PhoneCodeOutput
from tenants.access import Public


class FrontDoorInput(SharedFieldsSerializer[dict[str, Any]]):
    regency_code = serializers.CharField(max_length=5, required=False, allow_blank=True)
    village_code = serializers.CharField(max_length=13, required=False, allow_blank=True)
    address_text = serializers.CharField(max_length=300, required=False, allow_blank=True)
    category = serializers.CharField(max_length=40, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    # Photos or PDFs (multipart), checked by content as at a tenant's intake.
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    # Answers to the chosen category's own questions: {key: answer} (see the intake API).
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        allow_null=True,
        default=None,
    )
    # Asked when the body the complaint is routed to confirms phones (then a first try without
    # it is refused with `phone_code` and that body's name): POST /api/v1/intake/phone-code/.
    phone_code = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        default="",
        help_text="Kode konfirmasi nomor telepon (6 angka), bila instansi tujuan memintanya",
    )


class FrontDoorOutput(SharedFieldsSerializer[FrontDoorResult]):
    tracking_code = serializers.CharField()
    outcome = serializers.CharField(source="proposal.outcome.value")
    holder = serializers.CharField(source="holder.name", allow_null=True, default=None)
    number = serializers.CharField()


FRONT_DOOR_FIELDS = (
    "regency_code",
    "village_code",
    "address_text",
    "category",
    "name",
    "address",
    "phone",
    "email",
    "subject",
    "description",
)


def file_at_front_door(values: dict[str, Any], attachments: list[Any]) -> FrontDoorResult:
    text: dict[str, Any] = {k: str(values.get(k) or "") for k in FRONT_DOOR_FIELDS}
    return do_file_at_front_door(
        **text,
        latitude=values.get("latitude"),
        longitude=values.get("longitude"),
        attachments=attachments,
        answers=values.get("answers"),
        phone_code=str(values.get("phone_code") or ""),
    )


class FrontDoorApi(APIView):
    """POST a complaint without choosing the body: Aduan routes it and files it there."""

    permission_classes = [Public]
    throttle_classes = [IntakeThrottle]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=FrontDoorInput,
        responses={201: FrontDoorOutput},
        operation_id="front_door_file",
    )
    def post(self, request: Request) -> Response:
        given = FrontDoorInput(data=request.data)
        given.is_valid(raise_exception=True)
        result = file_at_front_door(given.validated_data, given.validated_data["attachments"])
        return Response(FrontDoorOutput(result).data, status=201)


class FrontDoorPhoneCodeApi(APIView):
    """POST: send the front door's one-time code to the phone (SMS or WhatsApp), to file with
    as `phone_code` when the body the complaint is routed to confirms phones."""

    permission_classes = [Public]
    throttle_classes = [IntakeThrottle]

    @extend_schema(
        request=PhoneCodeInput,
        responses={202: PhoneCodeOutput},
        operation_id="front_door_phone_code_send",
    )
    def post(self, request: Request) -> Response:
        given = PhoneCodeInput(data=request.data)
        given.is_valid(raise_exception=True)
        do_send_front_door_phone_code(**given.validated_data)
        return Response({"sent": True}, status=202)
