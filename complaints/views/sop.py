"""Staff pages of the SOP: the editor (tenant admins) and the steps on a complaint (staff)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints.access import access_canned_answer, access_complaint_for_work
from complaints.actions.sop import do_edit_sop
from complaints.actions.workflow import allowed_transitions, complaint_sop, do_transition_complaint
from complaints.api.sop import form_inputs
from complaints.canned import fill_for
from complaints.models import CannedAnswer, Complaint
from complaints.selectors import READ_ROLES, current_definition, version_history
from complaints.sop import LIMIT_UNITS, Sop, SopError, SopErrorCode, parse_sop, validate_sop
from complaints.sop_form import (
    definition_from,
    diagram,
    differences,
    place_problems,
    rows_from_post,
    rows_of,
)
from tenants.access import ADMIN_ROLES, tenant_role_required
from tenants.models import Role

# Roles a step may name (the tenant's own staff; not the platform's or the regency's).
SOP_ROLES = frozenset(
    {Role.TENANT_ADMIN, Role.OFFICER, Role.ANSWER_TEAM, Role.LIAISON, Role.HEAD, Role.WBS_OFFICER}
)


def _role_label(key: str) -> str:
    try:
        return str(Role(key).label)
    except ValueError:
        return key


def sop_rendering(sop: Sop) -> dict[str, Any]:
    """The SOP as rows a template can show: states, then steps with their role names."""
    return {
        "sop": sop,
        "steps": [
            {
                "transition": t,
                "sources": [str(s.label) if (s := sop.state(k)) else k for k in t.sources],
                "target": str(s.label) if (s := sop.state(t.target)) else t.target,
                "roles": [_role_label(r) for r in sorted(t.roles)],
            }
            for t in sop.transitions
        ],
    }


def _role_choices() -> list[tuple[str, str]]:
    return [(str(role), str(role.label)) for role in Role if role in SOP_ROLES]


@tenant_role_required(*ADMIN_ROLES)
def sop_editor(request: HttpRequest) -> HttpResponse:
    """The SOP editor: states and steps as a form with the flow drawn as a diagram, a preview
    of the changes against the active version, then publish as the next version. The JSON
    text stays below for what the form does not edit (and in the API)."""
    tenant = request_tenant(request)
    version, definition = current_definition(tenant)
    text = json.dumps(definition, indent=2, ensure_ascii=False)
    problems: list[dict[str, Any]] = []
    note = ""
    rows = rows_of(definition)
    preview: dict[str, Any] | None = None
    if request.method == "POST" and request.POST.get("mode") == "form":
        note = request.POST.get("note", "")
        based_on = request.POST.get("based_on", "")
        rows = rows_from_post(request.POST)
        edited, origin = definition_from(rows, definition)
        sop: Sop | None = None
        if not rows.errors:
            try:
                sop = validate_sop(edited)
            except SopError as error:
                place_problems(rows, error, origin)
        if sop is not None and request.POST.get("action") == "publish":
            try:
                saved = do_edit_sop(
                    tenant=tenant,
                    definition=edited,
                    note=note,
                    based_on=int(based_on) if based_on.isdigit() else None,
                    actor=request.user,
                )
            except AduanError as error:
                rows.add("sop", error.message)
            else:
                messages.success(request, _("SOP versi %(n)d diterbitkan.") % {"n": saved.number})
                return redirect("sop-editor")
        if sop is not None and not rows.errors:
            preview = {
                "changes": differences(definition, edited),
                "diagram": diagram(sop),
            }
        text = json.dumps(edited, indent=2, ensure_ascii=False)
    elif request.method == "POST":
        text = request.POST.get("definition", "")
        note = request.POST.get("note", "")
        based_on = request.POST.get("based_on", "")
        try:
            try:
                submitted = json.loads(text)
            except json.JSONDecodeError as bad:
                raise SopError(
                    SopErrorCode.INVALID_JSON,
                    _("Teks SOP bukan JSON yang valid (baris %(line)d, kolom %(col)d).")
                    % {"line": bad.lineno, "col": bad.colno},
                ) from None
            saved = do_edit_sop(
                tenant=tenant,
                definition=submitted,
                note=note,
                based_on=int(based_on) if based_on.isdigit() else None,
                actor=request.user,
            )
        except AduanError as error:
            problems = error.extra.get("problems") or [
                {"code": error.code, "message": error.message}
            ]
        else:
            messages.success(request, _("SOP versi %(n)d disimpan.") % {"n": saved.number})
            return redirect("sop-editor")
    active = parse_sop(definition)
    context = {
        "tenant": tenant,
        "version": version,
        "text": text,
        "note": note,
        "problems": problems,
        "rows": rows.annotated(),
        "preview": preview,
        "diagram": diagram(active),
        "role_choices": _role_choices(),
        "units": [(u, _unit_label(u)) for u in LIMIT_UNITS],
        "versions": list(version_history()[:50]),
        **sop_rendering(active),
    }
    failed = bool(problems or rows.errors)
    return render(request, "complaints/sop_editor.html", context, status=400 if failed else 200)


def _unit_label(unit: str) -> str:
    return {
        "working_days": _("hari kerja"),
        "days": _("hari kalender"),
        "hours": _("jam"),
    }[unit]


@tenant_role_required(*READ_ROLES)
def complaint_steps(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The complaint's current step and the steps this user may take, each with its form."""
    tenant = request_tenant(request)
    try:
        complaint = access_complaint_for_work(request.user, tenant, complaint_id)
    except NotFoundError:
        raise Http404 from None
    sop = complaint_sop(complaint)
    error: AduanError | None = None
    chosen = ""
    if request.method == "POST":
        chosen = request.POST.get("transition", "")
        inputs = form_inputs(request)
        try:
            complaint = do_transition_complaint(
                complaint=complaint, transition=chosen, actor=request.user, inputs=inputs
            )
        except AduanError as failed:
            error = failed
        else:
            step = sop.transition(chosen)
            messages.success(
                request,
                _("Langkah dilakukan: %(step)s.") % {"step": step.label if step else chosen},
            )
            if not Complaint.objects.filter(pk=complaint.pk).exists():
                # "Not our authority" handed it to another body: only the stub is left here.
                return redirect("forwarding")
            return redirect("complaint-steps", complaint_id=complaint.pk)
    transitions = allowed_transitions(complaint, request.user)
    prefill_step, prefill_text, canned_error = "", "", ""
    chosen_answer = request.GET.get("templat", "")
    if request.method == "GET" and chosen_answer:
        # A canned answer, filled for this complaint, in the chosen step's public text.
        prefill_step = request.GET.get("langkah", "")
        try:
            answer = access_canned_answer(chosen_answer)
            prefill_text = fill_for(answer.body, complaint=complaint, tenant=tenant)
        except AduanError as failed:
            canned_error, prefill_step = failed.message, ""
    context = {
        "complaint": complaint,
        "state": sop.state(complaint.state),
        "pending": complaint.pending_answer or {},
        "canned": list(CannedAnswer.objects.order_by("title")),
        "canned_chosen": int(chosen_answer) if chosen_answer.isdigit() else None,
        "canned_error": canned_error,
        "prefill_step": prefill_step,
        "prefill_text": prefill_text,
        "transitions": [
            {
                "transition": t,
                "has_public_text": any(i.public and i.type == "text" for i in t.inputs),
            }
            for t in transitions
        ],
        "error": error,
        "field_errors": error.extra.get("fields", {}) if error else {},
        "chosen": chosen,
        "submitted": request.POST if error else {},
    }
    status = 400 if error or canned_error else 200
    return render(request, "complaints/sop_steps.html", context, status=status)
