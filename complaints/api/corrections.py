"""REST API of corrections and moderation (complaints.actions.corrections):

- `POST api/v1/complaints/<id>/corrections/`: correct category, subject, place, urgency or
  rahasia/public, with a reason;
- `POST api/v1/complaints/<id>/redactions/`: hide a passage of the subject or description, or
  a file, from the public view, with a reason.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from complaints.access import CORRECT_ROLES, access_complaint_for_work
from complaints.actions.corrections import do_correct_complaint, do_redact_complaint
from complaints.models import Complaint
from complaints.redaction import public_text
from tenants.access import TenantRole


class CorrectionInput(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(allow_blank=True)
    category = serializers.CharField(required=False, allow_blank=True)
    subject = serializers.CharField(required=False, allow_blank=True)
    incident_place = serializers.CharField(required=False, allow_blank=True)
    urgency = serializers.CharField(required=False, allow_blank=True)
    is_confidential = serializers.BooleanField(required=False, allow_null=True, default=None)


class RedactionInput(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(allow_blank=True)
    field = serializers.ChoiceField(choices=["subject", "description"], required=False)
    passage = serializers.CharField(required=False, allow_blank=True, default="")
    attachment = serializers.IntegerField(required=False, allow_null=True, default=None)


class RedactionOutput(serializers.Serializer[dict[str, str]]):
    field = serializers.CharField()
    passage = serializers.CharField()


class CorrectedOutput(serializers.Serializer[Complaint]):
    """The corrected values and the public version of the complainant's text."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    category = serializers.CharField()
    subject = serializers.CharField()
    incident_place = serializers.CharField()
    urgency = serializers.CharField()
    is_confidential = serializers.BooleanField()
    public_subject = serializers.SerializerMethodField()
    public_description = serializers.SerializerMethodField()
    redactions = RedactionOutput(many=True)
    redacted_attachments = serializers.SerializerMethodField()

    def get_public_subject(self, complaint: Complaint) -> str:
        return public_text(complaint, "subject")

    def get_public_description(self, complaint: Complaint) -> str:
        return public_text(complaint, "description")

    def get_redacted_attachments(self, complaint: Complaint) -> list[int]:
        return list(
            complaint.attachments.filter(redacted=True).order_by("pk").values_list("pk", flat=True)
        )


class CorrectionApi(TenantApiView):
    permission_classes = [TenantRole(*CORRECT_ROLES)]

    @extend_schema(
        request=CorrectionInput, responses=CorrectedOutput, operation_id="complaint_correct"
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = access_complaint_for_work(request.user, self.tenant, complaint_id)
        given = CorrectionInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        reason = data.pop("reason")
        complaint = do_correct_complaint(
            complaint=complaint, actor=request.user, reason=reason, changes=data
        )
        return Response(CorrectedOutput(complaint).data)


class RedactionApi(TenantApiView):
    permission_classes = [TenantRole(*CORRECT_ROLES)]

    @extend_schema(
        request=RedactionInput, responses=CorrectedOutput, operation_id="complaint_redact"
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = access_complaint_for_work(request.user, self.tenant, complaint_id)
        given = RedactionInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        complaint = do_redact_complaint(
            complaint=complaint,
            actor=request.user,
            reason=data["reason"],
            field=data.get("field", ""),
            passage=data["passage"],
            attachment_id=data["attachment"],
        )
        return Response(CorrectedOutput(complaint).data)
