"""URL patterns of "no wrong door" (routing, triage, the authority directory; forwarding's are
complaints'),
included with one line in each aduan URLconf."""

from django.urls import URLPattern, URLResolver, path

from tenants import routing_views as rv

tenant_urlpatterns: list[URLPattern | URLResolver] = [
    path("triage/", rv.triage_page, name="triage"),
    path("directory/", rv.directory_page, name="authority-directory"),
    path("api/v1/triage/", rv.TriageApi.as_view(), name="api-triage"),
    path("api/v1/triage/<str:code>/", rv.TriageDecisionApi.as_view(), name="api-triage-send"),
    path("api/v1/directory/", rv.DirectoryApi.as_view(), name="api-directory"),
    path("api/v1/directory/<slug:slug>/", rv.AuthorityApi.as_view(), name="api-authority"),
]

public_urlpatterns: list[URLPattern | URLResolver] = [
    path("pengaduan/", rv.front_door_page, name="front-door"),
    path("lacak/", rv.track_page, name="track"),
    path("api/v1/intake/", rv.FrontDoorApi.as_view(), name="api-front-door"),
    path("api/v1/track/<str:code>/", rv.TrackApi.as_view(), name="api-track"),
    path("api/v1/categories/", rv.CategoryApi.as_view(), name="api-categories"),
]
