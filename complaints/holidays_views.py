"""The holidays page and API: the year's days off, and the tenant admin's local holidays."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints import holidays
from complaints.calendar import DayOff, tenant_zone, zone_label
from tenants.access import ADMIN_ROLES, ALL_STAFF_ROLES, TenantRole, tenant_role_required
from tenants.models import Tenant
from tenants.permissions import can_administer


def _year(raw: str | None) -> int:
    try:
        year = int(raw) if raw else timezone.now().year
    except ValueError:
        year = timezone.now().year
    return min(max(year, holidays.FIRST_YEAR), holidays.LAST_YEAR)


class DayOffOutput(serializers.Serializer[DayOff]):
    date = serializers.DateField()
    kind = serializers.CharField()
    name = serializers.CharField()


class CalendarOutput(serializers.Serializer[dict[str, Any]]):
    year = serializers.IntegerField()
    zone = serializers.CharField()
    zone_label = serializers.CharField()
    days_off = DayOffOutput(many=True)


class LocalHolidayInput(serializers.Serializer[dict[str, Any]]):
    date = serializers.DateField()
    name = serializers.CharField(max_length=holidays.NAME_MAX)


class LocalHolidayOutput(serializers.Serializer[Any]):
    date = serializers.DateField()
    name = serializers.CharField()


class HolidayCalendarApi(TenantApiView):
    """GET: the year's days off (national, cuti bersama, local); POST: add a local holiday."""

    permission_classes = [TenantRole(*ADMIN_ROLES, read=ALL_STAFF_ROLES)]

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="Calendar year (default: now)")],
        responses=CalendarOutput,
        operation_id="holidays_list",
    )
    def get(self, request: Request) -> Response:
        tenant = self.tenant
        holidays.access_holidays(request.user, tenant, write=False)
        year = _year(request.query_params.get("year"))
        zone = tenant_zone(tenant)
        data = {
            "year": year,
            "zone": zone.key,
            "zone_label": zone_label(zone),
            "days_off": holidays.days_off_in_year(tenant, year),
        }
        return Response(CalendarOutput(data).data)

    @extend_schema(
        request=LocalHolidayInput,
        responses={201: LocalHolidayOutput},
        operation_id="holidays_add_local",
    )
    def post(self, request: Request) -> Response:
        tenant = self.tenant
        holidays.access_holidays(request.user, tenant, write=True)
        given = LocalHolidayInput(data=request.data)
        given.is_valid(raise_exception=True)
        holiday = holidays.do_add_local_holiday(
            tenant=tenant,
            date=given.validated_data["date"],
            name=given.validated_data["name"],
            actor=request.user,
        )
        return Response(LocalHolidayOutput(holiday).data, status=status.HTTP_201_CREATED)


class LocalHolidayApi(TenantApiView):
    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses={204: None}, operation_id="holidays_remove_local")
    def delete(self, request: Request, date: str) -> Response:
        tenant = self.tenant
        holidays.access_holidays(request.user, tenant, write=True)
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise NotFoundError(
                holidays.HolidayErrorCode.NOT_FOUND, _("Tidak ditemukan.")
            ) from None
        holidays.do_remove_local_holiday(tenant=tenant, date=day, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LocalHolidayForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Tanggal"), widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(label=gettext_lazy("Nama hari libur"), max_length=holidays.NAME_MAX)


def _access_page(request: HttpRequest, *, write: bool) -> Tenant:
    tenant = request_tenant(request)
    try:
        holidays.access_holidays(request.user, tenant, write=write)
    except NotFoundError:
        raise Http404 from None
    return tenant


@tenant_role_required(*ADMIN_ROLES, read=ALL_STAFF_ROLES)
def holidays_page(request: HttpRequest) -> HttpResponse:
    """The year's days off; administrators also add and remove local holidays here."""
    write = request.method == "POST"
    tenant = _access_page(request, write=write)
    form = LocalHolidayForm(request.POST if write else None)
    if write and form.is_valid():
        try:
            holiday = holidays.do_add_local_holiday(
                tenant=tenant,
                date=form.cleaned_data["date"],
                name=form.cleaned_data["name"],
                actor=request.user,
            )
        except AduanError as error:
            form.add_error(error.extra.get("field"), error.message)
        else:
            messages.success(
                request, _("Libur daerah %(name)s ditambahkan.") % {"name": holiday.name}
            )
            return redirect(f"{request.path}?year={holiday.date.year}")
    year = _year(request.GET.get("year") or request.POST.get("date", "")[:4] or None)
    zone = tenant_zone(tenant)
    context = {
        "tenant": tenant,
        "year": year,
        "zone_label": zone_label(zone),
        "days_off": holidays.days_off_in_year(tenant, year),
        "can_edit": can_administer(request.user, tenant),
        "form": form,
    }
    return render(
        request,
        "complaints/holidays.html",
        context,
        status=400 if write else 200,
    )


@tenant_role_required(*ADMIN_ROLES)
@require_POST
def remove_holiday_page(request: HttpRequest, date: str) -> HttpResponse:
    tenant = _access_page(request, write=True)
    try:
        day = dt.date.fromisoformat(date)
        holidays.do_remove_local_holiday(tenant=tenant, date=day, actor=request.user)
    except (ValueError, NotFoundError):
        raise Http404 from None
    messages.success(request, _("Libur daerah dihapus."))
    return redirect(f"{reverse('holidays')}?year={day.year}")
