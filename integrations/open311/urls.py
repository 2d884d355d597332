"""GeoReport v2 under /open311/v2/, on the platform's host (every jurisdiction, and the front
door) and on each tenant's host (that jurisdiction only). One include line per URLconf."""

from django.urls import URLPattern, URLResolver, re_path

from integrations.open311 import views

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
]
