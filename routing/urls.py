"""URL patterns of routing's own pages and API (the authority directory, the category
catalogue), included with one line in each aduan URLconf. The front door, tracking and triage
act on complaints, so their patterns are complaints' (complaints.routing_urls)."""

from django.urls import URLPattern, URLResolver, path

from routing.api import categories as categories_api
from routing.api import directory as directory_api
from routing.api import own_door as own_door_api
from routing.views import directory as directory_views
from routing.views import own_door as own_door_views

tenant_urlpatterns: list[URLPattern | URLResolver] = [
    path("console/pengaturan/penerusan/", own_door_views.own_door_page, name="own-door"),
    path("api/v1/routing/own-door/", own_door_api.OwnDoorApi.as_view(), name="api-own-door"),
    path("directory/", directory_views.directory_page, name="authority-directory"),
    path("api/v1/directory/", directory_api.DirectoryApi.as_view(), name="api-directory"),
    path(
        "api/v1/directory/<slug:slug>/",
        directory_api.AuthorityApi.as_view(),
        name="api-authority",
    ),
]

public_urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/categories/", categories_api.CategoryApi.as_view(), name="api-categories"),
]
