"""Billing's pages: the operator's plans, accounts and transfer confirmations (platform host);
an account's usage, invoices and transfer proofs (its tenant's host, for its admins)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from aduan import charts
from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import acting_user, request_tenant
from billing import access, periods, selectors
from billing.actions import accounts, invoices, payments, plans
from billing.forms import (
    AccountForm,
    CoverForm,
    CreditNoteForm,
    IssueForm,
    PlanForm,
    ProofForm,
    TaxRateForm,
)
from billing.models import Payment, PaymentStatus, UsageKind
from billing.pdf import credit_note_pdf, invoice_pdf
from tenants.access import ADMIN_ROLES, operator_required, tenant_role_required
from tenants.forms import add_domain_error
from tenants.models import Tenant


def _attempt(form: forms.Form, write: Callable[[], Any]) -> bool:
    """Run one writer; a domain error lands on its field and nothing was stored."""
    try:
        write()
    except AduanError as error:
        add_domain_error(form, error)
        return False
    return True


def _tenant(slug: str, form: forms.Form, field: str) -> Tenant | None:
    tenant = Tenant.objects.filter(slug=slug).first() if slug else None
    if slug and tenant is None:
        form.add_error(field, _("Instansi %(slug)s tidak dikenal.") % {"slug": slug})
    return tenant


# --- the operator -------------------------------------------------------------------------


@operator_required
def plans_page(request: HttpRequest) -> HttpResponse:
    post = request.method == "POST"
    which = request.POST.get("form", "plan")
    plan_form = PlanForm(request.POST if post and which == "plan" else None)
    tax_form = TaxRateForm(request.POST if post and which == "tax" else None)
    if post:
        actor = acting_user(request)
        if which == "plan" and plan_form.is_valid():
            if _attempt(plan_form, lambda: plans.do_create_plan(**plan_form.cleaned_data,
                                                                 actor=actor)):  # fmt: skip
                messages.success(request, _("Paket disimpan."))
                return HttpResponseRedirect(request.path)
        elif (
            which == "tax"
            and tax_form.is_valid()
            and _attempt(
                tax_form, lambda: plans.do_set_tax_rate(**tax_form.cleaned_data, actor=actor)
            )
        ):
            messages.success(request, _("Tarif PPN disimpan."))
            return HttpResponseRedirect(request.path)
    return render(
        request,
        "billing/plans.html",
        {
            "plans": selectors.plans(),
            "plan_form": plan_form,
            "tax_form": tax_form,
            "taxes": selectors.tax_rates(),
        },
        status=400 if post else 200,
    )


@operator_required
def accounts_page(request: HttpRequest) -> HttpResponse:
    post = request.method == "POST"
    form = AccountForm(request.POST if post else None)
    if post and form.is_valid():
        data = dict(form.cleaned_data)
        holder = _tenant(data.pop("holder"), form, "holder")
        if not form.errors and _attempt(
            form,
            lambda: accounts.do_create_account(**data, holder=holder, actor=acting_user(request)),
        ):
            messages.success(request, _("Akun tagihan dibuat."))
            return HttpResponseRedirect(request.path)
    return render(
        request,
        "billing/accounts.html",
        {"accounts": selectors.accounts(), "form": form},
        status=400 if post else 200,
    )


@operator_required
def account_admin_page(request: HttpRequest, account_id: int) -> HttpResponse:
    try:
        account = access.access_account(account_id)
    except NotFoundError:
        raise Http404 from None
    post = request.method == "POST"
    which = request.POST.get("form", "cover")
    cover_form = CoverForm(request.POST if post and which == "cover" else None)
    issue_form = IssueForm(request.POST if post and which == "issue" else None)
    actor = acting_user(request)
    if post and which == "cover" and cover_form.is_valid():
        tenant = _tenant(cover_form.cleaned_data["tenant"], cover_form, "tenant")
        plan = cover_form.cleaned_data["plan"]
        if tenant is not None and _attempt(
            cover_form, lambda: _cover(account, tenant, plan, actor)
        ):
            messages.success(request, _("Cakupan akun diperbarui."))
            return HttpResponseRedirect(request.path)
    if post and which == "issue" and issue_form.is_valid():
        period = issue_form.cleaned_data["period"]
        if _attempt(issue_form, lambda: invoices.do_issue_invoice(account=account, period=period,
                                                                  actor=actor)):  # fmt: skip
            messages.success(request, _("Tagihan diterbitkan."))
            return HttpResponseRedirect(request.path)
    return render(
        request,
        "billing/account_admin.html",
        {
            "account": account,
            "coverages": selectors.account_tenants(account, periods.today()),
            "invoices": selectors.invoices(account),
            "cover_form": cover_form,
            "issue_form": issue_form,
        },
        status=400 if post else 200,
    )


@operator_required
def invoice_admin_page(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The operator's view of one issued invoice: its lines, payments and credit notes, and
    the form that issues a credit note (the invoice itself is never edited)."""
    try:
        invoice = access.access_invoice(invoice_id)
    except NotFoundError:
        raise Http404 from None
    post = request.method == "POST"
    form = CreditNoteForm(request.POST if post else None)
    if post and form.is_valid():
        data = form.cleaned_data
        if _attempt(form, lambda: invoices.do_issue_credit_note(
            invoice=invoice, amount=data["amount"], reason=data["reason"],
            actor=acting_user(request),
        )):  # fmt: skip
            messages.success(request, _("Nota kredit diterbitkan."))
            return HttpResponseRedirect(request.path)
    return render(
        request,
        "billing/invoice_admin.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.order_by("pk"),
            "payments": invoice.payments.order_by("created_at"),
            "credit_notes": invoice.credit_notes.order_by("pk"),
            "credited": invoices.credited(invoice),
            "form": form,
        },
        status=400 if post else 200,
    )


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@operator_required
def invoice_admin_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    try:
        invoice = access.access_invoice(invoice_id)
    except NotFoundError:
        raise Http404 from None
    return _pdf(invoice_pdf(invoice), invoice.number)


