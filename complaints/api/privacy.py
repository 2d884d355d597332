"""Personal data API (UU 27/2022): the data subject's rights through the tracking code plus a
one-time code (see, correct, ask erasure), and the staff's erasure decision."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.base_views import TenantApiView
from aduan.ratelimit import CodeResendThrottle, IntakeThrottle, LookupThrottle, client_address
from aduan.tenancy import connection_tenant
from complaints import selectors
from complaints.actions import privacy
from complaints.actions.tracking_resend import do_resend_tracking_codes
from complaints.privacy import (
    DPO_CONTACT_MAX,
    MAX_RETENTION_YEARS,
    NOTICE_MAX,
    privacy_notice,
    privacy_settings,
)
from complaints.selectors import WORK_ROLES, Viewer
from tenants.access import ADMIN_ROLES, Public, TenantCapability, TenantRole
from tenants.permissions import Capability

ERASURE_PAGE_SIZE = 50


class SentOutput(serializers.Serializer[dict[str, Any]]):
    detail = serializers.CharField()


class OneTimeCodeInput(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField(allow_blank=True, max_length=20)


class HeldDataOutput(serializers.Serializer[Any]):
    name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    nik = serializers.CharField()
    erasure_requested = serializers.BooleanField()


class SessionOutput(serializers.Serializer[dict[str, Any]]):
    token = serializers.CharField(help_text="Send it back with a correction or an erasure request")
    data = HeldDataOutput()  # type: ignore[assignment]


class CorrectionInput(serializers.Serializer[dict[str, Any]]):
    token = serializers.CharField()
    name = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    nik = serializers.CharField(required=False, allow_blank=True)


class ErasureRequestInput(serializers.Serializer[dict[str, Any]]):
    token = serializers.CharField()
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class DataOutput(serializers.Serializer[dict[str, Any]]):
    data = HeldDataOutput()  # type: ignore[assignment]


class PersonalDataCodeApi(APIView):
    """POST: send a one-time code to the contact given at filing (the same answer whether or
    not one could be sent)."""

    permission_classes = [Public]
    throttle_classes = [IntakeThrottle]

    @extend_schema(request=None, responses={202: SentOutput}, operation_id="personal_data_code")
    def post(self, request: Request, code: str) -> Response:
        complaint = selectors.complaint_by_tracking_code(code)
        privacy.do_send_subject_code(tenant=connection_tenant(), complaint=complaint)
        return Response(
            {"detail": _("Jika ada kontak tercatat, kode sekali pakai telah dikirim.")}, status=202
        )


class PersonalDataApi(APIView):
    """POST: open with the one-time code (what is held about you, and a token for 30 minutes);
    PATCH: correct it."""

    permission_classes = [Public]
    throttle_classes = [LookupThrottle]

    @extend_schema(
        request=OneTimeCodeInput, responses=SessionOutput, operation_id="personal_data_open"
    )
    def post(self, request: Request, code: str) -> Response:
        tenant = connection_tenant()
        complaint = selectors.complaint_by_tracking_code(code)
        given = OneTimeCodeInput(data=request.data)
        given.is_valid(raise_exception=True)
        privacy.do_open_subject_session(
            tenant=tenant, complaint=complaint, code=given.validated_data["code"]
        )
        data = {
            "token": privacy.subject_token(tenant, complaint),
            "data": privacy.held_data(complaint),
        }
        return Response(SessionOutput(data).data)

    @extend_schema(
        request=CorrectionInput, responses=DataOutput, operation_id="personal_data_correct"
    )
    def patch(self, request: Request, code: str) -> Response:
        tenant = connection_tenant()
        complaint = selectors.complaint_by_tracking_code(code)
        given = CorrectionInput(data=request.data)
        given.is_valid(raise_exception=True)
        values = dict(given.validated_data)
        privacy.check_subject_token(tenant, complaint, values.pop("token"))
        complaint = privacy.do_correct_identity(complaint=complaint, values=values)
        return Response(DataOutput({"data": privacy.held_data(complaint)}).data)


class ErasureRequestApi(APIView):
    """POST: the data subject asks for erasure of their identity; staff decide it."""

    permission_classes = [Public]
    throttle_classes = [IntakeThrottle]

    @extend_schema(
        request=ErasureRequestInput, responses=DataOutput, operation_id="personal_data_erasure"
    )
    def post(self, request: Request, code: str) -> Response:
        tenant = connection_tenant()
        complaint = selectors.complaint_by_tracking_code(code)
        given = ErasureRequestInput(data=request.data)
        given.is_valid(raise_exception=True)
        privacy.check_subject_token(tenant, complaint, given.validated_data["token"])
        complaint = privacy.do_request_erasure(
            complaint=complaint, reason=given.validated_data["reason"]
        )
        return Response(DataOutput({"data": privacy.held_data(complaint)}).data)


class ErasureDecisionInput(serializers.Serializer[dict[str, Any]]):
    approve = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class ErasureDecisionOutput(serializers.Serializer[Any]):
    number = serializers.CharField()
    erased = serializers.SerializerMethodField()
    erasure_requested = serializers.SerializerMethodField()

    def get_erased(self, complaint: Any) -> bool:
        return complaint.erased_at is not None

    def get_erasure_requested(self, complaint: Any) -> bool:
        return complaint.erasure_requested_at is not None


class ErasureDecisionApi(APIView):
    """POST: staff decide a pending erasure request, with a reason (approve: anonymise)."""

    permission_classes = [TenantCapability(Capability.WORK_COMPLAINT)]

    @extend_schema(
        request=ErasureDecisionInput,
        responses=ErasureDecisionOutput,
        operation_id="complaint_erasure_decide",
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        viewer = Viewer.of(request.user, connection_tenant())
        complaint = selectors.access_complaint(viewer, complaint_id)
        given = ErasureDecisionInput(data=request.data)
        given.is_valid(raise_exception=True)
        complaint = privacy.do_decide_erasure(
            complaint=complaint,
            approve=given.validated_data["approve"],
            reason=given.validated_data["reason"],
            actor=request.user,
        )
        return Response(ErasureDecisionOutput(complaint).data)


class ResendInput(serializers.Serializer[dict[str, Any]]):
    contact = serializers.CharField(
        max_length=254, help_text="The phone number or e-mail address given at filing"
    )


class TrackingCodeResendApi(APIView):
    """POST: send the tracking codes of the complaints filed with this phone or e-mail to it
    again. The answer is the same whether or not any complaint was found."""

    permission_classes = [Public]
    throttle_classes = [CodeResendThrottle]

    @extend_schema(
        request=ResendInput, responses={202: SentOutput}, operation_id="tracking_code_resend"
    )
    def post(self, request: Request) -> Response:
        given = ResendInput(data=request.data)
        given.is_valid(raise_exception=True)
        do_resend_tracking_codes(
            contact=given.validated_data["contact"], client=client_address(request)
        )
        return Response({"detail": resend_answer()}, status=202)


def resend_answer() -> str:
    """One wording for the page and the API."""
    return str(
        _(
            "Jika nomor atau surel ini tercatat pada pengaduan, kode lacaknya telah dikirim ke "
            "sana. Periksa SMS atau kotak surel Anda."
        )
    )


class ErasureRequestOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    requested_at = serializers.DateTimeField(source="erasure_requested_at")
    reason = serializers.CharField(source="erasure_request_reason")
    is_wbs = serializers.BooleanField()


class ErasureRequestsOutput(serializers.Serializer[dict[str, Any]]):
    results = ErasureRequestOutput(many=True)
    count = serializers.IntegerField()
    page = serializers.IntegerField()


class ErasureRequestsApi(TenantApiView):
    """GET: the erasure requests waiting for a decision (oldest first, 50 a page), among the
    complaints the caller may see; each is decided at /api/v1/complaints/<id>/erasure/."""

    permission_classes = [TenantRole(*WORK_ROLES)]

    @extend_schema(responses=ErasureRequestsOutput, operation_id="erasure_requests")
    def get(self, request: Request) -> Response:
        page = _page_number(request.query_params.get("page"))
        pending = selectors.pending_erasures(Viewer.of(request.user, self.tenant))
        start = (page - 1) * ERASURE_PAGE_SIZE
        rows = list(pending[start : start + ERASURE_PAGE_SIZE])
        body = {"results": rows, "count": pending.count(), "page": page}
        return Response(ErasureRequestsOutput(body).data)


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


class PrivacySettingsSerializer(serializers.Serializer[dict[str, Any]]):
    dpo_contact = serializers.CharField(allow_blank=True, max_length=DPO_CONTACT_MAX)
    notice = serializers.CharField(
        allow_blank=True,
        max_length=NOTICE_MAX,
        help_text="The tenant's own privacy notice; empty: the standard one",
    )
    retention_years = serializers.IntegerField(min_value=1, max_value=MAX_RETENTION_YEARS)
    wbs_retention_years = serializers.IntegerField(min_value=1, max_value=MAX_RETENTION_YEARS)


class PrivacySettingsOutput(PrivacySettingsSerializer):
    notice_shown = serializers.CharField(help_text="The notice as intake pages show it")


class PrivacySettingsApi(TenantApiView):
    """The tenant's privacy settings (UU 27/2022): the data protection officer's contact, the
    privacy notice of its intake pages and channels, the retention periods. Admins change
    them (audited in the tenant's trail)."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    def _answer(self) -> Response:
        found = privacy_settings(self.tenant).as_dict()
        body = {**found, "notice_shown": privacy_notice(self.tenant)}
        return Response(PrivacySettingsOutput(body).data)

    @extend_schema(responses=PrivacySettingsOutput, operation_id="privacy_settings")
    def get(self, request: Request) -> Response:
        return self._answer()

    @extend_schema(
        request=PrivacySettingsSerializer,
        responses=PrivacySettingsOutput,
        operation_id="privacy_settings_set",
    )
    def put(self, request: Request) -> Response:
        given = PrivacySettingsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        privacy.do_set_privacy_settings(
            tenant=self.tenant, actor=request.user, **given.validated_data
        )
        return self._answer()
