"""Billing's routes: the operator's on the platform's host, an account's on its tenant's host,
and Midtrans' notification on the platform's host."""

from django.urls import URLPattern, path

from billing.api import billing as api
from billing.views import billing as views

public_urlpatterns: list[URLPattern] = [
    path("billing/plans/", views.plans_page, name="billing-plans"),
    path("billing/accounts/", views.accounts_page, name="billing-accounts"),
    path(
        "billing/accounts/<int:account_id>/", views.account_admin_page, name="billing-account-admin"
    ),
    path(
        "billing/invoices/<int:invoice_id>/", views.invoice_admin_page, name="billing-invoice-admin"
    ),
    path(
        "billing/invoices/<int:invoice_id>/pdf/",
        views.invoice_admin_pdf,
        name="billing-invoice-admin-pdf",
    ),
    path(
        "billing/invoices/<int:invoice_id>/credit-notes/<int:note_id>/pdf/",
        views.credit_note_admin_pdf,
        name="billing-credit-note-admin-pdf",
    ),
    path("billing/transfers/", views.transfers_page, name="billing-transfers"),
    path(
        "billing/transfers/<int:payment_id>/proof/",
        views.transfer_proof,
        name="billing-transfer-proof",
    ),
    path("api/v1/billing/plans/", api.PlansApi.as_view(), name="api-billing-plans"),
    path("api/v1/billing/tax-rates/", api.TaxRateApi.as_view(), name="api-billing-tax-rates"),
    path("api/v1/billing/accounts/", api.AccountsApi.as_view(), name="api-billing-accounts"),
    path(
        "api/v1/billing/accounts/<int:account_id>/coverages/",
        api.CoverageApi.as_view(),
        name="api-billing-coverages",
    ),
    path(
        "api/v1/billing/accounts/<int:account_id>/invoices/",
        api.IssueInvoiceApi.as_view(),
        name="api-billing-issue",
    ),
    path(
        "api/v1/billing/invoices/<int:invoice_id>/credit-notes/",
        api.CreditNotesApi.as_view(),
        name="api-billing-credit-notes",
    ),
    path(
        "api/v1/billing/transfers/<int:payment_id>/decision/",
        api.TransferDecisionApi.as_view(),
        name="api-billing-transfer-decision",
    ),
    path(
        "api/v1/billing/midtrans/notification/",
        api.MidtransNotificationApi.as_view(),
        name="api-billing-midtrans",
    ),
]

tenant_urlpatterns: list[URLPattern] = [
    path("billing/", views.account_page, name="billing-account"),
    path("billing/invoices/<int:invoice_id>/", views.invoice_page, name="billing-invoice"),
    path(
        "billing/invoices/<int:invoice_id>/pdf/", views.invoice_pdf_page, name="billing-invoice-pdf"
    ),
    path(
        "billing/invoices/<int:invoice_id>/credit-notes/<int:note_id>/pdf/",
        views.credit_note_pdf_page,
        name="billing-credit-note-pdf",
    ),
    path("api/v1/billing/account/", api.AccountApi.as_view(), name="api-billing-account"),
    path("api/v1/billing/invoices/", api.InvoicesApi.as_view(), name="api-billing-invoices"),
    path(
        "api/v1/billing/invoices/<int:invoice_id>/",
        api.InvoiceApi.as_view(),
        name="api-billing-invoice",
    ),
    path(
        "api/v1/billing/invoices/<int:invoice_id>/transfers/",
        api.TransferProofApi.as_view(),
        name="api-billing-transfer-proof",
    ),
]
