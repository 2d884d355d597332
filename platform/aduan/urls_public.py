"""URLconf of the public schema: the platform's own pages and API."""

from django.urls import URLPattern, URLResolver, include, path

from aduan import api, views
from aduan.urls_common import urlpatterns as common
from billing.urls import public_urlpatterns as billing_urls
from complaints.urls import public_urlpatterns as no_wrong_door_urls
from integrations.open311 import urls as open311_urls
from integrations.urls import public_urlpatterns as integrations_urls
from routing.urls import public_urlpatterns as routing_urls
from tenants import urls as tenants_urls
from tenants.access import Public

# A lost database connection is a 503 with Retry-After, not a 500 (aduan.unavailable).
handler500 = "aduan.unavailable.server_error"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.platform_home, name="home"),
    # Where sign-in lands (LOGIN_REDIRECT_URL): a tenant's staff home; here, the platform's.
    path("console/", views.platform_console, name="console"),
    path("api/v1/tenants/", api.TenantDirectoryApi.as_view(), name="api-tenant-directory"),
    path(
        "api/schema/",
        api.SchemaApi.as_view(urlconf="aduan.urls_public", permission_classes=[Public]),
        name="api-schema",
    ),
    *tenants_urls.public_urlpatterns,
    *integrations_urls,
    path("", include(open311_urls.public_urlpatterns)),
    *no_wrong_door_urls,
    *routing_urls,
    *billing_urls,
    *common,
]

# Outside DRF's views too, an api/ path answers in the one JSON error shape.
handler400 = "aduan.guards.bad_request_handler"
handler403 = "aduan.guards.permission_denied"
handler404 = "aduan.guards.not_found"
handler500 = "aduan.guards.server_error"
