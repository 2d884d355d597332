"""The citizens' doors: the embeddable form for the village website (`embed/`: framed only by
the origins the tenant registered, CSP `frame-ancestors`; every other page keeps refusing to be
framed), its settings page with the snippet to paste, and the phone's one-time code asked on
the forms of a tenant that confirms phones. Thin: parse, one action, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from aduan.errors import AduanError
from aduan.ratelimit import Scope, limited_page
from aduan.tenancy import request_tenant
from complaints.actions.doors import do_send_phone_code, do_set_citizen_doors
from complaints.actions.intake import do_file_complaint
from complaints.doors import citizen_doors
from complaints.forms import ComplaintForm, show_action_error
from complaints.models import Channel
from complaints.privacy import privacy_notice
from complaints.views.tracking import complaint_by_code_or_404
from tenants.access import ADMIN_ROLES, public_page, tenant_role_required
from tenants.models import Tenant

SEND_CODE = "send_code"  # the submit button that asks for the phone's code


def send_code_if_asked(request: HttpRequest, form: ComplaintForm, tenant: Tenant) -> bool:
    """The form's "send me the code" button: the code goes to the typed phone (by SMS, or
    WhatsApp when chosen); the form comes back with what was typed. True when it was that."""
    if request.method != "POST" or SEND_CODE not in request.POST or not form.confirm_phone:
        return False
    form.is_valid()
    try:
        do_send_phone_code(
            tenant=tenant,
            phone=str(request.POST.get("phone", "")),
            channel=str(request.POST.get(SEND_CODE) or "sms"),
        )
    except AduanError as error:
        show_action_error(form, error)
    else:
        form.code_sent = True  # type: ignore[attr-defined]
    form.hold_files()
    return True


def framed_by_registered_origins(response: HttpResponse, tenant: Tenant) -> HttpResponse:
    """Only the origins the tenant registered may frame this response (none: nobody)."""
    origins = citizen_doors(tenant).embed_origins
    response._csp_replace = {"frame-ancestors": origins or ["'none'"]}  # type: ignore[attr-defined]
    # X-Frame-Options cannot name origins; browsers that know CSP follow frame-ancestors.
    response.xframe_options_exempt = bool(origins)
    return response


@public_page
@limited_page(Scope.INTAKE)
@csrf_exempt  # framed on another site, where browsers hold back our cookies; anonymous intake
def embed_page(request: HttpRequest) -> HttpResponse:
    """The embeddable form: the same intake action as the tenant's own form, in the tenant's
    name and colour, plain HTML (no script needed), small enough for a slow phone."""
    tenant = request_tenant(request)
    doors = citizen_doors(tenant)
    form = ComplaintForm(
        request.POST or None, request.FILES or None, confirm_phone=doors.confirm_phone
    )
    if send_code_if_asked(request, form, tenant):
        pass
    elif request.method == "POST" and form.is_valid():
        try:
            complaint = do_file_complaint(
                tenant=tenant, channel=Channel.WEB, actor_label=_("Situs desa"),
                **form.intake_values(),
            )  # fmt: skip
        except AduanError as error:
            show_action_error(form, error)
            form.hold_files()
        else:
            form.release_held()
            return redirect("complaints:embed-receipt", code=complaint.tracking_code)
    context = {
        "form": form,
        "tenant": tenant,
        "privacy_notice": privacy_notice(tenant),
        "send_code": SEND_CODE,
    }
    response = render(request, "complaints/embed.html", context, status=400 if form.errors else 200)
    return framed_by_registered_origins(response, tenant)


@public_page
@limited_page(Scope.LOOKUP, methods=())
def embed_receipt(request: HttpRequest, code: str) -> HttpResponse:
    """After filing in the frame: the tracking code, and the tracking page in a new tab."""
    tenant = request_tenant(request)
    complaint = complaint_by_code_or_404(code)
    track = request.build_absolute_uri(
        reverse("complaints:track", kwargs={"code": complaint.tracking_code})
    )
    context = {"tenant": tenant, "complaint": complaint, "track_url": track}
    return framed_by_registered_origins(
        render(request, "complaints/embed_receipt.html", context), tenant
    )


@public_page
def embed_style(request: HttpRequest) -> HttpResponse:
    """The tenant's colour for the embedded form (a stylesheet: the CSP allows no inline
    style)."""
    colour = citizen_doors(request_tenant(request)).colour
    css = f":root{{--brand:{colour}}}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


class CitizenDoorsForm(forms.Form):
    embed_origins = forms.CharField(
        label=gettext_lazy("Situs web yang boleh memasang formulir (satu per baris)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://desa-kuripankidul.id"}),
    )
    colour = forms.CharField(
        label=gettext_lazy("Warna formulir"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    confirm_phone = forms.BooleanField(
        label=gettext_lazy(
            "Konfirmasi nomor telepon dengan kode sekali pakai (SMS/WhatsApp) sebelum "
            "pengaduan dicatat"
        ),
        required=False,
    )


def embed_snippet(request: HttpRequest) -> str:
    url = request.build_absolute_uri(reverse("complaints:embed"))
    return (
        f'<iframe src="{url}" title="Pengaduan" loading="lazy" '
        'style="width:100%;max-width:40em;height:70em;border:0"></iframe>'
    )


@tenant_role_required(*ADMIN_ROLES)
def doors_settings_page(request: HttpRequest) -> HttpResponse:
    """The tenant's citizen doors: the website origins and colour of the embeddable form (and
    the snippet to paste), and identity confirmation."""
    tenant = request_tenant(request)
    current = citizen_doors(tenant)
    initial = {
        "embed_origins": "\n".join(current.embed_origins),
        "colour": current.colour,
        "confirm_phone": current.confirm_phone,
    }
    write = request.method == "POST"
    form = CitizenDoorsForm(request.POST if write else None, initial=initial)
    if write and form.is_valid():
        try:
            do_set_citizen_doors(
                tenant=tenant,
                embed_origins=form.cleaned_data["embed_origins"].splitlines(),
                colour=form.cleaned_data["colour"],
                confirm_phone=form.cleaned_data["confirm_phone"],
                actor=request.user,
            )
        except AduanError as error:
            show_action_error(form, error)
        else:
            messages.success(request, _("Pengaturan pintu pengaduan disimpan."))
            return redirect("citizen-doors")
    context = {
        "tenant": tenant,
        "form": form,
        "snippet": embed_snippet(request),
        "embed_url": request.build_absolute_uri(reverse("complaints:embed")),
        "origins": current.embed_origins,
    }
    return render(request, "complaints/doors.html", context, status=400 if form.errors else 200)
