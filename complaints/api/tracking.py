"""REST API of complaints: public intake and tracking, the staff register and complaint view.

The public intake is `POST api/v1/complaints/`; the staff list is `GET api/v1/register/`
(the register, buku pengaduan) because one URL cannot be public for writing and restricted
for reading under one access declaration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.errors import NotFoundError
from aduan.ratelimit import IntakeThrottle, LookupThrottle
from aduan.tenancy import connection_tenant, tenant_reverse
from complaints import selectors
from complaints.actions import closing
from complaints.actions.replies import do_reply_to_complaint
from complaints.api.fields import PARSERS, optional_text
from complaints.calendar import calendar_for
from complaints.forwarding import platform_track
from complaints.models import (
    Attachment,
    Complaint,
    ComplaintEvent,
)
from complaints.presenters import case_time, describe, public_actor, state_label
from complaints.redaction import public_files, public_text
from tenants.access import Public


class PublicEventOutput(serializers.Serializer[ComplaintEvent]):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    actor = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()

    def get_actor(self, event: ComplaintEvent) -> str:
        return public_actor(event)

    def get_text(self, event: ComplaintEvent) -> str:
        return describe(event)


class CaseTimeOutput(serializers.Serializer[dict[str, Any]]):
    """The whole case's time limit (the SOP's case_limit): due date and what remains."""

    due_at = serializers.DateTimeField(allow_null=True)
    limit = serializers.DictField(child=serializers.IntegerField())
    overdue = serializers.BooleanField()
    finished = serializers.BooleanField()
    paused = serializers.BooleanField()
    remaining = serializers.CharField()


class ResponseFileOutput(serializers.Serializer[Attachment]):
    """A file of a public response, downloadable by whoever holds the tracking code."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment: Attachment) -> str:
        return tenant_reverse(
            "complaints:track-file",
            kwargs={"code": attachment.complaint.tracking_code, "file_id": attachment.pk},
        )


class TrackOutput(serializers.Serializer[Complaint]):
    """What the tracking code shows: never the complainant's identity, never internal notes,
    never a redacted passage or file (complaints.redaction). A duplicate merged into another
    complaint shows that one's number and follows its step."""

    number = serializers.CharField()
    subject = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    state = serializers.SerializerMethodField()
    state_label = serializers.SerializerMethodField()
    is_complete = serializers.BooleanField()
    missing_elements = serializers.ListField(child=serializers.CharField())
    merged_into_number = serializers.SerializerMethodField()
    rating = serializers.IntegerField(allow_null=True)
    rating_comment = serializers.CharField()
    can_rate = serializers.SerializerMethodField()
    can_reopen = serializers.SerializerMethodField()
    reopen_until = serializers.SerializerMethodField()
    case_time = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    def get_state(self, complaint: Complaint) -> str:
        return (complaint.merged_into or complaint).state

    def get_subject(self, complaint: Complaint) -> str:
        return public_text(complaint, "subject")

    @extend_schema_field(ResponseFileOutput(many=True))
    def get_files(self, complaint: Complaint) -> list[dict[str, Any]]:
        return list(ResponseFileOutput(public_files(complaint), many=True).data)  # type: ignore[arg-type]

    @extend_schema_field(CaseTimeOutput(allow_null=True))
    def get_case_time(self, complaint: Complaint) -> dict[str, Any] | None:
        """The whole case's due date and what remains (a merged duplicate follows the one it
        was merged into); the reasons behind the date stay on the staff side."""
        found = case_time(complaint.merged_into or complaint, calendar_for(connection_tenant()))
        return found.as_dict() if found else None

    def get_state_label(self, complaint: Complaint) -> str:
        return state_label(complaint.merged_into or complaint)

    def get_merged_into_number(self, complaint: Complaint) -> str | None:
        return complaint.merged_into.number if complaint.merged_into else None

    def get_can_rate(self, complaint: Complaint) -> bool:
        return closing.can_rate(complaint)

    def get_can_reopen(self, complaint: Complaint) -> bool:
        return closing.can_reopen(complaint)

    def get_reopen_until(self, complaint: Complaint) -> datetime | None:
        return closing.reopen_deadline(complaint)

    @extend_schema_field(PublicEventOutput(many=True))
    def get_events(self, complaint: Complaint) -> list[dict[str, Any]]:
        events = selectors.timeline(complaint, public_only=True)
        return list(PublicEventOutput(events, many=True).data)  # type: ignore[arg-type]


