"""Staff page of answer approval (complaints.actions.approval): the held answer as the drafter
wrote it, and for an approver the decision: approve (the step is taken and the citizen told)
or send back with a note. The approval queue is the work queue's "approval" list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints.access import APPROVE_ROLES, access_complaint_for_work
from complaints.actions.approval import do_approve_answer, do_return_answer
from complaints.actions.workflow import complaint_sop, waiting_answer
from complaints.forms import ApprovalForm, show_action_error
from complaints.presenters import state_label
from complaints.selectors import READ_ROLES, staff_user_or_none
from tenants.access import tenant_role_required
from tenants.permissions import roles_in


def _draft_rows(draft: dict[str, Any], complaint_id: int, sop_step: Any) -> list[dict[str, Any]]:
    """Each input of the draft with its label; a file as a link to the staff download."""
    specs = {spec.key: spec for spec in sop_step.inputs} if sop_step else {}
    rows = []
    for key, value in (draft.get("inputs") or {}).items():
        spec = specs.get(key)
        label = str(spec.label) if spec else key
        row: dict[str, Any] = {"key": key, "label": label, "public": bool(spec and spec.public)}
        if isinstance(value, dict) and "attachment" in value:
            row["file"] = value
        elif spec is not None and spec.type == "choice" and (choice := spec.choice(str(value))):
            row["value"] = str(choice.label)
        else:
            row["value"] = value
        rows.append(row)
    return rows


@tenant_role_required(*APPROVE_ROLES, read=READ_ROLES)
def approval_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    tenant = request_tenant(request)
    try:
        complaint = access_complaint_for_work(request.user, tenant, complaint_id)
    except NotFoundError:
        raise Http404 from None
    form = ApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = (
            do_approve_answer if form.cleaned_data["decision"] == "approve" else do_return_answer
        )
        try:
            decide(complaint=complaint, actor=request.user, note=form.cleaned_data["note"])
        except AduanError as error:
            show_action_error(form, error)
        else:
            approved = form.cleaned_data["decision"] == "approve"
            messages.success(
                request,
                _("Jawaban disetujui dan dikirim.") if approved else _("Jawaban dikembalikan."),
            )
            return redirect("console")
    draft = complaint.pending_answer
    step = complaint_sop(complaint).transition(str(draft.get("transition"))) if draft else None
    context = {
        "complaint": complaint,
        "state": state_label(complaint),
        "draft": draft,
        "step": step,
        "rows": _draft_rows(draft, complaint.pk, step) if draft else [],
        "drafted_by": staff_user_or_none(draft.get("drafted_by")) if draft else None,
        "can_decide": waiting_answer(complaint) is not None
        and step is not None
        and bool(step.approval & roles_in(request.user, tenant)),
        "form": form,
    }
    return render(request, "complaints/approval.html", context, status=400 if form.errors else 200)
