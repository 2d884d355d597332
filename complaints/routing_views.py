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

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.errors import AduanError, NotFoundError
from complaints import forwarding
from complaints.actions.front_door import FrontDoorResult, do_file_at_front_door
from complaints.actions.route import do_triage
from complaints.forwarding_views import HopOutput
from routing import selectors
from routing.models import TriageEntry
from routing.selectors import REGENCY_ROLES, request_tenant
from tenants.access import Public, TenantRole, public_page, tenant_role_required
from tenants.models import Region, RegionLevel

# --- tracking ------------------------------------------------------------------------------


def track(code: str) -> dict[str, Any] | None:
    """Where a tracking code's complaint is now, its state there and its journey."""
    code = code.strip().upper()
    if selectors.tracking_entry(code) is None:
        return None
    holder, state = forwarding.current_state(code)
    referral = selectors.lapor_referral(code)
    return {
        "tracking_code": code,
        "holder": holder.name if holder is not None else None,
        "state": state,
        "lapor": referral is not None,
        # SP4N-LAPOR!'s TrackingID once it was sent there (integrations.lapor.referrals).
        "lapor_tracking_id": referral.lapor_tracking_id if referral is not None else "",
        "journey": selectors.journey(code),
    }


class JourneyStep(serializers.Serializer[Any]):
    kind = serializers.CharField()
    from_tenant = serializers.CharField(source="from_tenant.name")
    to_tenant = serializers.CharField(source="to_tenant.name")
    status = serializers.CharField()
    at = serializers.DateTimeField()


class TrackOutput(serializers.Serializer[dict[str, Any]]):
    tracking_code = serializers.CharField()
    holder = serializers.CharField(allow_null=True)
    state = serializers.CharField()
    lapor = serializers.BooleanField()
    lapor_tracking_id = serializers.CharField(allow_blank=True)
    journey = JourneyStep(many=True)


class TrackApi(APIView):
    permission_classes = [Public]

    @extend_schema(responses=TrackOutput, operation_id="track_complaint")
    def get(self, request: Request, code: str) -> Response:
        found = track(code)
        if found is None:
            raise NotFoundError("complaints.not_found", _("Kode lacak tidak ditemukan."))
        return Response(TrackOutput(found).data)


@public_page
def track_page(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("kode", "").strip()
    found = track(code) if code else None
    context = {"code": code, "found": found}
    return render(
        request, "tenants/routing/track.html", context, status=404 if code and not found else 200
    )


# --- the front door ------------------------------------------------------------------------


class FrontDoorInput(serializers.Serializer[dict[str, Any]]):
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


class FrontDoorOutput(serializers.Serializer[FrontDoorResult]):
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


def _file(values: dict[str, Any], attachments: list[Any]) -> FrontDoorResult:
    text: dict[str, Any] = {k: str(values.get(k) or "") for k in FRONT_DOOR_FIELDS}
    return do_file_at_front_door(
        **text,
        latitude=values.get("latitude"),
        longitude=values.get("longitude"),
        attachments=attachments,
    )


class FrontDoorApi(APIView):
    """POST a complaint without choosing the body: Aduan routes it and files it there."""

    permission_classes = [Public]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=FrontDoorInput,
        responses={201: FrontDoorOutput},
        operation_id="front_door_file",
    )
    def post(self, request: Request) -> Response:
        given = FrontDoorInput(data=request.data)
        given.is_valid(raise_exception=True)
        result = _file(given.validated_data, given.validated_data["attachments"])
        return Response(FrontDoorOutput(result).data, status=201)


@public_page
def front_door_page(request: HttpRequest) -> HttpResponse:
    error: AduanError | None = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in FRONT_DOOR_FIELDS}
        try:
            result = _file(values, request.FILES.getlist("attachments"))
        except AduanError as problem:
            error = problem
        else:
            return render(request, "tenants/routing/filed.html", {"result": result})
    context = {
        "categories": selectors.categories(),
        "regencies": Region.objects.filter(level=RegionLevel.REGENCY).order_by("name"),
        "posted": request.POST if request.method == "POST" else {},
        "error": error,
    }
    return render(request, "tenants/routing/front_door.html", context, status=400 if error else 200)


# --- triage (the regency admin, on the regency government's host) -------------------------


class TriageOutput(serializers.Serializer[TriageEntry]):
    tracking_code = serializers.CharField()
    subject = serializers.CharField()
    holder = serializers.CharField(source="holder.name")
    reason = serializers.CharField()
    proposal = serializers.JSONField()
    created_at = serializers.DateTimeField()


class TriageInput(serializers.Serializer[dict[str, Any]]):
    to = serializers.CharField(max_length=63)
    reason = serializers.CharField(max_length=2000)


class TriageApi(APIView):
    permission_classes = [TenantRole(*REGENCY_ROLES)]

    @extend_schema(responses=TriageOutput(many=True), operation_id="triage_queue")
    def get(self, request: Request) -> Response:
        entries = selectors.triage_queue(request_tenant(request))
        return Response(TriageOutput(entries, many=True).data)  # type: ignore[arg-type]


class TriageDecisionApi(APIView):
    permission_classes = [TenantRole(*REGENCY_ROLES)]

    @extend_schema(request=TriageInput, responses=HopOutput, operation_id="triage_send")
    def post(self, request: Request, code: str) -> Response:
        entry = selectors.access_triage_entry(request_tenant(request), code)
        given = TriageInput(data=request.data)
        given.is_valid(raise_exception=True)
        moved = do_triage(entry, actor=request.user, **given.validated_data)
        return Response(HopOutput(moved.hop).data)


@tenant_role_required(*REGENCY_ROLES)
def triage_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    error = ""
    if request.method == "POST":
        try:
            entry = selectors.access_triage_entry(tenant, request.POST.get("code", ""))
            moved = do_triage(
                entry,
                to=request.POST.get("to", ""),
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
        except AduanError as problem:
            error = problem.message
        else:
            messages.success(
                request, _("Diteruskan ke %(name)s.") % {"name": moved.hop.to_tenant.name}
            )
            return redirect(reverse("triage"))
    context = {
        "tenant": tenant,
        "entries": selectors.triage_queue(tenant),
        "targets": selectors.triage_targets(request, tenant),
        "error": error,
    }
    return render(request, "tenants/routing/triage.html", context, status=400 if error else 200)
