"""Citizens' personal-data pages (UU 27/2022): a lost tracking code sent again, and the data
subject's rights (see, correct, ask erasure) through the tracking code and a one-time code."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from aduan.errors import AduanError, NotFoundError
from aduan.ratelimit import RateLimitedError, Scope, client_address, limited_page
from aduan.tenancy import connection_tenant, request_tenant
from complaints import selectors
from complaints.actions import privacy
from complaints.actions.tracking_resend import do_resend_tracking_codes
from complaints.api.privacy import ERASURE_PAGE_SIZE, resend_answer
from complaints.forms import show_action_error
from complaints.privacy import (
    DPO_CONTACT_MAX,
    MAX_RETENTION_YEARS,
    NOTICE_MAX,
    privacy_notice,
    privacy_settings,
)
from complaints.selectors import WORK_ROLES, Viewer
from complaints.views.register import ErasureDecisionForm
from complaints.views.tracking import complaint_by_code_or_404
from tenants.access import ADMIN_ROLES, public_page, tenant_role_required

SESSION_KEY = "aduan.personal_data"


class ResendForm(forms.Form):
    contact = forms.CharField(
        label=gettext_lazy("Nomor telepon atau surel yang Anda berikan saat melapor"),
        max_length=254,
    )


@public_page
def resend_page(request: HttpRequest) -> HttpResponse:
    form = ResendForm(request.POST or None)
    answer = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            do_resend_tracking_codes(
                contact=form.cleaned_data["contact"], client=client_address(request)
            )
        except RateLimitedError as error:
            form.add_error("contact", error.message)
            status = 429
        else:
            answer = resend_answer()
    return render(
        request, "complaints/resend.html", {"form": form, "answer": answer}, status=status
    )


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Kode sekali pakai"), max_length=20)


class CorrectionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nama"), max_length=200, required=False)
    address = forms.CharField(
        label=gettext_lazy("Alamat"), max_length=500, required=False, widget=forms.Textarea
    )
    phone = forms.CharField(label=gettext_lazy("Nomor telepon"), max_length=20, required=False)
    email = forms.EmailField(label=gettext_lazy("Surel"), required=False)


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan permintaan penghapusan"),
        max_length=2000,
        required=False,
        widget=forms.Textarea,
    )


@public_page
@limited_page(Scope.LOOKUP, methods=("GET", "HEAD"))
@limited_page(Scope.INTAKE)
def personal_data_page(request: HttpRequest, code: str) -> HttpResponse:
    """One page, three steps: send a code; enter it; then see, correct, ask erasure."""
    tenant = connection_tenant()
    complaint = complaint_by_code_or_404(code)
    token = request.session.get(SESSION_KEY, {}).get(complaint.tracking_code, "")
    opened = False
    if token:
        try:
            privacy.check_subject_token(tenant, complaint, token)
            opened = True
        except AduanError:
            token = ""
    step = request.POST.get("step", "")
    code_form = OneTimeCodeForm(request.POST if step == "open" else None)
    correction = CorrectionForm(
        request.POST if step == "correct" else None,
        initial={k: getattr(complaint, k) for k in ("name", "address", "phone", "email")},
    )
    erasure = ErasureForm(request.POST if step == "erase" else None)
    notice = ""
    status = 200
    try:
        if step == "send":
            privacy.do_send_subject_code(tenant=tenant, complaint=complaint)
            notice = str(gettext_lazy("Jika ada kontak tercatat, kode sekali pakai telah dikirim."))
        elif step == "open" and code_form.is_valid():
            privacy.do_open_subject_session(
                tenant=tenant, complaint=complaint, code=code_form.cleaned_data["code"]
            )
            sessions = request.session.get(SESSION_KEY, {})
            sessions[complaint.tracking_code] = privacy.subject_token(tenant, complaint)
            request.session[SESSION_KEY] = sessions
            return redirect("complaints:personal-data", code=complaint.tracking_code)
        elif step == "correct" and opened and correction.is_valid():
            privacy.do_correct_identity(complaint=complaint, values=correction.cleaned_data)
            return redirect("complaints:personal-data", code=complaint.tracking_code)
        elif step == "erase" and opened and erasure.is_valid():
            privacy.do_request_erasure(complaint=complaint, reason=erasure.cleaned_data["reason"])
            return redirect("complaints:personal-data", code=complaint.tracking_code)
    except AduanError as error:
        target = {"open": code_form, "correct": correction, "erase": erasure}.get(step, code_form)
        field = str(error.extra.get("field", ""))
        target.add_error(field if field in target.fields else None, error.message)
        status = getattr(error, "status_code", 400)
    if request.method == "POST" and not notice and status == 200:
        status = 400
    context = {
        "complaint": complaint,
        "opened": opened,
        "held": privacy.held_data(complaint) if opened else None,
        "code_form": code_form,
        "correction": correction,
        "erasure": erasure,
        "notice": notice,
    }
    return render(request, "complaints/personal_data.html", context, status=status)


# -- staff: erasure requests and the tenant's privacy settings -------------------------------


class PendingErasureForm(ErasureDecisionForm):
    complaint = forms.IntegerField(widget=forms.HiddenInput)


@tenant_role_required(*WORK_ROLES)
def erasure_requests_page(request: HttpRequest) -> HttpResponse:
    """The erasure requests waiting for a decision (UU 27/2022), oldest first; each decided
    here with a reason (approve: the identity is anonymised, its data key destroyed)."""
    viewer = Viewer.of(request.user, request_tenant(request))
    form = PendingErasureForm(request.POST or None)
    decided = None
    if request.method == "POST" and form.is_valid():
        try:
            complaint = selectors.access_complaint(viewer, form.cleaned_data["complaint"])
            privacy.do_decide_erasure(
                complaint=complaint,
                approve=form.cleaned_data["approve"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except NotFoundError:
            form.add_error(None, gettext_lazy("Pengaduan tidak ditemukan."))
        except AduanError as error:
            show_action_error(form, error)
        else:
            messages.success(request, gettext_lazy("Keputusan disimpan."))
            return redirect("complaints:erasure-requests")
        decided = form.cleaned_data.get("complaint")
    pages = Paginator(selectors.pending_erasures(viewer), ERASURE_PAGE_SIZE)
    page = pages.get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "decided": decided}
    status = 400 if form.errors else 200
    return render(request, "complaints/erasure_requests.html", context, status=status)


class PrivacySettingsForm(forms.Form):
    dpo_contact = forms.CharField(
        label=gettext_lazy("Kontak pejabat pelindungan data pribadi"),
        max_length=DPO_CONTACT_MAX,
        required=False,
    )
    notice = forms.CharField(
        label=gettext_lazy("Pemberitahuan privasi (kosongkan untuk teks baku)"),
        max_length=NOTICE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    retention_years = forms.IntegerField(
        label=gettext_lazy("Identitas pengaduan selesai dianonimkan setelah (tahun)"),
        min_value=1,
        max_value=MAX_RETENTION_YEARS,
    )
    wbs_retention_years = forms.IntegerField(
        label=gettext_lazy("Laporan WBS selesai dihapus seluruhnya setelah (tahun)"),
        min_value=1,
        max_value=MAX_RETENTION_YEARS,
    )


@tenant_role_required(*ADMIN_ROLES)
def privacy_settings_page(request: HttpRequest) -> HttpResponse:
    """The tenant admin's privacy settings: the notice every intake page and channel shows,
    the data protection officer's contact and the retention periods."""
    tenant = request_tenant(request)
    form = PrivacySettingsForm(
        request.POST or None, initial=privacy_settings(tenant).as_dict()
    )
    if request.method == "POST" and form.is_valid():
        try:
            privacy.do_set_privacy_settings(tenant=tenant, actor=request.user, **form.cleaned_data)
        except AduanError as error:
            show_action_error(form, error)
        else:
            messages.success(request, gettext_lazy("Pengaturan privasi disimpan."))
            return redirect("complaints:privacy-settings")
    context = {"tenant": tenant, "form": form, "notice": privacy_notice(tenant)}
    status = 400 if form.errors else 200
    return render(request, "complaints/privacy_settings.html", context, status=status)