@operator_required
def credit_note_admin_pdf(request: HttpRequest, invoice_id: int, note_id: int) -> HttpResponse:
    try:
        note = access.access_credit_note(access.access_invoice(invoice_id), note_id)
    except NotFoundError:
        raise Http404 from None
    return _pdf(credit_note_pdf(note), note.number)


def _cover(account: Any, tenant: Tenant, plan: str, actor: Any) -> object:
    current = selectors.covering_account(tenant.pk)
    if current is None:
        return accounts.do_cover_tenant(account=account, tenant=tenant, plan_code=plan,
                                        actor=actor)  # fmt: skip
    if current.pk == account.pk:
        return accounts.do_change_plan(tenant=tenant, plan_code=plan, actor=actor)
    return accounts.do_move_tenant(tenant=tenant, account=account, actor=actor)


@operator_required
def transfers_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            payment = access.access_pending_payment(int(request.POST.get("payment", "0")))
            payments.do_decide_transfer(
                payment=payment,
                confirm=request.POST.get("decision") == "confirm",
                actor=acting_user(request),
            )
        except (AduanError, ValueError):
            messages.error(request, _("Pembayaran tidak ditemukan atau sudah diputuskan."))
        else:
            messages.success(request, _("Keputusan disimpan."))
        return HttpResponseRedirect(request.path)
    pending = (
        Payment.objects.filter(status=PaymentStatus.PENDING)
        .select_related("invoice__account")
        .order_by("created_at")
    )
    return render(request, "billing/transfers.html", {"payments": pending})


@operator_required
def transfer_proof(request: HttpRequest, payment_id: int) -> HttpResponse:
    try:
        payment = access.access_pending_payment(payment_id)
    except NotFoundError:
        raise Http404 from None
    response = HttpResponse(bytes(payment.proof or b""), content_type=payment.proof_type)
    response["Content-Disposition"] = "attachment"
    return response


# --- an account, on its tenant's host -----------------------------------------------------


@tenant_role_required(*ADMIN_ROLES)
def account_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    account = access.held_account(tenant)
    context: dict[str, Any] = {"tenant": tenant, "account": account,
                               "sponsor": selectors.covering_account(tenant.pk)}  # fmt: skip
    if account is not None:
        rows = selectors.usage(account)
        chart = selectors.usage_chart(
            account, rows, _("Pesan WhatsApp/SMS bulan ini"), _("Terpakai"), _("Kuota")
        )
        storage = selectors.usage_chart(
            account, rows, _("Penyimpanan berkas (MB)"), _("Terpakai"), _("Kuota"),
            kind=UsageKind.STORAGE_BYTES,
        )  # fmt: skip
        context.update(
            rows=rows,
            chart=mark_safe(charts.svg(chart)) if chart.labels else "",  # noqa: S308  # escaped by aduan.charts
            storage_chart=mark_safe(charts.svg(storage)) if storage.labels else "",  # noqa: S308  # escaped by aduan.charts
            invoices=selectors.invoices(account),
            period=periods.month_start(periods.today()),
        )
    return render(request, "billing/account.html", context)


def _held_invoice(request: HttpRequest, invoice_id: int) -> Any:
    try:
        return access.access_held_invoice(request_tenant(request), invoice_id)
    except NotFoundError:
        raise Http404 from None


@tenant_role_required(*ADMIN_ROLES)
def invoice_page(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _held_invoice(request, invoice_id)
    post = request.method == "POST"
    form = ProofForm(request.POST if post else None, request.FILES if post else None)
    if post and form.is_valid():
        upload = form.cleaned_data["proof"]
        if _attempt(form, lambda: payments.do_submit_transfer_proof(
            invoice=invoice, amount=form.cleaned_data["amount"],
            proof=upload.read(payments.PROOF_LIMIT + 1), proof_name=str(upload.name or ""),
            actor=acting_user(request),
        )):  # fmt: skip
            messages.success(request, _("Bukti transfer terkirim; menunggu konfirmasi operator."))
            return HttpResponseRedirect(request.path)
    return render(
        request,
        "billing/invoice.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.order_by("pk"),
            "form": form,
            "payments": invoice.payments.order_by("created_at"),
            "credit_notes": invoice.credit_notes.order_by("pk"),
        },
        status=400 if post else 200,
    )


@tenant_role_required(*ADMIN_ROLES)
def invoice_pdf_page(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _held_invoice(request, invoice_id)
    return _pdf(invoice_pdf(invoice), invoice.number)


@tenant_role_required(*ADMIN_ROLES)
def credit_note_pdf_page(request: HttpRequest, invoice_id: int, note_id: int) -> HttpResponse:
    try:
        note = access.access_credit_note(_held_invoice(request, invoice_id), note_id)
    except NotFoundError:
        raise Http404 from None
    return _pdf(credit_note_pdf(note), note.number)
