"""Staff of a suspended or archived tenant may read but not write.

Every unsafe request (POST, PUT, PATCH, DELETE) by a signed-in user on that tenant's host or
path is refused here with one clear message, before any view runs, so no page or API of any
app needs its own check. Citizens (anonymous) still reach the tenant: the complaint intake
routes their new complaints to the parent (tenants.selectors.intake_tenant). Signing in and
out and the language switch stay open.

After a missed payment and its grace period (billing writes `read_only` into the tenant's
entitlements, tenants.entitlements) staff are read-only the same way, with its own message;
citizens' complaints, the desk intake (a citizen at the counter), the billing pages (to pay)
and the jobs (routing, forwarding, SLA reminders) never stop for billing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from aduan.api_errors import error_body
from tenants import entitlements
from tenants.errors import OnboardingErrorCode
from tenants.selectors import is_read_only

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
ALWAYS_OPEN = ("/accounts/login/", "/accounts/logout/", "/i18n/")
OPEN_WHILE_UNPAID = (
    *ALWAYS_OPEN, "/billing/", "/api/v1/billing/", "/console/pengaduan/baru/",
    "/api/v1/complaints/desk/",
)  # fmt: skip


class ReadOnlyTenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if (
            tenant is not None
            and request.method not in SAFE_METHODS
            and request.user.is_authenticated
            and is_read_only(tenant)
            and not request.path_info.startswith(ALWAYS_OPEN)
        ):
            return self.refuse(request, tenant.name)
        if (
            tenant is not None
            and request.method not in SAFE_METHODS
            and request.user.is_authenticated
            and entitlements.read_only(tenant)
            and not request.path_info.startswith(OPEN_WHILE_UNPAID)
        ):
            message = _(
                "Tagihan %(name)s lewat jatuh tempo dan masa tenggangnya: data hanya dapat dibaca"
                " sampai pembayaran dikonfirmasi. Pengaduan warga tetap diterima dan diteruskan."
            ) % {"name": tenant.name}
            return self.refuse(request, tenant.name, message)
        return self.get_response(request)

    def refuse(self, request: HttpRequest, name: str, message: str = "") -> HttpResponse:
        message = message or _(
            "%(name)s sedang ditangguhkan atau diarsipkan: data hanya dapat dibaca, tidak dapat"
            " diubah."
        ) % {"name": name}
        if request.path_info.startswith("/api/"):
            return JsonResponse(error_body(OnboardingErrorCode.READ_ONLY, message), status=403)
        return render(request, "tenants/read_only.html", {"message": message}, status=403)