class ReplyInput(serializers.Serializer[dict[str, Any]]):
    message = optional_text()
    name = optional_text()
    address = optional_text()
    phone = optional_text()
    subject = optional_text()
    description = optional_text()
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class TrackApi(APIView):
    permission_classes = [Public]
    throttle_classes = [LookupThrottle]

    @extend_schema(responses=TrackOutput, operation_id="complaint_track")
    def get(self, request: Request, code: str) -> Response:
        complaint = selectors.complaint_by_tracking_code(code)
        return Response(TrackOutput(complaint).data)


class TrackReplyApi(APIView):
    """The complainant replies, or completes what their complaint lacks."""

    permission_classes = [Public]
    throttle_classes = [IntakeThrottle]
    parser_classes = PARSERS

    @extend_schema(
        request=ReplyInput, responses={201: TrackOutput}, operation_id="complaint_track_reply"
    )
    def post(self, request: Request, code: str) -> Response:
        complaint = selectors.complaint_by_tracking_code(code)
        given = ReplyInput(data=request.data)
        given.is_valid(raise_exception=True)
        complaint = do_reply_to_complaint(complaint=complaint, **given.validated_data)
        return Response(TrackOutput(complaint).data, status=status.HTTP_201_CREATED)


class RatingInput(serializers.Serializer[dict[str, Any]]):
    # Text, so that every bad score (0, 6, "lima") gets the action's one message.
    score = serializers.CharField(allow_blank=True, help_text="1 sampai 5")
    comment = optional_text()


class ReasonInput(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(allow_blank=True)


class TrackRatingApi(APIView):
    """The complainant rates their closed complaint, 1 to 5 with an optional comment, once."""

    permission_classes = [Public]
    throttle_classes = [IntakeThrottle]

    @extend_schema(
        request=RatingInput, responses={201: TrackOutput}, operation_id="complaint_track_rate"
    )
    def post(self, request: Request, code: str) -> Response:
        complaint = selectors.complaint_by_tracking_code(code)
        given = RatingInput(data=request.data)
        given.is_valid(raise_exception=True)
        complaint = closing.do_rate_complaint(complaint=complaint, **given.validated_data)
        return Response(TrackOutput(complaint).data, status=status.HTTP_201_CREATED)


class TrackReopenApi(APIView):
    """The complainant reopens their closed complaint within the SOP's days, with a reason."""

    permission_classes = [Public]
    throttle_classes = [IntakeThrottle]

    @extend_schema(
        request=ReasonInput, responses={201: TrackOutput}, operation_id="complaint_track_reopen"
    )
    def post(self, request: Request, code: str) -> Response:
        complaint = selectors.complaint_by_tracking_code(code)
        given = ReasonInput(data=request.data)
        given.is_valid(raise_exception=True)
        complaint = closing.do_reopen_complaint(
            complaint=complaint, reason=given.validated_data["reason"]
        )
        return Response(TrackOutput(complaint).data, status=status.HTTP_201_CREATED)


class JourneyStep(serializers.Serializer[Any]):
    kind = serializers.CharField()
    from_tenant = serializers.CharField(source="from_tenant.name")
    to_tenant = serializers.CharField(source="to_tenant.name")
    status = serializers.CharField()
    at = serializers.DateTimeField()


class PlatformTrackOutput(serializers.Serializer[dict[str, Any]]):
    tracking_code = serializers.CharField()
    holder = serializers.CharField(allow_null=True)
    state = serializers.CharField()
    lapor = serializers.BooleanField()
    lapor_tracking_id = serializers.CharField(allow_blank=True)
    journey = JourneyStep(many=True)


class PlatformTrackApi(APIView):
    permission_classes = [Public]
    throttle_classes = [LookupThrottle]

    @extend_schema(responses=PlatformTrackOutput, operation_id="track_complaint")
    def get(self, request: Request, code: str) -> Response:
        found = platform_track(code)
        if found is None:
            raise NotFoundError("complaints.not_found", _("Kode lacak tidak ditemukan."))
        return Response(PlatformTrackOutput(found).data)
