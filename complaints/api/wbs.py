"""REST API of whistleblowing (WBS): the report and its receipt key, the reporter's return
(read, reply) with the key in the body (never in a URL), the tenant's WBS policy, the head's
appointments, disclosure requests and approvals, and the hand-over to the inspectorate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.base_views import TenantApiView
from aduan.ratelimit import Scope, ScopeThrottle, hit
from complaints import selectors, wbs
from complaints.access import access_complaint_for_request
from complaints.actions import wbs as wbs_actions
from complaints.api.fields import PARSERS, optional_text
from complaints.api.tracking import PublicEventOutput
from complaints.errors import ComplaintError, WbsErrorCode
from complaints.models import Complaint
from complaints.presenters import state_label
from complaints.public.models import WbsReceipt
from tenants.access import ADMIN_ROLES, Public, TenantRole
from tenants.models import Role, Tenant, User


class WbsThrottle(ScopeThrottle):
    """The shared limiter, keyed on the daily-rotating keyed hash of the address
    (complaints.wbs.limiter_key): no address is stored for a WBS request."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        decision = hit(self.scope, wbs.limiter_key(request._request))
        self.retry_after = decision.retry_after
        return decision.allowed


class WbsIntakeThrottle(WbsThrottle):
    scope = Scope.WBS_INTAKE


class WbsReceiptThrottle(WbsThrottle):
    scope = Scope.WBS_RECEIPT


class ReportInput(serializers.Serializer[dict[str, Any]]):
    anonymous = serializers.BooleanField(default=True)
    subject = optional_text()
    description = optional_text()
    incident_place = optional_text()
    name = optional_text()
    address = optional_text()
    phone = optional_text()
    email = optional_text()
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class FiledOutput(serializers.Serializer[dict[str, Any]]):
    receipt_key = serializers.CharField(help_text="Shown once; keep it: it is never stored.")
    anonymous = serializers.BooleanField()
    state = serializers.CharField()
    state_label = serializers.CharField()


class KeyInput(serializers.Serializer[dict[str, Any]]):
    receipt_key = serializers.CharField(max_length=40)


class ReporterReplyInput(KeyInput):
    message = optional_text()
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ReportOutput(serializers.Serializer[Complaint]):
    """What the reporter sees: the holder, the step, its due date, the public timeline."""

    holder = serializers.SerializerMethodField()
    subject = serializers.CharField()
    created_at = serializers.DateTimeField()
    state = serializers.CharField()
    state_label = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField(allow_null=True)
    events = serializers.SerializerMethodField()

    def get_holder(self, complaint: Complaint) -> str:
        return str(self.context["holder"])

    def get_state_label(self, complaint: Complaint) -> str:
        return state_label(complaint)

    @extend_schema_field(PublicEventOutput(many=True))
    def get_events(self, complaint: Complaint) -> list[dict[str, Any]]:
        events = selectors.timeline(complaint, public_only=True)
        return list(PublicEventOutput(events, many=True).data)  # type: ignore[arg-type]


def _receipt(key: str) -> WbsReceipt:
    found = wbs.receipt_for(key)
    if found is None:
        # A refused input (400) like any other: whether the key was mistyped or guessed.
        raise ComplaintError(
            WbsErrorCode.UNKNOWN_KEY,
            _("Kunci tanda terima tidak dikenal."),
            {"field": "receipt_key"},
        )
    return found


def _report(receipt: WbsReceipt) -> dict[str, Any]:
    with tenant_context(receipt.tenant):
        complaint = Complaint.objects.get(pk=receipt.complaint_id)
        return dict(ReportOutput(complaint, context={"holder": receipt.tenant.name}).data)


class WbsReportApi(TenantApiView):
    """A whistleblowing report, anonymous (the default) or confidential."""

    permission_classes = [Public]
    throttle_classes = [WbsIntakeThrottle]
    parser_classes = PARSERS

    @extend_schema(request=ReportInput, responses={201: FiledOutput}, operation_id="wbs_report")
    def post(self, request: Request) -> Response:
        given = ReportInput(data=request.data)
        given.is_valid(raise_exception=True)
        filed = wbs_actions.do_file_wbs_report(tenant=self.tenant, **given.validated_data)
        body = {
            "receipt_key": wbs.format_receipt_key(filed.receipt_key),
            "anonymous": filed.complaint.is_anonymous,
            "state": filed.complaint.state,
            "state_label": state_label(filed.complaint),
        }
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


