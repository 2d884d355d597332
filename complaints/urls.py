"""URL patterns of the complaints app, included with one line in the aduan URLconfs."""

from django.urls import URLPattern, URLResolver, path

from complaints import holidays_views, sla_views

tenant_urlpatterns: list[URLPattern | URLResolver] = [
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
]
