"""URL patterns of the complaints app, included with one line in the aduan URLconfs.

The complaint pages and APIs carry the "complaints" namespace
(`reverse("complaints:track", kwargs={"code": ...})`)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from complaints import (
    api,
    api_sop,
    assign_views,
    holidays_views,
    sla_views,
    team_views,
    views,
    views_sop,
)

complaint_patterns: list[URLPattern | URLResolver] = [
    # Public: the citizen's pages.
    path("pengaduan/baru/", views.file_complaint, name="file"),
    path("pengaduan/tanda-terima/<str:code>/", views.receipt, name="receipt"),
    path("pengaduan/tanda-terima/<str:code>/pdf/", views.receipt_as_pdf, name="receipt-pdf"),
    path("lacak/", views.track_lookup, name="track-lookup"),
    path("lacak/<str:code>/", views.track, name="track"),
    path("lacak/<str:code>/nilai/", views.track_rate, name="track-rate"),
    path("lacak/<str:code>/buka-kembali/", views.track_reopen, name="track-reopen"),
    # Staff console.
    path("console/pengaduan/", views.register, name="register"),
    path("console/pengaduan/baru/", views.desk_entry, name="desk"),
    path("console/pengaduan/<int:complaint_id>/", views.complaint_detail, name="detail"),
    path(
        "console/pengaduan/<int:complaint_id>/lampiran/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "console/pengaduan/<int:complaint_id>/gabung/",
        views.merge_page,
        name="merge",
    ),
    path(
        "console/pengaduan/<int:complaint_id>/buka-kembali/",
        views.reopen_page,
        name="reopen",
    ),
    path(
        "console/pengaduan/<int:complaint_id>/penugasan/",
        assign_views.assign_page,
        name="assign",
    ),
    path(
        "console/pengaduan/<int:complaint_id>/tim/",
        team_views.complaint_team_page,
        name="assign-team",
    ),
    # API.
    path("api/v1/complaints/", api.IntakeApi.as_view(), name="api-file"),
    path(
        "api/v1/complaints/<int:complaint_id>/assignment/",
        assign_views.AssignmentApi.as_view(),
        name="api-assign",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/team/",
        team_views.ComplaintTeamApi.as_view(),
        name="api-assign-team",
    ),
    path("api/v1/complaints/desk/", api.DeskIntakeApi.as_view(), name="api-desk"),
    path("api/v1/complaints/<int:complaint_id>/", api.ComplaintApi.as_view(), name="api-detail"),
    path("api/v1/complaints/<int:complaint_id>/notes/", api.NoteApi.as_view(), name="api-notes"),
    path(
        "api/v1/complaints/<int:complaint_id>/responses/",
        api.ResponseApi.as_view(),
        name="api-responses",
    ),
    path("api/v1/register/", api.RegisterApi.as_view(), name="api-register"),
    path("api/v1/track/<str:code>/", api.TrackApi.as_view(), name="api-track"),
    path("api/v1/track/<str:code>/replies/", api.TrackReplyApi.as_view(), name="api-replies"),
    path("api/v1/track/<str:code>/rating/", api.TrackRatingApi.as_view(), name="api-rating"),
    path("api/v1/track/<str:code>/reopen/", api.TrackReopenApi.as_view(), name="api-track-reopen"),
    path(
        "api/v1/complaints/<int:complaint_id>/merge/",
        api.MergeApi.as_view(),
        name="api-merge",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/reopen/",
        api.ReopenApi.as_view(),
        name="api-reopen",
    ),
]

tenant_urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((complaint_patterns, "complaints"))),
    path("holidays/", holidays_views.holidays_page, name="holidays"),
    path(
        "holidays/<str:date>/remove/",
        holidays_views.remove_holiday_page,
        name="holidays-remove",
    ),
    path("api/v1/holidays/", holidays_views.HolidayCalendarApi.as_view(), name="api-holidays"),
    path(
        "api/v1/holidays/<str:date>/",
        holidays_views.LocalHolidayApi.as_view(),
        name="api-holiday",
    ),
    path("notifications/", sla_views.notifications_page, name="notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        sla_views.notification_read_page,
        name="notification-read",
    ),
    path(
        "api/v1/notifications/", sla_views.NotificationListApi.as_view(), name="api-notifications"
    ),
    path(
        "api/v1/notifications/<int:notification_id>/read/",
        sla_views.NotificationReadApi.as_view(),
        name="api-notification-read",
    ),
    path("console/tim/", team_views.teams_page, name="teams"),
    path("console/tim/<int:team_id>/", team_views.team_page, name="team"),
    path("api/v1/teams/", team_views.TeamsApi.as_view(), name="api-teams"),
    path("api/v1/teams/<int:team_id>/", team_views.TeamApi.as_view(), name="api-team"),
    path("console/sop/", views_sop.sop_editor, name="sop-editor"),
    path(
        "console/complaints/<int:complaint_id>/steps/",
        views_sop.complaint_steps,
        name="complaint-steps",
    ),
    path("api/v1/sop/", api_sop.SopApi.as_view(), name="api-sop"),
    path("api/v1/sop/versions/", api_sop.SopVersionsApi.as_view(), name="api-sop-versions"),
    path(
        "api/v1/complaints/<int:complaint_id>/transitions/",
        api_sop.ComplaintTransitionsApi.as_view(),
        name="api-complaint-transitions",
    ),
]
