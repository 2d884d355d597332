"""The holidays page and API: the year's days off, and the tenant admin's local holidays."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from rest_framework.request import Request

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints.access import access_holidays
from complaints.actions.holidays import NAME_MAX, do_add_local_holiday, do_remove_local_holiday
from complaints.calendar import tenant_zone, year_or_current, zone_label
from complaints.selectors import days_off_in_year
from tenants.access import ADMIN_ROLES, ALL_STAFF_ROLES, tenant_role_required
from tenants.models import Tenant
from tenants.permissions import can_administer


def _tenant(request: HttpRequest | Request) -> Tenant:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == "public":
        raise Http404
    return tenant  # type: ignore[no-any-return]


class LocalHolidayForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Tanggal"), widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(label=gettext_lazy("Nama hari libur"), max_length=NAME_MAX)


def _access_page(request: HttpRequest, *, write: bool) -> Tenant:
    tenant = request_tenant(request)
    try:
        access_holidays(request.user, tenant, write=write)
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
            holiday = do_add_local_holiday(
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
    year = year_or_current(request.GET.get("year") or request.POST.get("date", "")[:4] or None)
    zone = tenant_zone(tenant)
    context = {
        "tenant": tenant,
        "year": year,
        "zone_label": zone_label(zone),
        "days_off": days_off_in_year(tenant, year),
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
        do_remove_local_holiday(tenant=tenant, date=day, actor=request.user)
    except (ValueError, NotFoundError):
        raise Http404 from None
    messages.success(request, _("Libur daerah dihapus."))
    return redirect(f"{reverse('holidays')}?year={day.year}")
