"""The holidays page and API: the year's days off, and the tenant admin's local holidays."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from aduan.errors import NotFoundError
from complaints.access import access_holidays
from complaints.actions.holidays import NAME_MAX, do_add_local_holiday, do_remove_local_holiday
from complaints.calendar import DayOff, tenant_zone, year_or_current, zone_label
from complaints.errors import HolidayErrorCode
from complaints.selectors import days_off_in_year
from tenants.access import ADMIN_ROLES, ALL_STAFF_ROLES, TenantRole


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
    name = serializers.CharField(max_length=NAME_MAX)


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
        access_holidays(request.user, tenant, write=False)
        year = year_or_current(request.query_params.get("year"))
        zone = tenant_zone(tenant)
        data = {
            "year": year,
            "zone": zone.key,
            "zone_label": zone_label(zone),
            "days_off": days_off_in_year(tenant, year),
        }
        return Response(CalendarOutput(data).data)

    @extend_schema(
        request=LocalHolidayInput,
        responses={201: LocalHolidayOutput},
        operation_id="holidays_add_local",
    )
    def post(self, request: Request) -> Response:
        tenant = self.tenant
        access_holidays(request.user, tenant, write=True)
        given = LocalHolidayInput(data=request.data)
        given.is_valid(raise_exception=True)
        holiday = do_add_local_holiday(
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
        access_holidays(request.user, tenant, write=True)
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise NotFoundError(HolidayErrorCode.NOT_FOUND, _("Tidak ditemukan.")) from None
        do_remove_local_holiday(tenant=tenant, date=day, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
