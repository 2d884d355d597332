"""The GeoReport v2 endpoints. Thin: parse, resolve the jurisdiction, call a selector or an
action, render JSON or XML. Every error comes out in the standard's body:
`[{"code": 400, "description": "..."}]` or `<errors><error><code>400</code>...`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_tenants.utils import get_public_schema_name, schema_context

from aduan import ratelimit
from aduan.errors import AduanError
from aduan.ratelimit import RateLimitedError
from aduan.tenancy import request_scope
from integrations.open311 import actions, selectors, spec, updates
from integrations.open311.errors import Open311Error, Open311ErrorCode
from routing.models import LaporReferral
from tenants.access import public_page
from tenants.models import Tenant, TenantStatus

Open311View = Callable[..., HttpResponse]

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-24T00:00:00+07:00"


def open311_view(*methods: str) -> Callable[[Open311View], Open311View]:
    """Public, CSRF-free (clients post forms with an api_key, not a session), the allowed
    methods, and every error rendered in the standard's format."""

    def decorate(view: Open311View) -> Open311View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            fmt = str(kwargs.pop("format"))  # the URL's name for it; a builtin's in Python
            if request.method not in methods:
                response = spec.render_errors(
                    fmt, 405, [_("Metode %(m)s tidak didukung.") % {"m": request.method}]
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except AduanError as error:
                response = spec.render_errors(fmt, error.status_code, [str(error.message)])
                if isinstance(error, RateLimitedError):
                    response["Retry-After"] = str(error.retry_after)
                return response

        return public_page(csrf_exempt(wrapper))

    return decorate


def jurisdiction(request: HttpRequest, params: Any) -> Tenant | None:
    """A tenant's host serves that tenant only; the platform's host serves every tenant by
    `jurisdiction_id` and is itself the front door (no jurisdiction_id, or "platform")."""
    given = str(params.get("jurisdiction_id", "")).strip()
    on_host = request_scope(request)
    if on_host is not None:
        if given and given != on_host.slug:
            raise Open311Error(
                Open311ErrorCode.UNKNOWN_JURISDICTION,
                _("jurisdiction_id tidak dikenal."),
                {"field": "jurisdiction_id"},
                status=404,
            )
        return on_host
    return selectors.tenant_for_jurisdiction(given) if given else None


def required_jurisdiction(request: HttpRequest, params: Any) -> Tenant:
    tenant = jurisdiction(request, params)
    if tenant is None:
        raise Open311Error(
            Open311ErrorCode.MISSING,
            _("jurisdiction_id wajib diisi (slug instansi) untuk daftar permintaan."),
            {"field": "jurisdiction_id"},
        )
    return tenant


@open311_view("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311-discovery", kwargs={"format": fmt}))
    payload = {
        "changeset": CHANGESET,
        "contact": _("Hubungi pengelola Aduan melalui halaman instansi."),
        "key_service": _("Minta api_key kepada operator platform atau admin instansi."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base.rsplit("/", 1)[0],
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return spec.render(fmt, payload, root="discovery")


@open311_view("GET")
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    jurisdiction(request, request.GET)
    payload = [spec.service_entry(service) for service in spec.services()]
    return spec.render(fmt, payload, root="services", item="service")


@open311_view("GET")
def service_definition(request: HttpRequest, *, service_code: str, fmt: str) -> HttpResponse:
    jurisdiction(request, request.GET)
    service = spec.find_service(service_code)
    if service is None:
        raise Open311Error(
            Open311ErrorCode.UNKNOWN_SERVICE, _("service_code tidak dikenal."), status=404
        )
    return spec.render(fmt, spec.service_definition(service), root="service_definition")


@open311_view("GET", "POST")
def requests_(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return post_request(request, fmt)
    tenant = required_jurisdiction(request, request.GET)
    ids: list[int] = []
    for raw in spec.as_list(request.GET.get("service_request_id")):
        parsed = selectors.parse_request_id(raw)
        if parsed is not None and parsed[0] == tenant.slug:
            ids.append(parsed[1])
    if spec.as_list(request.GET.get("service_request_id")) and not ids:
        return spec.render(fmt, [], root="service_requests", item="request")
    with schema_context(tenant.schema_name):
        found = selectors.find_requests(
            ids=ids,
            service_codes=spec.as_list(request.GET.get("service_code")),
            statuses=spec.as_list(request.GET.get("status")),
            start=selectors.parse_w3c(request.GET.get("start_date", ""), "start_date"),
            end=selectors.parse_w3c(request.GET.get("end_date", ""), "end_date"),
            tenant=tenant,
        )
        payload = [selectors.represent(complaint, tenant) for complaint in found]
    return spec.render(fmt, payload, root="service_requests", item="request")


def post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    ratelimit.check_request(request, ratelimit.Scope.INTAKE)
    # The spec's order of checks: what is missing (400) before who is asking (403).
    form = actions.parse_form(dict(request.POST.lists()))
    # Clients differ on where a POST's jurisdiction_id goes: the form body, or the query
    # string, as Code for America's node-open311 sends it. The body wins when both have one.
    given = request.POST.get("jurisdiction_id") or request.GET.get("jurisdiction_id", "")
    tenant = jurisdiction(request, {"jurisdiction_id": given})
    if tenant is not None and tenant.status != TenantStatus.ACTIVE:
        raise Open311Error(
            Open311ErrorCode.UNKNOWN_JURISDICTION,
            _("Instansi ini tidak menerima pengaduan baru."),
            {"field": "jurisdiction_id"},
            status=403,
        )
    client = actions.authenticate(request.POST.get("api_key", "").strip(), tenant)
    submitted = actions.do_submit_service_request(tenant=tenant, form=form, client=client)
    entry: dict[str, Any] = {}
    if submitted.token is not None:
        entry["token"] = submitted.token
    else:
        assert submitted.tenant is not None and submitted.complaint is not None
        entry["service_request_id"] = selectors.request_id(submitted.tenant, submitted.complaint.pk)
    entry["service_notice"] = _("Diteruskan kepada %(name)s. Kode lacak: %(code)s.") % {
        "name": submitted.tenant.name if submitted.tenant is not None else "SP4N-LAPOR!",
        "code": submitted.tracking_code,
    }
    entry["account_id"] = form.account_id or None
    return spec.render(fmt, [entry], root="service_requests", item="request")


def not_found_request() -> Open311Error:
    return Open311Error(
        Open311ErrorCode.UNKNOWN_REQUEST, _("service_request_id tidak ditemukan."), status=404
    )


def platform_referral(
    service_request_id: str, given: Tenant | None
) -> tuple[Tenant, LaporReferral] | None:
    """The SP4N-LAPOR! referral a platform front door's id names (`<platform slug>-<id>`, what
    its token resolves to), or None when the id names a tenant's complaint."""
    parsed = selectors.parse_request_id(service_request_id)
    if parsed is None or given is not None:
        return None
    platform = Tenant.objects.filter(slug=parsed[0], schema_name=get_public_schema_name()).first()
    if platform is None:
        return None
    referral = LaporReferral.objects.filter(pk=parsed[1]).first()
    if referral is None:
        raise not_found_request()
    return platform, referral


def request_target(service_request_id: str, given: Tenant | None) -> tuple[Tenant, int]:
    """The tenant and complaint id a service_request_id names (404 if it names none, or a
    tenant other than the jurisdiction asked for)."""
    parsed = selectors.parse_request_id(service_request_id)
    if parsed is None or (given is not None and parsed[0] != given.slug):
        raise not_found_request()
    tenant = Tenant.objects.filter(slug=parsed[0]).exclude(status=TenantStatus.ARCHIVED).first()
    if tenant is None or tenant.schema_name == get_public_schema_name():
        raise not_found_request()
    return tenant, parsed[1]


@open311_view("GET")
def request_detail(request: HttpRequest, *, service_request_id: str, fmt: str) -> HttpResponse:
    given = jurisdiction(request, request.GET)
    referral = platform_referral(service_request_id, given)
    if referral is not None:
        platform, found = referral
        return spec.render(
            fmt, [selectors.represent_referral(found, platform)], root="service_requests",
            item="request",
        )  # fmt: skip
    tenant, complaint_id = request_target(service_request_id, given)
    with schema_context(tenant.schema_name):
        complaint = selectors.public_complaints().filter(pk=complaint_id).first()
        if complaint is None:
            raise not_found_request()
        payload = [selectors.represent(complaint, tenant)]
    return spec.render(fmt, payload, root="service_requests", item="request")


@open311_view("GET")
def token_detail(request: HttpRequest, *, token: str, fmt: str) -> HttpResponse:
    found = selectors.find_token(token)
    if found is None:
        raise Open311Error(
            Open311ErrorCode.UNKNOWN_REQUEST, _("token tidak ditemukan."), status=404
        )
    payload = [
        {
            "service_request_id": selectors.request_id(found.tenant, found.complaint_id),
            "token": found.token,
        }
    ]
    return spec.render(fmt, payload, root="service_requests", item="request")


@open311_view("GET", "POST")
def service_request_updates(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """mySociety's extension: GET the updates in a window, POST one from a back office."""
    if request.method == "POST":
        return post_update(request, fmt)
    tenant = required_jurisdiction(request, request.GET)
    with schema_context(tenant.schema_name):
        found = updates.list_updates(
            tenant,
            start=selectors.parse_w3c(request.GET.get("start_date", ""), "start_date"),
            end=selectors.parse_w3c(request.GET.get("end_date", ""), "end_date"),
        )
    payload = [update.as_dict() for update in found]
    return spec.render(fmt, payload, root="service_request_updates", item="request_update")


def post_update(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    for name in ("service_request_id", "update_id", "status", "description"):
        if not params.get(name, "").strip():
            raise Open311Error(
                Open311ErrorCode.MISSING,
                _("%(name)s wajib diisi.") % {"name": name},
                {"field": name},
            )
    given = jurisdiction(request, params)
    tenant, complaint_id = request_target(params["service_request_id"], given)
    client = actions.authenticate(params.get("api_key", "").strip(), tenant)
    with schema_context(tenant.schema_name):
        complaint = selectors.public_complaints().filter(pk=complaint_id).first()
        if complaint is None:
            raise not_found_request()
        event = updates.do_push_service_request_update(
            tenant=tenant,
            complaint=complaint,
            client=client,
            update_id=params["update_id"].strip()[:100],
            status=params["status"],
            description=params["description"],
            media_url=params.get("media_url", "").strip()[:500],
            updated_at=selectors.parse_w3c(params.get("updated_datetime", ""), "updated_datetime"),
        )
    payload = [{"update_id": str(event.pk)}]
    return spec.render(fmt, payload, root="service_request_updates", item="request_update")
