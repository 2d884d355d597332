"""Billing accounts (akun tagihan) and which tenants they cover on which plan."""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from billing import periods
from billing.actions.audit import record
from billing.actions.entitlements import refresh_entitlements
from billing.errors import BillingError, BillingErrorCode
from billing.models import Account, Coverage, Plan
from tenants.models import Tenant, User

NPWP = re.compile(r"^\d{15,16}$")


def _npwp(value: str) -> str:
    digits = re.sub(r"[.\-\s]", "", value)
    if not NPWP.match(digits):
        raise BillingError(
            BillingErrorCode.BAD_NPWP,
            _("NPWP harus 15 atau 16 angka."),
            {"field": "npwp"},
        )
    return digits


def active_plan(code: str) -> Plan:
    plan = Plan.objects.filter(code=code, active=True).first()
    if plan is None:
        raise BillingError(
            BillingErrorCode.UNKNOWN_PLAN,
            _("Paket %(code)s tidak dikenal.") % {"code": code},
            {"field": "plan"},
        )
    return plan


def do_create_account(
    *, name: str, address: str, npwp: str, email: str = "", holder: Tenant | None,
    actor: User | None,
) -> Account:  # fmt: skip
    with transaction.atomic():
        account = Account.objects.create(
            name=name, address=address, npwp=_npwp(npwp), email=email, holder=holder
        )
        record("account_created", actor=actor, account=account, holder=holder and holder.slug)
    return account


def _open_coverage(tenant: Tenant) -> Coverage | None:
    return (
        Coverage.objects.select_for_update()
        .filter(tenant=tenant)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=periods.today()))
        .order_by("-starts_on")
        .first()
    )


def do_cover_tenant(
    *, account: Account, tenant: Tenant, plan_code: str, actor: User | None,
    starts_on: date | None = None,
) -> Coverage:  # fmt: skip
    """Start covering a tenant not yet covered (from today, or `starts_on`). A tenant already
    covered changes plan (do_change_plan) or account (do_move_tenant)."""
    plan = active_plan(plan_code)
    with transaction.atomic():
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
        if _open_coverage(tenant) is not None:
            raise BillingError(
                BillingErrorCode.ALREADY_COVERED,
                _("%(tenant)s sudah ditanggung sebuah akun.") % {"tenant": tenant.name},
                {"field": "tenant"},
            )
        coverage = Coverage.objects.create(
            account=account, tenant=tenant, plan=plan, starts_on=starts_on or periods.today()
        )
        refresh_entitlements([tenant.pk])
        record("tenant_covered", actor=actor, account=account, tenant=tenant.slug, plan=plan.code)
    return coverage


def do_change_plan(
    *, tenant: Tenant, plan_code: str, actor: User | None, on: date | None = None
) -> Coverage:
    """A new plan from `on` (today by default): the period's invoice prorates both by day.
    The new plan's features apply at once; one the tenant had stays for what it holds."""
    plan = active_plan(plan_code)
    on = on or periods.today()
    with transaction.atomic():
        current = _open_coverage(tenant)
        if current is None:
            raise BillingError(
                BillingErrorCode.UNKNOWN_PLAN,
                _("%(tenant)s belum ditanggung akun mana pun.") % {"tenant": tenant.name},
                {"field": "tenant"},
            )
        previous = current.plan.code
        if current.starts_on > on:
            raise BillingError(
                BillingErrorCode.BAD_DATE,
                _("Tanggal perubahan tidak boleh sebelum awal paket yang berlaku."),
                {"field": "on"},
            )
        if current.starts_on == on:
            # A change on the day the plan started: that day's choice, nothing to prorate.
            Coverage.objects.filter(pk=current.pk).update(plan=plan)
            current.plan = plan
            coverage = current
        else:
            Coverage.objects.filter(pk=current.pk).update(ends_on=on)
            coverage = Coverage.objects.create(
                account=current.account, tenant=tenant, plan=plan, starts_on=on
            )
        refresh_entitlements([tenant.pk], day=max(on, periods.today()))
        record("plan_changed", actor=actor, account=current.account, tenant=tenant.slug,
               plan=plan.code, previous=previous, on=on.isoformat())  # fmt: skip
    return coverage


def do_move_tenant(*, tenant: Tenant, account: Account, actor: User | None) -> Coverage:
    """Another account pays for `tenant` from the next period on (this one is billed whole
    to the account that had it)."""
    with transaction.atomic():
        current = _open_coverage(tenant)
        if current is None:
            raise BillingError(
                BillingErrorCode.UNKNOWN_PLAN,
                _("%(tenant)s belum ditanggung akun mana pun.") % {"tenant": tenant.name},
                {"field": "tenant"},
            )
        start = periods.next_month(periods.today())
        Coverage.objects.filter(pk=current.pk).update(ends_on=start)
        coverage = Coverage.objects.create(
            account=account, tenant=tenant, plan=current.plan, starts_on=start
        )
        record("tenant_moved", actor=actor, account=account, tenant=tenant.slug,
               previous=current.account_id, starts_on=start.isoformat())  # fmt: skip
    return coverage
