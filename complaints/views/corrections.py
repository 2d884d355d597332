"""Staff page of corrections and moderation (complaints.actions.corrections): correct the
complaint's data, hide a passage or a file from the public view; each with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints.access import CORRECT_ROLES, access_complaint_for_work
from complaints.actions.corrections import do_correct_complaint, do_redact_complaint
from complaints.forms import CorrectionForm, FileRedactionForm, RedactionForm, show_action_error
from complaints.models import Complaint
from complaints.presenters import state_label
from complaints.redaction import public_text
from complaints.selectors import register_filter_choices
from tenants.access import tenant_role_required


def _initial(complaint: Complaint) -> dict[str, str]:
    return {
        "category": complaint.category,
        "subject": complaint.subject,
        "incident_place": complaint.incident_place,
        "urgency": complaint.urgency,
        "privacy": "confidential" if complaint.is_confidential else "public",
    }


@tenant_role_required(*CORRECT_ROLES)
def corrections_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    tenant = request_tenant(request)
    try:
        complaint = access_complaint_for_work(request.user, tenant, complaint_id)
    except NotFoundError:
        raise Http404 from None
    categories = register_filter_choices(tenant)["categories"]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    correction = CorrectionForm(
        request.POST if action == "correct" else None,
        initial=_initial(complaint),
        categories=categories,
    )
    redaction = RedactionForm(request.POST if action == "redact" else None)
    file_redaction = FileRedactionForm(request.POST if action == "redact_file" else None)
    done = False
    if action == "correct" and correction.is_valid():
        data = correction.cleaned_data
        try:
            do_correct_complaint(
                complaint=complaint,
                actor=request.user,
                reason=data["reason"],
                changes={
                    "category": data["category"],
                    "subject": data["subject"],
                    "incident_place": data["incident_place"],
                    "urgency": data["urgency"],
                    "is_confidential": data["privacy"] == "confidential",
                },
            )
        except AduanError as error:
            show_action_error(correction, error)
        else:
            done = True
    elif action == "redact" and redaction.is_valid():
        try:
            do_redact_complaint(complaint=complaint, actor=request.user,
                                **redaction.cleaned_data)  # fmt: skip
        except AduanError as error:
            show_action_error(redaction, error)
        else:
            done = True
    elif action == "redact_file" and file_redaction.is_valid():
        try:
            do_redact_complaint(
                complaint=complaint,
                actor=request.user,
                reason=file_redaction.cleaned_data["reason"],
                attachment_id=file_redaction.cleaned_data["attachment"],
            )
        except AduanError as error:
            show_action_error(file_redaction, error)
        else:
            done = True
    if done:
        messages.success(request, _("Koreksi dicatat di riwayat pengaduan."))
        return redirect("complaints:detail", complaint_id=complaint.pk)
    failed = any(f.errors for f in (correction, redaction, file_redaction))
    context = {
        "complaint": complaint,
        "state": state_label(complaint),
        "correction": correction,
        "redaction": redaction,
        "file_redaction_error": file_redaction.errors,
        "public_subject": public_text(complaint, "subject"),
        "public_description": public_text(complaint, "description"),
        "attachments": list(complaint.attachments.order_by("pk")),
    }
    return render(request, "complaints/corrections.html", context, status=400 if failed else 200)
