"""URLconf of a tenant schema, reached by subdomain or by the /t/<slug>/ prefix."""

from django.urls import URLPattern, URLResolver, include, path

from aduan import api, views
from aduan.urls_common import urlpatterns as common
from billing.urls import tenant_urlpatterns as billing_urls
from complaints.urls import tenant_urlpatterns as complaints_urls
from integrations.open311 import urls as open311_urls
from integrations.urls import tenant_urlpatterns as integrations_urls
from routing.urls import tenant_urlpatterns as routing_urls
from tenants.access import Public
from tenants.auth import urls as auth_urls

# A lost database connection is a 503 with Retry-After, not a 500 (aduan.unavailable).
handler500 = "aduan.unavailable.server_error"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.tenant_home, name="home"),
    path("api/v1/tenant/", api.TenantProfileApi.as_view(), name="api-tenant-profile"),
    path(
        "api/schema/",
        api.SchemaApi.as_view(urlconf="aduan.urls_tenants", permission_classes=[Public]),
        name="api-schema",
    ),
    *complaints_urls,
    path("", include(auth_urls.tenant_urlpatterns)),
    *integrations_urls,
    path("", include(open311_urls.tenant_urlpatterns)),
    *routing_urls,
    *billing_urls,
    *common,
]

# Outside DRF's views too, an api/ path answers in the one JSON error shape.
handler400 = "aduan.guards.bad_request_handler"
handler403 = "aduan.guards.permission_denied"
handler404 = "aduan.guards.not_found"
handler500 = "aduan.guards.server_error"
