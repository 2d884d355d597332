"""Billing's REST API: the operator's plans, accounts, invoices and transfer decisions (on the
platform's host), an account's usage, invoices and transfer proofs (on its tenant's host), and
Midtrans' HTTP notification. The same writers as the pages (billing.actions)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.base_views import TenantApiView
from aduan.periods import parse_month
from aduan.tenancy import acting_user
from billing import access, periods, selectors
from billing.actions import accounts, invoices, payments, plans
from billing.models import Account, Invoice, Plan
from tenants.access import ADMIN_ROLES, PlatformOperator, Public, TenantRole
from tenants.models import Tenant


class PlanSerializer(serializers.Serializer[Plan]):
    id = serializers.IntegerField(read_only=True)
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=100)
    monthly_price = serializers.IntegerField()
    features = serializers.ListField(child=serializers.CharField(), default=list)
    seats = serializers.IntegerField(allow_null=True, default=None)
    storage_mb = serializers.IntegerField(allow_null=True, default=None)
    outbound_messages = serializers.IntegerField(allow_null=True, default=None)
    active = serializers.BooleanField(read_only=True)


class AccountSerializer(serializers.Serializer[Account]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    address = serializers.CharField()
    npwp = serializers.CharField(max_length=25)
    email = serializers.EmailField(required=False, allow_blank=True)
    holder = serializers.SlugRelatedField(
        slug_field="slug", queryset=Tenant.objects.all(), allow_null=True, default=None
    )
    status = serializers.CharField(read_only=True)


class InvoiceLineOutput(serializers.Serializer[object]):
    tenant = serializers.CharField(source="tenant.slug", allow_null=True, default=None)
    description = serializers.CharField()
    days = serializers.IntegerField()
    amount = serializers.IntegerField()


class CreditNoteOutput(serializers.Serializer[object]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    invoice = serializers.CharField(source="invoice.number")
    amount = serializers.IntegerField()
    reason = serializers.CharField()
    issued_at = serializers.DateTimeField()


class InvoiceOutput(serializers.Serializer[Invoice]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    period = serializers.DateField()
    issued_at = serializers.DateTimeField()
    due_on = serializers.DateField()
    subtotal = serializers.IntegerField()
    tax_base = serializers.IntegerField()
    ppn_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    ppn = serializers.IntegerField()
    total = serializers.IntegerField()
    status = serializers.CharField()
    lines = InvoiceLineOutput(many=True)
    # Corrections issued against it (the invoice itself is never edited).
    credit_notes = CreditNoteOutput(many=True)


class UsageOutput(serializers.Serializer[object]):
    tenant = serializers.CharField()
    plan = serializers.CharField()
    kind = serializers.CharField()
    used = serializers.IntegerField()
    quota = serializers.IntegerField(allow_null=True)


class PaymentOutput(serializers.Serializer[object]):
    id = serializers.IntegerField()
    invoice = serializers.CharField(source="invoice.number")
    method = serializers.CharField()
    amount = serializers.IntegerField()
    status = serializers.CharField()


# --- the operator -------------------------------------------------------------------------


class PlansApi(APIView):
    permission_classes = [PlatformOperator]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(responses=PlanSerializer(many=True), operation_id="billing_plans")
    def get(self, request: Request) -> Response:
        found = selectors.plans()
        return Response(PlanSerializer(found, many=True).data)  # type: ignore[arg-type]

    @extend_schema(request=PlanSerializer, responses={201: PlanSerializer},
                   operation_id="billing_plan_create")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = PlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = plans.do_create_plan(**data.validated_data, actor=acting_user(request))
        return Response(PlanSerializer(plan).data, status=201)


class TaxRateInput(serializers.Serializer[object]):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    base_numerator = serializers.IntegerField(default=1)
    base_denominator = serializers.IntegerField(default=1)
    valid_from = serializers.DateField()


class TaxRateApi(APIView):
    permission_classes = [PlatformOperator]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=TaxRateInput, responses={201: TaxRateInput},
                   operation_id="billing_tax_rate_set")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = TaxRateInput(data=request.data)
        data.is_valid(raise_exception=True)
        tax = plans.do_set_tax_rate(**data.validated_data, actor=acting_user(request))
        return Response(TaxRateInput(tax).data, status=201)


class AccountsApi(APIView):
    permission_classes = [PlatformOperator]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(responses=AccountSerializer(many=True), operation_id="billing_accounts")
    def get(self, request: Request) -> Response:
        found = selectors.accounts()
        return Response(AccountSerializer(found, many=True).data)  # type: ignore[arg-type]

    @extend_schema(request=AccountSerializer, responses={201: AccountSerializer},
                   operation_id="billing_account_create")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = AccountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = accounts.do_create_account(**data.validated_data, actor=acting_user(request))
        return Response(AccountSerializer(account).data, status=201)


class CoverInput(serializers.Serializer[object]):
    tenant = serializers.SlugRelatedField(slug_field="slug", queryset=Tenant.objects.all())
    plan = serializers.SlugField()


class CoverageApi(APIView):
    """Cover a tenant by this account on a plan; or change the plan of one it covers."""

    permission_classes = [PlatformOperator]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        request=CoverInput,
        responses={201: inline_serializer("BillingCovered", {"tenant": serializers.CharField(),
                                                             "plan": serializers.CharField()})},
        operation_id="billing_coverage_set",
    )  # fmt: skip
    def post(self, request: Request, account_id: int) -> Response:
        account = access.access_account(account_id)
        data = CoverInput(data=request.data)
        data.is_valid(raise_exception=True)
        tenant: Tenant = data.validated_data["tenant"]
        current = selectors.covering_account(tenant.pk)
        if current is None:
            coverage = accounts.do_cover_tenant(account=account, tenant=tenant,
                plan_code=data.validated_data["plan"], actor=acting_user(request))  # fmt: skip
        elif current.pk == account.pk:
            coverage = accounts.do_change_plan(
                tenant=tenant, plan_code=data.validated_data["plan"], actor=acting_user(request)
            )
        else:
            coverage = accounts.do_move_tenant(
                tenant=tenant, account=account, actor=acting_user(request)
            )
        return Response({"tenant": tenant.slug, "plan": coverage.plan.code}, status=201)


class IssueInput(serializers.Serializer[object]):
    period = serializers.CharField(help_text="the month invoiced: YYYY-MM (or YYYY-MM-01)")


class IssueInvoiceApi(APIView):
    permission_classes = [PlatformOperator]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=IssueInput, responses={201: InvoiceOutput},
                   operation_id="billing_invoice_issue")  # fmt: skip
    def post(self, request: Request, account_id: int) -> Response:
        account = access.access_account(account_id)
        data = IssueInput(data=request.data)
        data.is_valid(raise_exception=True)
        period = parse_month(data.validated_data["period"], field="period", allow_day=True)
        invoice = invoices.do_issue_invoice(
            account=account, period=period.first_day, actor=acting_user(request)
        )
        return Response(InvoiceOutput(invoice).data, status=201)


class CreditNoteInput(serializers.Serializer[object]):
    amount = serializers.IntegerField()
    reason = serializers.CharField(max_length=1000, allow_blank=True)  # the action says why


class CreditNotesApi(APIView):
    """The credit notes of an issued invoice; POST issues one (amount and reason)."""

    permission_classes = [PlatformOperator]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(responses=CreditNoteOutput(many=True), operation_id="billing_credit_notes")
    def get(self, request: Request, invoice_id: int) -> Response:
        invoice = access.access_invoice(invoice_id)
        found = invoice.credit_notes.select_related("invoice").order_by("pk")
        return Response(CreditNoteOutput(found, many=True).data)

    @extend_schema(request=CreditNoteInput, responses={201: CreditNoteOutput},
                   operation_id="billing_credit_note_issue")  # fmt: skip
    def post(self, request: Request, invoice_id: int) -> Response:
        invoice = access.access_invoice(invoice_id)
        data = CreditNoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        note = invoices.do_issue_credit_note(
            invoice=invoice, amount=data.validated_data["amount"],
            reason=data.validated_data["reason"], actor=acting_user(request),
        )  # fmt: skip
        return Response(CreditNoteOutput(note).data, status=201)


class DecisionInput(serializers.Serializer[object]):
    confirm = serializers.BooleanField()


class TransferDecisionApi(APIView):
    permission_classes = [PlatformOperator]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=DecisionInput, responses=PaymentOutput,
                   operation_id="billing_transfer_decide")  # fmt: skip
    def post(self, request: Request, payment_id: int) -> Response:
        payment = access.access_pending_payment(payment_id)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = payments.do_decide_transfer(
            payment=payment, confirm=data.validated_data["confirm"], actor=acting_user(request)
        )
        return Response(PaymentOutput(decided).data)


# --- an account, on its tenant's host -----------------------------------------------------

AccountAdmin = TenantRole(*ADMIN_ROLES)


class AccountUsageOutput(serializers.Serializer[object]):
    account = serializers.CharField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    period = serializers.DateField()
    usage = UsageOutput(many=True)


class AccountApi(TenantApiView):
    """The account this tenant holds and its usage this period against the quotas."""

    permission_classes = [AccountAdmin]

    @extend_schema(responses=AccountUsageOutput, operation_id="billing_account")
    def get(self, request: Request) -> Response:
        account = access.held_account(self.tenant)
        rows: list[Any] = selectors.usage(account) if account else []
        return Response(
            AccountUsageOutput(
                {
                    "account": account.name if account else None,
                    "status": account.status if account else None,
                    "period": periods.month_start(periods.today()),
                    "usage": [row.__dict__ for row in rows],
                }
            ).data
        )


class InvoicesApi(TenantApiView):
    permission_classes = [AccountAdmin]

    @extend_schema(responses=InvoiceOutput(many=True), operation_id="billing_invoices")
    def get(self, request: Request) -> Response:
        account = access.held_account(self.tenant)
        found = selectors.invoices(account) if account else Invoice.objects.none()
        found = found.prefetch_related("lines__tenant", "credit_notes")
        return Response(InvoiceOutput(found, many=True).data)  # type: ignore[arg-type]


class InvoiceApi(TenantApiView):
    permission_classes = [AccountAdmin]

    @extend_schema(responses=InvoiceOutput, operation_id="billing_invoice")
    def get(self, request: Request, invoice_id: int) -> Response:
        return Response(InvoiceOutput(access.access_held_invoice(self.tenant, invoice_id)).data)


class ProofInput(serializers.Serializer[object]):
    amount = serializers.IntegerField()
    proof = serializers.FileField()


class TransferProofApi(TenantApiView):
    permission_classes = [AccountAdmin]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": ProofInput}, responses={201: PaymentOutput},
                   operation_id="billing_transfer_proof")  # fmt: skip
    def post(self, request: Request, invoice_id: int) -> Response:
        invoice = access.access_held_invoice(self.tenant, invoice_id)
        data = ProofInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["proof"]
        payment = payments.do_submit_transfer_proof(
            invoice=invoice,
            amount=data.validated_data["amount"],
            proof=upload.read(payments.PROOF_LIMIT + 1),
            proof_name=str(upload.name or ""),
            actor=acting_user(request),
        )
        return Response(PaymentOutput(payment).data, status=201)


# --- Midtrans -----------------------------------------------------------------------------


class MidtransNotificationInput(serializers.Serializer[object]):
    order_id = serializers.CharField()
    status_code = serializers.CharField()
    gross_amount = serializers.CharField()
    signature_key = serializers.CharField()
    transaction_status = serializers.CharField()
    transaction_id = serializers.CharField()
    fraud_status = serializers.CharField(required=False)


class MidtransNotificationApi(APIView):
    """Midtrans' HTTP notification (its own protocol: it signs, we verify)."""

    permission_classes = [Public]
    authentication_classes: list[type] = []
    parser_classes = [JSONParser]

    @extend_schema(
        request=MidtransNotificationInput,
        responses={200: inline_serializer("MidtransAck", {"status": serializers.CharField()})},
        operation_id="billing_midtrans_notification",
    )
    def post(self, request: Request) -> Response:
        data = MidtransNotificationInput(data=request.data)
        data.is_valid(raise_exception=True)
        payments.do_receive_gateway_notification(dict(request.data))
        return Response({"status": "ok"})
