"""GeoReport v2 under /open311/v2/, on the platform's host (every jurisdiction, and the front
door) and on each tenant's host (that jurisdiction only); the client applications' page and
API on both. One include line per URLconf."""

from django.urls import URLPattern, URLResolver, path, re_path

from integrations.open311 import clients_views, views

FMT = r"\.(?P<format>json|xml)$"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^open311/v2/discovery" + FMT, views.discovery, name="open311-discovery"),
    re_path(r"^open311/v2/services" + FMT, views.service_list, name="open311-services"),
    re_path(
        r"^open311/v2/services/(?P<service_code>[\w.-]+)" + FMT,
        views.service_definition,
        name="open311-service",
    ),
    re_path(r"^open311/v2/requests" + FMT, views.requests_, name="open311-requests"),
    re_path(
        r"^open311/v2/requests/(?P<service_request_id>[\w.-]+)" + FMT,
        views.request_detail,
        name="open311-request",
    ),
    re_path(
        r"^open311/v2/tokens/(?P<token>[\w.-]+)" + FMT, views.token_detail, name="open311-token"
    ),
    re_path(
        r"^open311/v2/servicerequestupdates" + FMT,
        views.service_request_updates,
        name="open311-updates",
    ),
]

tenant_urlpatterns: list[URLPattern | URLResolver] = [
    *urlpatterns,
    path("open311/clients/", clients_views.tenant_clients_page, name="open311-clients"),
    path(
        "open311/clients/<int:client_id>/revoke/",
        clients_views.tenant_revoke_page,
        name="open311-client-revoke",
    ),
    path(
        "api/v1/open311/clients/",
        clients_views.ClientsApi.as_view(),
        name="api-open311-clients",
    ),
    path(
        "api/v1/open311/clients/<int:client_id>/revoke/",
        clients_views.ClientRevokeApi.as_view(),
        name="api-open311-client-revoke",
    ),
]

public_urlpatterns: list[URLPattern | URLResolver] = [
    *urlpatterns,
    path("open311/clients/", clients_views.platform_clients_page, name="open311-platform-clients"),
    path(
        "open311/clients/<int:client_id>/revoke/",
        clients_views.platform_revoke_page,
        name="open311-platform-client-revoke",
    ),
    path(
        "api/v1/open311/clients/",
        clients_views.PlatformClientsApi.as_view(),
        name="api-open311-platform-clients",
    ),
    path(
        "api/v1/open311/clients/<int:client_id>/revoke/",
        clients_views.PlatformClientRevokeApi.as_view(),
        name="api-open311-platform-client-revoke",
    ),
]
