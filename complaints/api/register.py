"""REST API of complaints: public intake and tracking, the staff register and complaint view.

The public intake is `POST api/v1/complaints/`; the staff list is `GET api/v1/register/`
(the register, buku pengaduan) because one URL cannot be public for writing and restricted
for reading under one access declaration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.tenancy import connection_tenant, request_tenant
from complaints import selectors
from complaints.actions import closing, merge
from complaints.actions.access_log import do_record_complaint_view
from complaints.actions.working import do_add_note, do_respond_to_complaint
from complaints.api.fields import optional_text
from complaints.api.tracking import CaseTimeOutput, ReasonInput
from complaints.calendar import calendar_for, tenant_zone
from complaints.forms import RegisterFilterForm, form_error
from complaints.models import (
    Attachment,
    Channel,
    Complaint,
    ComplaintEvent,
    Urgency,
)
from complaints.presenters import (
    case_time,
    complaint_sop_or_none,
    describe,
    event_files,
    state_label,
    step_inputs,
    summary,
)
from complaints.selectors import READ_ROLES, WORK_ROLES, Viewer
from tenants.access import TenantRole


class MessageInput(serializers.Serializer[dict[str, Any]]):
    message = serializers.CharField(allow_blank=True)


class EventFileOutput(serializers.Serializer[dict[str, Any]]):
    input = serializers.CharField()
    attachment = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()


class StepInputOutput(serializers.Serializer[dict[str, str]]):
    """A value entered at a step: its key, its label and the value as people read it."""

    key = serializers.CharField()
    # A field named "label" shadows Field.label in the stubs; DRF itself allows it.
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.CharField()


class StaffEventOutput(serializers.Serializer[ComplaintEvent]):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    is_public = serializers.BooleanField()
    actor_id = serializers.IntegerField(allow_null=True)
    actor_label = serializers.CharField()
    text = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    inputs = serializers.SerializerMethodField()

    def get_text(self, event: ComplaintEvent) -> str:
        return describe(event)

    @extend_schema_field(StepInputOutput(many=True))
    def get_inputs(self, event: ComplaintEvent) -> list[dict[str, str]]:
        """Every value entered at the step (empty for other entries)."""
        return step_inputs(event, self.context.get("sop"))

    @extend_schema_field(EventFileOutput(many=True))
    def get_files(self, event: ComplaintEvent) -> list[dict[str, Any]]:
        return event_files(event)


class ComplainantOutput(serializers.Serializer[Complaint]):
    name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class StaffComplaintOutput(serializers.Serializer[Complaint]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    channel = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.SerializerMethodField()
    subject = serializers.CharField()
    is_complete = serializers.BooleanField()
    missing_elements = serializers.ListField(child=serializers.CharField())
    is_confidential = serializers.BooleanField()
    is_anonymous = serializers.BooleanField()
    is_wbs = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    urgency = serializers.CharField()
    complainant = serializers.SerializerMethodField()
    case_time = serializers.SerializerMethodField()

    def get_state_label(self, complaint: Complaint) -> str:
        return state_label(complaint)

    @extend_schema_field(CaseTimeOutput(allow_null=True))
    def get_case_time(self, complaint: Complaint) -> dict[str, Any] | None:
        # One calendar for a page of the register (a list shares this child serializer).
        calendar = getattr(self, "_calendar", None) or calendar_for(connection_tenant())
        self._calendar = calendar
        found = case_time(complaint, calendar)
        return found.as_dict() if found else None

    @extend_schema_field(ComplainantOutput(allow_null=True))
    def get_complainant(self, complaint: Complaint) -> dict[str, str] | None:
        """None when this viewer may not see who the complainant is (anonymous)."""
        viewer: Viewer = self.context["viewer"]
        if not viewer.sees_identity(complaint):
            return None
        return {
            "name": complaint.name,
            "address": complaint.address,
            "phone": complaint.phone,
            "email": complaint.email,
        }


class AttachmentOutput(serializers.Serializer[Attachment]):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class DuplicateOutput(serializers.Serializer[Complaint]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    subject = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = AttachmentOutput(many=True)
    events = serializers.SerializerMethodField()

    @extend_schema_field(StaffEventOutput(many=True))
    def get_events(self, complaint: Complaint) -> list[dict[str, Any]]:
        events = selectors.timeline(complaint)
        context = {"sop": complaint_sop_or_none(complaint)}
        return list(StaffEventOutput(events, many=True, context=context).data)  # type: ignore[arg-type]


class LikelyDuplicateOutput(serializers.Serializer[dict[str, Any]]):
    """A likely duplicate: who holds it and its tracking code; its id only when held here."""

    holder_id = serializers.IntegerField()
    holder_name = serializers.CharField()
    tracking_code = serializers.CharField()
    similarity = serializers.FloatField()
    complaint_id = serializers.IntegerField(allow_null=True)


class StaffComplaintDetailOutput(StaffComplaintOutput):
    description = serializers.CharField()
    desired_outcome = serializers.CharField()
    incident_at = serializers.DateTimeField(allow_null=True)
    incident_place = serializers.CharField()
    category = serializers.CharField()
    village_code = serializers.CharField()
    address_text = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    tracking_code = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    rating_comment = serializers.CharField()
    rated_at = serializers.DateTimeField(allow_null=True)
    merged_into_id = serializers.IntegerField(allow_null=True)
    team = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    @extend_schema_field(StepInputOutput(many=True))
    def get_summary(self, complaint: Complaint) -> list[dict[str, str]]:
        """The current category, urgency and outcome (the latest each step entered)."""
        return summary(complaint, complaint_sop_or_none(complaint))

    def get_team(self, complaint: Complaint) -> str | None:
        """The team it is assigned to (complaints.actions.teams), by name."""
        return complaint.team.name if complaint.team_id and complaint.team else None

    duplicates = serializers.SerializerMethodField()
    likely_duplicates = serializers.SerializerMethodField()

    @extend_schema_field(StaffEventOutput(many=True))
    def get_events(self, complaint: Complaint) -> list[dict[str, Any]]:
        events = selectors.timeline(complaint)
        context = {"sop": complaint_sop_or_none(complaint)}
        return list(StaffEventOutput(events, many=True, context=context).data)  # type: ignore[arg-type]

    @extend_schema_field(DuplicateOutput(many=True))
    def get_duplicates(self, complaint: Complaint) -> list[dict[str, Any]]:
        """Complaints merged into this one, with their timelines and files."""
        found = selectors.merged_duplicates(complaint).prefetch_related("attachments")
        return list(DuplicateOutput(found, many=True).data)  # type: ignore[arg-type]

    @extend_schema_field(LikelyDuplicateOutput(many=True))
    def get_likely_duplicates(self, complaint: Complaint) -> list[dict[str, Any]]:
        """Complaints across the regency likely about the same problem: their holder and
        tracking code only (complaints.duplicates)."""
        found = selectors.likely_duplicates(connection_tenant(), complaint)
        return [asdict(suggestion) for suggestion in found]


class RegisterOutput(serializers.Serializer[dict[str, Any]]):
    count = serializers.IntegerField()
    count_capped = serializers.BooleanField(
        help_text="Pencarian menghitung paling banyak 1000 hasil: true bila ada lebih banyak"
    )
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = StaffComplaintOutput(many=True)


def _viewer(request: Request) -> Viewer:
    return Viewer.of(request.user, request_tenant(request))


class RegisterApi(APIView):
    permission_classes = [TenantRole(*READ_ROLES)]

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, description="Kunci tahap SOP"),
            OpenApiParameter("category", str, description="Kunci kategori"),
            OpenApiParameter("urgency", str, enum=[*Urgency.values, selectors.UNASSIGNED]),
            OpenApiParameter("channel", str, enum=Channel.values),
            OpenApiParameter(
                "assignee", str, description="Id pengguna, atau none (belum ditugaskan)"
            ),
            OpenApiParameter("year", int),
            OpenApiParameter("received_from", OpenApiTypes.DATE),
            OpenApiParameter("received_to", OpenApiTypes.DATE),
            OpenApiParameter("overdue", bool),
            OpenApiParameter(
                "q",
                str,
                description="Teks penuh: nomor, pokok, uraian, lokasi, catatan, isian tahap;"
                " atau nama",
            ),
            OpenApiParameter("sort", str, enum=list(selectors.SORTS)),
            OpenApiParameter("page", int),
        ],
        responses=RegisterOutput,
        operation_id="complaint_register",
    )
    def get(self, request: Request) -> Response:
        viewer = _viewer(request)
        tenant = request_tenant(request)
        params = request.query_params
        form = RegisterFilterForm(params, **selectors.register_filter_choices(tenant))
        if not form.is_valid():
            raise form_error(form)
        complaints = selectors.register(viewer, zone=tenant_zone(tenant), **form.query())
        pages = selectors.RegisterPaginator(complaints, searched=bool(form.query()["query"]))
        page = pages.get_page(params.get("page"))
        results = StaffComplaintOutput(
            list(page.object_list),  # type: ignore[arg-type]
            many=True,
            context={"viewer": viewer},
        )
        return Response(
            {
                "count": pages.count,
                "count_capped": pages.capped,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": results.data,
            }
        )


class ComplaintApi(APIView):
    permission_classes = [TenantRole(*READ_ROLES)]

    @extend_schema(responses=StaffComplaintDetailOutput, operation_id="complaint_detail")
    def get(self, request: Request, complaint_id: int) -> Response:
        viewer = _viewer(request)
        complaint = selectors.access_complaint(viewer, complaint_id)
        do_record_complaint_view(viewer=viewer, complaint=complaint)
        return Response(StaffComplaintDetailOutput(complaint, context={"viewer": viewer}).data)


class _MessageApi(APIView):
    """Staff write a message on a complaint: `write` is the action that records it."""

    permission_classes = [TenantRole(*WORK_ROLES)]
    write: Callable[..., ComplaintEvent]

    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = selectors.access_complaint(_viewer(request), complaint_id)
        given = MessageInput(data=request.data)
        given.is_valid(raise_exception=True)
        event = type(self).write(
            complaint=complaint,
            message=given.validated_data["message"],
            actor=request.user,
        )
        return Response(StaffEventOutput(event).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    post=extend_schema(
        request=MessageInput, responses={201: StaffEventOutput}, operation_id="complaint_note"
    )
)
class NoteApi(_MessageApi):
    """An internal note (never shown to the complainant)."""

    write = staticmethod(do_add_note)


@extend_schema_view(
    post=extend_schema(
        request=MessageInput, responses={201: StaffEventOutput}, operation_id="complaint_respond"
    )
)
class ResponseApi(_MessageApi):
    """A public response to the complainant (shown on the tracking page)."""

    write = staticmethod(do_respond_to_complaint)


class ReopenApi(APIView):
    """Staff reopen a closed complaint within the SOP's days, with a reason."""

    permission_classes = [TenantRole(*closing.REOPEN_ROLES)]

    @extend_schema(
        request=ReasonInput,
        responses={200: StaffComplaintDetailOutput},
        operation_id="complaint_reopen",
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        viewer = _viewer(request)
        complaint = selectors.access_complaint(viewer, complaint_id)
        given = ReasonInput(data=request.data)
        given.is_valid(raise_exception=True)
        complaint = closing.do_reopen_complaint(
            complaint=complaint, reason=given.validated_data["reason"], actor=request.user
        )
        return Response(StaffComplaintDetailOutput(complaint, context={"viewer": viewer}).data)


class MergeInput(serializers.Serializer[dict[str, Any]]):
    into = serializers.CharField(help_text="ID atau nomor register pengaduan tujuan")
    reason = optional_text()


class MergeApi(APIView):
    """Staff merge this complaint (a duplicate) into another complaint of the same tenant."""

    permission_classes = [TenantRole(*merge.MERGE_ROLES)]

    @extend_schema(
        request=MergeInput,
        responses={200: StaffComplaintDetailOutput},
        operation_id="complaint_merge",
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        viewer = _viewer(request)
        complaint = selectors.access_complaint(viewer, complaint_id)
        given = MergeInput(data=request.data)
        given.is_valid(raise_exception=True)
        into = merge.merge_target(viewer, given.validated_data["into"])
        complaint = merge.do_merge_complaints(
            duplicate=complaint,
            into=into,
            actor=request.user,
            reason=given.validated_data["reason"],
        )
        return Response(StaffComplaintDetailOutput(complaint, context={"viewer": viewer}).data)
