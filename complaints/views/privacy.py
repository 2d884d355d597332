"""Citizens' personal-data pages (UU 27/2022): a lost tracking code sent again, and the data
subject's rights (see, correct, ask erasure) through the tracking code and a one-time code."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from aduan.errors import AduanError
from aduan.ratelimit import RateLimitedError, Scope, client_address, limited_page
from aduan.tenancy import connection_tenant
from complaints.actions import privacy
from complaints.actions.tracking_resend import do_resend_tracking_codes
from complaints.api.privacy import resend_answer
from complaints.views.tracking import complaint_by_code_or_404
from tenants.access import public_page

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
