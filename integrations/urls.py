"""URL patterns of the channels, included with one line in each aduan URLconf."""

from django.urls import URLPattern, URLResolver, path

from integrations import views
from integrations.email import views as email_views
from integrations.instagram import settings_views as instagram_settings
from integrations.instagram import views as instagram_views
from integrations.lapor import views as lapor_views
from integrations.sms import views as sms_views
from integrations.whatsapp import settings_views as whatsapp_settings
from integrations.whatsapp import views as whatsapp_views

tenant_urlpatterns: list[URLPattern | URLResolver] = [
    path("integrations/failed/", views.failed_page, name="integrations-failed"),
    path(
        "integrations/failed/<int:message_id>/retry/",
        views.retry_page,
        name="integrations-failed-retry",
    ),
    path(
        "integrations/failed/outbound/<int:outbox_id>/retry/",
        views.retry_outbound_page,
        name="integrations-failed-outbound-retry",
    ),
    path(
        "integrations/failed/lapor-referrals/<int:referral_id>/retry/",
        views.retry_referral_page,
        name="integrations-failed-referral-retry",
    ),
    path(
        "api/v1/integrations/failed/outbound/<int:outbox_id>/retry/",
        views.RetryOutboundApi.as_view(),
        name="api-integrations-failed-outbound-retry",
    ),
    path(
        "api/v1/integrations/failed/lapor-referrals/<int:referral_id>/retry/",
        views.RetryReferralApi.as_view(),
        name="api-integrations-failed-referral-retry",
    ),
    path("integrations/sms/", sms_views.keyword_page, name="integrations-sms-keyword"),
    path("integrations/email/", email_views.mailbox_page, name="integrations-email"),
    path("integrations/lapor/", lapor_views.lapor_page, name="integrations-lapor"),
    path("integrations/lapor/test/", lapor_views.lapor_test_page, name="integrations-lapor-test"),
    path(
        "api/v1/integrations/lapor/",
        lapor_views.LaporConnectionApi.as_view(),
        name="api-integrations-lapor",
    ),
    path(
        "api/v1/integrations/lapor/test/",
        lapor_views.LaporTestApi.as_view(),
        name="api-integrations-lapor-test",
    ),
    path("integrations/whatsapp/", whatsapp_settings.whatsapp_page, name="integrations-whatsapp"),
    path(
        "api/v1/integrations/whatsapp/",
        whatsapp_settings.WhatsAppSettingsApi.as_view(),
        name="api-integrations-whatsapp",
    ),
    path(
        "integrations/instagram/", instagram_settings.instagram_page, name="integrations-instagram"
    ),
    path(
        "api/v1/integrations/instagram/",
        instagram_settings.InstagramSettingsApi.as_view(),
        name="api-integrations-instagram",
    ),
    path(
        "api/v1/integrations/email/mailbox/",
        email_views.MailboxApi.as_view(),
        name="api-integrations-email-mailbox",
    ),
    path(
        "api/v1/integrations/failed/",
        views.FailedMessagesApi.as_view(),
        name="api-integrations-failed",
    ),
    path(
        "api/v1/integrations/failed/<int:message_id>/retry/",
        views.RetryMessageApi.as_view(),
        name="api-integrations-failed-retry",
    ),
    path(
        "api/v1/integrations/sms/keyword/",
        sms_views.SmsKeywordApi.as_view(),
        name="api-integrations-sms-keyword",
    ),
]

public_urlpatterns: list[URLPattern | URLResolver] = [
    path("integrations/failed/", views.platform_failed_page, name="integrations-failed"),
    path(
        "integrations/failed/<int:message_id>/retry/",
        views.platform_retry_page,
        name="integrations-failed-retry",
    ),
    path(
        "api/v1/integrations/failed/",
        views.PlatformFailedMessagesApi.as_view(),
        name="api-integrations-failed",
    ),
    path(
        "api/v1/integrations/failed/<int:message_id>/retry/",
        views.PlatformRetryMessageApi.as_view(),
        name="api-integrations-failed-retry",
    ),
    path(
        "integrations/failed/outbound/<int:outbox_id>/retry/",
        views.platform_retry_outbound_page,
        name="integrations-failed-outbound-retry",
    ),
    path(
        "integrations/failed/lapor-referrals/<int:referral_id>/retry/",
        views.platform_retry_referral_page,
        name="integrations-failed-referral-retry",
    ),
    path(
        "api/v1/integrations/failed/outbound/<int:outbox_id>/retry/",
        views.PlatformRetryOutboundApi.as_view(),
        name="api-integrations-failed-outbound-retry",
    ),
    path(
        "api/v1/integrations/failed/lapor-referrals/<int:referral_id>/retry/",
        views.PlatformRetryReferralApi.as_view(),
        name="api-integrations-failed-referral-retry",
    ),
    path(
        "integrations/sms/inbound/",
        sms_views.SmsInboundWebhook.as_view(),
        name="integrations-sms-inbound",
    ),
    path(
        "integrations/whatsapp/webhook/",
        whatsapp_views.WhatsAppWebhook.as_view(),
        name="integrations-whatsapp-webhook",
    ),
    path(
        "integrations/instagram/webhook/<slug:slug>/",
        instagram_views.InstagramWebhook.as_view(),
        name="integrations-instagram-webhook",
    ),
    path(
        "integrations/email/inbound/",
        email_views.EmailInboundWebhook.as_view(),
        name="integrations-email-inbound",
    ),
]
