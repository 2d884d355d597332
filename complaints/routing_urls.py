"""URL patterns of "no wrong door" that act on complaints (forwarding, triage, the front door,
tracking), included with one line in each aduan URLconf beside routing.urls."""

from django.urls import URLPattern, URLResolver, path

from complaints import forwarding_views as fv
from complaints import routing_views as rv

tenant_urlpatterns: list[URLPattern | URLResolver] = [
    path("forwarding/", fv.forwarding_page, name="forwarding"),
    path("forwarding/<int:complaint_id>/accept/", fv.accept_page, name="forwarding-accept"),
    path("forwarding/<int:complaint_id>/return/", fv.return_page, name="forwarding-return"),
    path("triage/", rv.triage_page, name="triage"),
    path("api/v1/forwarding/", fv.ForwardingApi.as_view(), name="api-forwarding"),
    path(
        "api/v1/forwarding/<int:complaint_id>/forward/",
        fv.ForwardComplaintApi.as_view(),
        name="api-forwarding-forward",
    ),
    path(
        "api/v1/forwarding/<int:complaint_id>/accept/",
        fv.AcceptComplaintApi.as_view(),
        name="api-forwarding-accept",
    ),
    path(
        "api/v1/forwarding/<int:complaint_id>/return/",
        fv.ReturnComplaintApi.as_view(),
        name="api-forwarding-return",
    ),
    path("api/v1/triage/", rv.TriageApi.as_view(), name="api-triage"),
    path("api/v1/triage/<str:code>/", rv.TriageDecisionApi.as_view(), name="api-triage-send"),
]

public_urlpatterns: list[URLPattern | URLResolver] = [
    path("pengaduan/", rv.front_door_page, name="front-door"),
    path("lacak/", rv.track_page, name="track"),
    path("api/v1/intake/", rv.FrontDoorApi.as_view(), name="api-front-door"),
    path("api/v1/track/<str:code>/", rv.TrackApi.as_view(), name="api-track"),
]