class WbsReturnApi(APIView):
    """The reporter reads their report with the receipt key (POST: the key stays out of URLs)."""

    permission_classes = [Public]
    throttle_classes = [WbsReceiptThrottle]

    @extend_schema(request=KeyInput, responses=ReportOutput, operation_id="wbs_return")
    def post(self, request: Request) -> Response:
        given = KeyInput(data=request.data)
        given.is_valid(raise_exception=True)
        return Response(_report(_receipt(given.validated_data["receipt_key"])))


class WbsReturnReplyApi(APIView):
    """The reporter answers or adds files, with the receipt key."""

    permission_classes = [Public]
    throttle_classes = [WbsReceiptThrottle, WbsIntakeThrottle]
    parser_classes = PARSERS

    @extend_schema(
        request=ReporterReplyInput, responses={201: ReportOutput}, operation_id="wbs_return_reply"
    )
    def post(self, request: Request) -> Response:
        given = ReporterReplyInput(data=request.data)
        given.is_valid(raise_exception=True)
        receipt = _receipt(given.validated_data["receipt_key"])
        with tenant_context(receipt.tenant):
            wbs_actions.do_reply_as_reporter(
                complaint=Complaint.objects.get(pk=receipt.complaint_id),
                message=given.validated_data["message"],
                attachments=given.validated_data["attachments"],
            )
        return Response(_report(receipt), status=status.HTTP_201_CREATED)


class PolicySerializer(serializers.Serializer[dict[str, Any]]):
    enabled = serializers.BooleanField()
    acknowledge_days = serializers.IntegerField(default=wbs.WBS_ACKNOWLEDGE_DAYS)
    feedback_days = serializers.IntegerField(default=wbs.WBS_FEEDBACK_DAYS)
    legal_basis = optional_text()


class WbsPolicyApi(TenantApiView):
    """The tenant's WBS policy: its admins change it; the head and WBS officers read it."""

    permission_classes = [TenantRole(*ADMIN_ROLES, read=[Role.HEAD, Role.WBS_OFFICER])]

    @extend_schema(responses=PolicySerializer, operation_id="wbs_policy")
    def get(self, request: Request) -> Response:
        return Response(wbs.policy_of(self.tenant).as_dict())

    @extend_schema(
        request=PolicySerializer, responses=PolicySerializer, operation_id="wbs_policy_set"
    )
    def put(self, request: Request) -> Response:
        given = PolicySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        policy = wbs_actions.do_set_wbs_policy(
            tenant=self.tenant, actor=request.user, **given.validated_data
        )
        return Response(policy.as_dict())


class OfficerOutput(serializers.Serializer[User]):
    id = serializers.IntegerField()
    username = serializers.CharField()


class AppointInput(serializers.Serializer[dict[str, Any]]):
    user = serializers.IntegerField()


def _change_officer(
    request: Request,
    tenant: Tenant,
    change: Callable[..., object],
    unknown: WbsErrorCode,
    unknown_message: str,
) -> Response:
    """An appointment or a dismissal by the API: the user by id (an unknown one is a field
    error), then the action."""
    given = AppointInput(data=request.data)
    given.is_valid(raise_exception=True)
    user = User.objects.filter(pk=given.validated_data["user"]).first()
    if user is None:
        raise ComplaintError(unknown, unknown_message, {"field": "user"})
    change(tenant=tenant, user=user, actor=request.user)
    return Response(OfficerOutput(user).data, status=status.HTTP_201_CREATED)


class WbsOfficersApi(TenantApiView):
    """The tenant's WBS officers; the head (with the second factor) appoints one."""

    permission_classes = [TenantRole(Role.HEAD, read=[*ADMIN_ROLES, Role.WBS_OFFICER])]

    @extend_schema(responses=OfficerOutput(many=True), operation_id="wbs_officers")
    def get(self, request: Request) -> Response:
        return Response(OfficerOutput(wbs.officers(self.tenant), many=True).data)  # type: ignore[arg-type]

    @extend_schema(
        request=AppointInput, responses={201: OfficerOutput}, operation_id="wbs_officer_appoint"
    )
    def post(self, request: Request) -> Response:
        return _change_officer(
            request,
            self.tenant,
            wbs_actions.do_appoint_wbs_officer,
            WbsErrorCode.NOT_A_MEMBER,
            _("Hanya anggota instansi ini yang dapat diangkat."),
        )


