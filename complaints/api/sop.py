"""REST API of the SOP: the editor (tenant admins) and the steps on a complaint (staff).

- `GET/PUT api/v1/sop/`: the active SOP; a PUT stores a new version after validating it.
- `GET api/v1/sop/versions/`: every version, newest first.
- `GET/POST api/v1/complaints/<id>/transitions/`: the steps the user may take now; take one.
Access is declared (tenants.access): a signed-in user without the role gets 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.base_views import TenantApiView
from complaints.access import access_complaint_for_work
from complaints.actions.sop import do_edit_sop
from complaints.actions.workflow import allowed_transitions, complaint_sop, do_transition_complaint
from complaints.models import Complaint, SopVersion
from complaints.selectors import (
    READ_ROLES,
    current_definition,
    version_history,
)
from complaints.sop import Transition
from tenants.access import ADMIN_ROLES, TenantRole

AnyUser = AbstractBaseUser | AnonymousUser


class SopOutput(serializers.Serializer[Any]):
    version = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)
    created_by = serializers.CharField(allow_null=True)
    definition = serializers.JSONField()


class SopInput(serializers.Serializer[Any]):
    definition = serializers.JSONField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    based_on = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class SopVersionOutput(serializers.Serializer[SopVersion]):
    version = serializers.IntegerField(source="number")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.SerializerMethodField()

    def get_created_by(self, version: SopVersion) -> str | None:
        return _username(version)


def _username(version: SopVersion | None) -> str | None:
    if version is None or version.created_by_id is None:
        return None
    user = version.created_by
    return user.get_username() if user is not None else None


def _sop_body(version: SopVersion | None, definition: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": version.number if version else None,
        "note": version.note if version else "",
        "created_at": version.created_at if version else None,
        "created_by": _username(version),
        "definition": definition,
    }


class SopApi(TenantApiView):
    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses=SopOutput, operation_id="sop_read")
    def get(self, request: Request) -> Response:
        tenant = self.tenant
        version, definition = current_definition(tenant)
        return Response(SopOutput(_sop_body(version, definition)).data)

    @extend_schema(request=SopInput, responses=SopOutput, operation_id="sop_edit")
    def put(self, request: Request) -> Response:
        tenant = self.tenant
        data = SopInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = do_edit_sop(
            tenant=tenant,
            definition=data.validated_data["definition"],
            note=data.validated_data["note"],
            based_on=data.validated_data.get("based_on"),
            actor=request.user,
        )
        return Response(SopOutput(_sop_body(version, version.definition)).data)


class SopVersionsApi(APIView):
    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses=SopVersionOutput(many=True), operation_id="sop_versions")
    def get(self, request: Request) -> Response:
        versions = list(version_history())
        return Response(SopVersionOutput(versions, many=True).data)  # type: ignore[arg-type]


# `label` and `required` shadow attributes of DRF's Field in the stubs; as output field names
# they are what API clients expect.
class ChoiceOutput(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    group = serializers.CharField()


class InputSpecOutput(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    type = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]
    public = serializers.BooleanField()
    depends_on = serializers.CharField()
    choices = ChoiceOutput(many=True)


class TransitionOutput(serializers.Serializer[Transition]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    to = serializers.CharField(source="target")
    inputs = InputSpecOutput(many=True)


class ComplaintStepsOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    sop_version = serializers.IntegerField(allow_null=True)
    terminal = serializers.BooleanField()
    transitions = TransitionOutput(many=True)


class TransitionInput(serializers.Serializer[Any]):
    transition = serializers.CharField(max_length=50)
    inputs = serializers.DictField(required=False, default=dict)


class TransitionFormInput(serializers.Serializer[Any]):
    """multipart/form-data, needed for a step with a file input (e.g. the minutes, berita
    acara, of a review meeting): `transition`, then one part per input named by its key
    (files as file parts)."""

    transition = serializers.CharField(max_length=50)
    minutes = serializers.FileField(
        required=False, help_text="Contoh isian berkas: berita acara rapat (PDF/foto)"
    )


def form_inputs(request: Request | HttpRequest) -> dict[str, Any]:
    """The step's inputs of a form post (page or multipart API): every field but the step's
    name, and every uploaded file."""
    skip = {"transition", "csrfmiddlewaretoken"}
    values: dict[str, Any] = {k: v for k, v in request.POST.items() if k not in skip}
    values.update(request.FILES.items())
    return values


def steps_body(complaint: Complaint, user: AnyUser) -> dict[str, Any]:
    sop = complaint_sop(complaint)
    state = sop.state(complaint.state)
    return {
        "id": complaint.pk,
        "number": complaint.number,
        "state": complaint.state,
        "state_label": str(state.label) if state else complaint.state,
        "sop_version": complaint.sop_version.number if complaint.sop_version else None,
        "terminal": bool(state and state.terminal),
        "transitions": allowed_transitions(complaint, user),
    }


class ComplaintTransitionsApi(TenantApiView):
    # Any staff may ask; which step a role may take is the SOP's business (engine: 400).
    permission_classes = [TenantRole(*READ_ROLES)]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(responses=ComplaintStepsOutput, operation_id="complaint_steps")
    def get(self, request: Request, complaint_id: int) -> Response:
        complaint = access_complaint_for_work(request.user, self.tenant, complaint_id)
        return Response(ComplaintStepsOutput(steps_body(complaint, request.user)).data)

    @extend_schema(
        request={
            "application/json": TransitionInput,
            "multipart/form-data": TransitionFormInput,
        },
        responses=ComplaintStepsOutput,
        operation_id="complaint_transition",
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = access_complaint_for_work(request.user, self.tenant, complaint_id)
        if request.content_type.startswith("multipart/"):
            form = TransitionFormInput(data={"transition": request.POST.get("transition")})
            form.is_valid(raise_exception=True)
            transition, inputs = form.validated_data["transition"], form_inputs(request)
        else:
            data = TransitionInput(data=request.data)
            data.is_valid(raise_exception=True)
            transition, inputs = data.validated_data["transition"], data.validated_data["inputs"]
        complaint = do_transition_complaint(
            complaint=complaint, transition=transition, actor=request.user, inputs=inputs
        )
        return Response(ComplaintStepsOutput(steps_body(complaint, request.user)).data)
