"""Request-level plumbing: which tenant a request is for, and which language it speaks."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import get_script_prefix, set_script_prefix, set_urlconf
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from aduan.db import recycle_spread_connection, tenant_db
from tenants.models import Tenant
from tenants.selectors import platform_tenant, tenant_by_domain, tenant_by_slug

_PREFIX = re.compile(
    rf"^/{re.escape(settings.TENANT_PATH_PREFIX)}/(?P<slug>[a-z0-9-]+)(?P<rest>/.*)?$"
)


class TenantMiddleware(TenantMainMiddleware):
    """Selects the tenant schema by subdomain (`desa-babakan.<base>`) or by path prefix
    (`/t/desa-babakan/...`). With a prefix, the rest of the path is routed through the tenant
    URLconf and reverse() produces prefixed URLs, so pages work the same under both."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        # The tenant is looked up on whatever path the connection is on: its tables live only in
        # the public schema, which every tenant's path ends with (one `SET search_path` less
        # per request than switching to public first; aduan.postgresql keeps an unchanged one).
        if not tenant_db.include_public_schema:
            tenant_db.set_schema_to_public()
        request.tenant_prefix = ""  # type: ignore[attr-defined]
        match = _PREFIX.match(request.path_info)
        if match:
            tenant = tenant_by_slug(match["slug"])
            if tenant is None:
                tenant_db.set_schema_to_public()  # the 404 page is the platform's
                raise Http404("No such tenant")
            if match["rest"] is None:
                return HttpResponsePermanentRedirect(request.path + "/")
            prefix = f"/{settings.TENANT_PATH_PREFIX}/{tenant.slug}"
            request.tenant_prefix = prefix  # type: ignore[attr-defined]
            request.path_info = match["rest"]
            set_script_prefix(get_script_prefix().rstrip("/") + prefix + "/")
            self._activate(request, tenant)
            return None
        hostname = self.hostname_from_request(request)
        # The base domain is the platform's own (its row kept per process, tenants.selectors);
        # any other host may be a tenant's.
        reached = tenant_by_domain(hostname) if hostname != settings.BASE_DOMAIN else None
        if reached is not None:
            self._activate(request, reached)
            return None
        if hostname.endswith("." + settings.BASE_DOMAIN):
            tenant_db.set_schema_to_public()
            raise Http404("No such tenant")
        # Any other allowed host (127.0.0.1, the bare base domain) is the platform itself.
        public = platform_tenant()
        if public is None:
            raise Http404("The platform is not set up yet: run `aduan migrate`")
        self._activate(request, public)
        return None

    def _activate(self, request: HttpRequest, tenant: Tenant) -> None:
        tenant.domain_url = self.hostname_from_request(request)
        request.tenant = tenant  # type: ignore[attr-defined]
        tenant_db.set_tenant(tenant)
        public = tenant.schema_name == get_public_schema_name()
        request.urlconf = settings.PUBLIC_SCHEMA_URLCONF if public else settings.ROOT_URLCONF
        set_urlconf(request.urlconf)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # The request's work is done (the session saved): bound the backend's catalog cache.
        recycle_spread_connection()
        if getattr(request, "tenant_prefix", ""):
            # The prefix is thread-local: leave nothing behind for the next request.
            set_script_prefix(request.META.get("SCRIPT_NAME", "") or "/")
        return response


class LanguageMiddleware:
    """Bahasa Indonesia unless the user chose English (the language cookie, set by the
    switcher). Browser Accept-Language is ignored on purpose: most devices in the villages
    report English while their users read Indonesian."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        previous = translation.get_language()
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The language is thread-local: leave the thread as it was for the next request
            # (and for code that runs after this one, like a test or a job in the same thread).
            translation.activate(previous or settings.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