class WbsDismissalApi(TenantApiView):
    """The head (with the second factor) dismisses a WBS officer; recorded like an
    appointment, and the former officer sees WBS reports as "not found" at once."""

    permission_classes = [TenantRole(Role.HEAD)]

    @extend_schema(
        request=AppointInput, responses={201: OfficerOutput}, operation_id="wbs_officer_dismiss"
    )
    def post(self, request: Request) -> Response:
        return _change_officer(
            request,
            self.tenant,
            wbs_actions.do_dismiss_wbs_officer,
            WbsErrorCode.NOT_AN_OFFICER,
            _("Pengguna ini bukan petugas WBS."),
        )


class DisclosureOutput(serializers.Serializer[wbs.Disclosure]):
    id = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField()
    requested_at = serializers.SerializerMethodField()
    approvals = serializers.SerializerMethodField()
    granted_until = serializers.DateTimeField(allow_null=True)

    def get_id(self, found: wbs.Disclosure) -> int:
        return found.request.pk

    def get_reason(self, found: wbs.Disclosure) -> str:
        return str(found.request.message)

    def get_requested_at(self, found: wbs.Disclosure) -> str:
        return found.request.at.isoformat()

    def get_approvals(self, found: wbs.Disclosure) -> list[str]:
        return [str((a.after or {}).get("as", "")) for a in found.approvals]


class DisclosureInput(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(allow_blank=True)


class DisclosuresApi(TenantApiView):
    """A WBS report's disclosure requests; a WBS officer asks for the reporter's identity."""

    permission_classes = [TenantRole(Role.WBS_OFFICER)]

    @extend_schema(responses=DisclosureOutput(many=True), operation_id="wbs_disclosures")
    def get(self, request: Request, complaint_id: int) -> Response:
        complaint = self._report(request, complaint_id)
        found = wbs.disclosures_of(complaint)
        return Response(DisclosureOutput(found, many=True).data)  # type: ignore[arg-type]

    @extend_schema(
        request=DisclosureInput,
        responses={201: DisclosureOutput},
        operation_id="wbs_disclosure_request",
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = self._report(request, complaint_id)
        given = DisclosureInput(data=request.data)
        given.is_valid(raise_exception=True)
        asked = wbs_actions.do_request_disclosure(
            complaint=complaint, reason=given.validated_data["reason"], actor=request.user
        )
        return Response(
            DisclosureOutput(wbs.disclosure_of(asked)).data, status=status.HTTP_201_CREATED
        )

    def _report(self, request: Request, complaint_id: int) -> Complaint:
        complaint = access_complaint_for_request(request, complaint_id)
        if not complaint.is_wbs:
            raise selectors.not_found()
        return complaint


class DisclosureApprovalApi(TenantApiView):
    """The head or a WBS officer (never the requester) approves a disclosure request."""

    permission_classes = [TenantRole(Role.HEAD, Role.WBS_OFFICER)]

    @extend_schema(
        request=None, responses={201: DisclosureOutput}, operation_id="wbs_disclosure_approve"
    )
    def post(self, request: Request, request_id: int) -> Response:
        asked = wbs.disclosure_request(request_id)
        if asked is None:
            raise selectors.not_found()
        found = wbs_actions.do_approve_disclosure(
            tenant=self.tenant, request=asked, actor=request.user
        )
        return Response(DisclosureOutput(found).data, status=status.HTTP_201_CREATED)


class HandOverInput(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(allow_blank=True)


class HandOverOutput(serializers.Serializer[dict[str, Any]]):
    holder = serializers.CharField()
    number = serializers.CharField()


class InspectorateApi(TenantApiView):
    """A WBS officer hands a WBS report about the body's own leadership to the regency's
    inspectorate (the only move a WBS report takes)."""

    permission_classes = [TenantRole(Role.WBS_OFFICER)]

    @extend_schema(
        request=HandOverInput,
        responses={201: HandOverOutput},
        operation_id="wbs_hand_to_inspectorate",
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = access_complaint_for_request(request, complaint_id)
        if not complaint.is_wbs:
            raise selectors.not_found()
        given = HandOverInput(data=request.data)
        given.is_valid(raise_exception=True)
        moved = wbs_actions.do_hand_to_inspectorate(
            tenant=self.tenant,
            complaint=complaint,
            reason=given.validated_data["reason"],
            actor=request.user,
        )
        body = {"holder": moved.hop.to_tenant.name, "number": moved.complaint.number}
        return Response(body, status=status.HTTP_201_CREATED)
