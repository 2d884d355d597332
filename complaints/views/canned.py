"""Staff pages of canned answers (templat jawaban, complaints.actions.canned): the list with a
form to add one, and one template's page to change or delete it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aduan.errors import AduanError, NotFoundError
from complaints.access import CANNED_READ_ROLES, CANNED_ROLES, access_canned_answer
from complaints.actions.canned import (
    can_manage_canned,
    do_create_canned_answer,
    do_delete_canned_answer,
    do_update_canned_answer,
)
from complaints.canned import PLACEHOLDERS
from complaints.forms import CannedAnswerForm, show_action_error
from complaints.models import CannedAnswer
from tenants.access import tenant_role_required


def _placeholders() -> list[tuple[str, str]]:
    return [(f"{{{key}}}", str(label)) for key, label in PLACEHOLDERS.items()]


@tenant_role_required(*CANNED_ROLES, read=CANNED_READ_ROLES)
def canned_answers_page(request: HttpRequest) -> HttpResponse:
    form = CannedAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_create_canned_answer(actor=request.user, **form.cleaned_data)
        except AduanError as error:
            show_action_error(form, error)
        else:
            messages.success(request, _("Templat jawaban disimpan."))
            return redirect("canned-answers")
    context = {
        "answers": list(CannedAnswer.objects.order_by("title")),
        "form": form,
        "can_manage": can_manage_canned(request.user),
        "placeholders": _placeholders(),
    }
    return render(request, "complaints/canned.html", context, status=400 if form.errors else 200)


@tenant_role_required(*CANNED_ROLES, read=CANNED_READ_ROLES)
def canned_answer_page(request: HttpRequest, answer_id: int) -> HttpResponse:
    try:
        answer = access_canned_answer(answer_id)
    except NotFoundError:
        raise Http404 from None
    form = CannedAnswerForm(
        request.POST if request.method == "POST" and "delete" not in request.POST else None,
        initial={"title": answer.title, "body": answer.body},
    )
    if request.method == "POST":
        try:
            if "delete" in request.POST:
                do_delete_canned_answer(actor=request.user, answer=answer)
                messages.success(request, _("Templat jawaban dihapus."))
                return redirect("canned-answers")
            if form.is_valid():
                do_update_canned_answer(actor=request.user, answer=answer, **form.cleaned_data)
                messages.success(request, _("Templat jawaban disimpan."))
                return redirect("canned-answers")
        except AduanError as error:
            show_action_error(form, error)
    context = {
        "answer": answer,
        "form": form,
        "can_manage": can_manage_canned(request.user),
        "placeholders": _placeholders(),
    }
    return render(
        request, "complaints/canned_answer.html", context, status=400 if form.errors else 200
    )
