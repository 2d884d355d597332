"""URL patterns of the complaints app, included with one line in the aduan URLconfs.

The complaint pages and APIs carry the "complaints" namespace
(`reverse("complaints:track", kwargs={"code": ...})`)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from complaints.api import access_log as access_log_api
from complaints.api import approval as approval_api
from complaints.api import assignment as assignment_api
from complaints.api import canned as canned_api
from complaints.api import corrections as corrections_api
from complaints.api import doors as doors_api
from complaints.api import exports as exports_api
from complaints.api import forwarding as forwarding_api
from complaints.api import front_door as front_door_api
from complaints.api import holidays as holidays_api
from complaints.api import intake as intake_api
from complaints.api import notifications as notifications_api
from complaints.api import privacy as privacy_api
from complaints.api import register as register_api
from complaints.api import route_suggestion as route_suggestion_api
from complaints.api import sop as sop_api
from complaints.api import statistics as statistics_api
from complaints.api import teams as teams_api
from complaints.api import tracking as tracking_api
from complaints.api import transparency as transparency_api
from complaints.api import triage as triage_api
from complaints.api import wbs as wbs_api
from complaints.api import work as work_api
from complaints.views import (
    access_log,
    approval,
    assignment,
    canned,
    corrections,
    doors,
    exports,
    forwarding,
    front_door,
    holidays,
    intake,
    notifications,
    privacy,
    register,
    route_suggestion,
    sop,
    statistics,
    teams,
    tracking,
    transparency,
    triage,
    wbs,
    work,
)

complaint_patterns: list[URLPattern | URLResolver] = [
    # Public: the citizen's pages.
    path("pengaduan/baru/", intake.file_complaint, name="file"),
    path("pengaduan/tanda-terima/<str:code>/", intake.receipt, name="receipt"),
    path("pengaduan/tanda-terima/<str:code>/pdf/", intake.receipt_as_pdf, name="receipt-pdf"),
    path("lacak/", tracking.track_lookup, name="track-lookup"),
    path("transparansi/", transparency.transparency_page, name="transparency"),
    path(
        "api/v1/transparency/",
        transparency_api.TransparencyApi.as_view(),
        name="api-transparency",
    ),
    path("lacak/<str:code>/", tracking.track, name="track"),
    path("lacak/<str:code>/nilai/", tracking.track_rate, name="track-rate"),
    path("lacak/<str:code>/buka-kembali/", tracking.track_reopen, name="track-reopen"),
    path("lacak/<str:code>/data-pribadi/", privacy.personal_data_page, name="personal-data"),
    path("lacak-kirim-ulang/", privacy.resend_page, name="track-resend"),
    # The embeddable form for the village website (the only pages that may be framed).
    path("embed/", doors.embed_page, name="embed"),
    path("embed/gaya.css", doors.embed_style, name="embed-style"),
    path("embed/diterima/<str:code>/", doors.embed_receipt, name="embed-receipt"),
    path("api/v1/phone-codes/", doors_api.PhoneCodeApi.as_view(), name="api-phone-codes"),
    path(
        "api/v1/track-resend/",
        privacy_api.TrackingCodeResendApi.as_view(),
        name="api-track-resend",
    ),
    path("lacak/<str:code>/berkas/<int:file_id>/", tracking.track_file, name="track-file"),
    # Whistleblowing (WBS): the reporter's pages; the receipt key only ever in a POST body.
    path("wbs/", wbs.wbs_page, name="wbs"),
    path("wbs/kembali/", wbs.wbs_return, name="wbs-return"),
    path("wbs/kembali/balas/", wbs.wbs_reply, name="wbs-reply"),
    # Staff console.
    path("console/pengaduan/", register.register, name="register"),
    path(
        "console/pengaduan/<int:complaint_id>/identitas/",
        wbs.disclosure_page,
        name="wbs-disclosure",
    ),
    path(
        "console/pengaduan/<int:complaint_id>/inspektorat/",
        wbs.inspectorate_page,
        name="wbs-inspectorate",
    ),
    path("console/pengaduan/baru/", intake.desk_entry, name="desk"),
    path(
        "console/penghapusan-data/", privacy.erasure_requests_page, name="erasure-requests"
    ),
    path("console/privasi/", privacy.privacy_settings_page, name="privacy-settings"),
    path("console/ekspor/", exports.exports_page, name="exports"),
    path("console/ekspor/<int:export_id>/unduh/", exports.export_download, name="export-download"),
    path("console/pengaduan/<int:complaint_id>/", register.complaint_detail, name="detail"),
    path(
        "console/pengaduan/<int:complaint_id>/lampiran/<int:attachment_id>/",
        register.attachment,
        name="attachment",
    ),
    path(
        "console/pengaduan/<int:complaint_id>/gabung/",
        register.merge_page,
        name="merge",
    ),
    path(
        "console/pengaduan/<int:complaint_id>/buka-kembali/",
        register.reopen_page,
        name="reopen",
    ),
    path(
        "console/pengaduan/<int:complaint_id>/penghapusan/",
        register.erasure_page,
        name="erasure",
    ),
    path(
        "console/pengaduan/<int:complaint_id>/penugasan/",
        assignment.assign_page,
        name="assign",
    ),
    path(
        "console/pengaduan/<int:complaint_id>/tim/",
        teams.complaint_team_page,
        name="assign-team",
    ),
    # Personal data protection (UU 27/2022): the access log, for auditors.
    path("console/log-akses/", access_log.access_log_page, name="access-log"),
    path("console/log-akses/csv/", access_log.access_log_csv_page, name="access-log-csv"),
    path(
        "console/pengaduan/<int:complaint_id>/koreksi/",
        corrections.corrections_page,
        name="corrections",
    ),
    path(
        "console/pengaduan/<int:complaint_id>/persetujuan/",
        approval.approval_page,
        name="approval",
    ),
    # API.
    path("api/v1/access-log/", access_log_api.AccessLogApi.as_view(), name="api-access-log"),
    path(
        "api/v1/access-log/csv/",
        access_log_api.AccessLogCsvApi.as_view(),
        name="api-access-log-csv",
    ),
    path(
        "api/v1/track/<str:code>/personal-data/",
        privacy_api.PersonalDataApi.as_view(),
        name="api-personal-data",
    ),
    path(
        "api/v1/track/<str:code>/personal-data/code/",
        privacy_api.PersonalDataCodeApi.as_view(),
        name="api-personal-data-code",
    ),
    path(
        "api/v1/track/<str:code>/personal-data/erasure/",
        privacy_api.ErasureRequestApi.as_view(),
        name="api-personal-data-erasure",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/erasure/",
        privacy_api.ErasureDecisionApi.as_view(),
        name="api-erasure-decide",
    ),
    path(
        "api/v1/erasure-requests/",
        privacy_api.ErasureRequestsApi.as_view(),
        name="api-erasure-requests",
    ),
    path(
        "api/v1/privacy/settings/",
        privacy_api.PrivacySettingsApi.as_view(),
        name="api-privacy-settings",
    ),
    path("api/v1/complaints/", intake_api.IntakeApi.as_view(), name="api-file"),
    path(
        "api/v1/complaints/<int:complaint_id>/corrections/",
        corrections_api.CorrectionApi.as_view(),
        name="api-corrections",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/redactions/",
        corrections_api.RedactionApi.as_view(),
        name="api-redactions",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/approval/",
        approval_api.ApprovalApi.as_view(),
        name="api-approval",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/canned-answers/<int:answer_id>/",
        canned_api.FilledAnswerApi.as_view(),
        name="api-canned-filled",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/assignment/",
        assignment_api.AssignmentApi.as_view(),
        name="api-assign",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/team/",
        teams_api.ComplaintTeamApi.as_view(),
        name="api-assign-team",
    ),
    path("api/v1/complaints/desk/", intake_api.DeskIntakeApi.as_view(), name="api-desk"),
    path(
        "api/v1/complaints/<int:complaint_id>/",
        register_api.ComplaintApi.as_view(),
        name="api-detail",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/notes/",
        register_api.NoteApi.as_view(),
        name="api-notes",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/responses/",
        register_api.ResponseApi.as_view(),
        name="api-responses",
    ),
    path("api/v1/register/", register_api.RegisterApi.as_view(), name="api-register"),
    path("api/v1/exports/", exports_api.ExportsApi.as_view(), name="api-exports"),
    path("api/v1/exports/<int:export_id>/", exports_api.ExportApi.as_view(), name="api-export"),
    path(
        "api/v1/exports/<int:export_id>/download/",
        exports_api.ExportDownloadApi.as_view(),
        name="api-export-download",
    ),
    path("api/v1/wbs/reports/", wbs_api.WbsReportApi.as_view(), name="api-wbs-report"),
    path("api/v1/wbs/return/", wbs_api.WbsReturnApi.as_view(), name="api-wbs-return"),
    path(
        "api/v1/wbs/return/replies/",
        wbs_api.WbsReturnReplyApi.as_view(),
        name="api-wbs-return-reply",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/disclosures/",
        wbs_api.DisclosuresApi.as_view(),
        name="api-wbs-disclosures",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/inspectorate/",
        wbs_api.InspectorateApi.as_view(),
        name="api-wbs-inspectorate",
    ),
    path("api/v1/track/<str:code>/", tracking_api.TrackApi.as_view(), name="api-track"),
    path(
        "api/v1/track/<str:code>/replies/", tracking_api.TrackReplyApi.as_view(), name="api-replies"
    ),
    path(
        "api/v1/track/<str:code>/rating/", tracking_api.TrackRatingApi.as_view(), name="api-rating"
    ),
    path(
        "api/v1/track/<str:code>/reopen/",
        tracking_api.TrackReopenApi.as_view(),
        name="api-track-reopen",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/merge/",
        register_api.MergeApi.as_view(),
        name="api-merge",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/reopen/",
        register_api.ReopenApi.as_view(),
        name="api-reopen",
    ),
]

tenant_urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((complaint_patterns, "complaints"))),
    path("console/pintu-warga/", doors.doors_settings_page, name="citizen-doors"),
    path(
        "api/v1/settings/citizen-doors/",
        doors_api.CitizenDoorsApi.as_view(),
        name="api-citizen-doors",
    ),
    path("holidays/", holidays.holidays_page, name="holidays"),
    path(
        "holidays/<str:date>/remove/",
        holidays.remove_holiday_page,
        name="holidays-remove",
    ),
    path("api/v1/holidays/", holidays_api.HolidayCalendarApi.as_view(), name="api-holidays"),
    path(
        "api/v1/holidays/<str:date>/",
        holidays_api.LocalHolidayApi.as_view(),
        name="api-holiday",
    ),
    path("notifications/", notifications.notifications_page, name="notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        notifications.notification_read_page,
        name="notification-read",
    ),
    path(
        "api/v1/notifications/",
        notifications_api.NotificationListApi.as_view(),
        name="api-notifications",
    ),
    path(
        "api/v1/notifications/<int:notification_id>/read/",
        notifications_api.NotificationReadApi.as_view(),
        name="api-notification-read",
    ),
    path("console/tim/", teams.teams_page, name="teams"),
    path("console/tim/<int:team_id>/", teams.team_page, name="team"),
    path("api/v1/teams/", teams_api.TeamsApi.as_view(), name="api-teams"),
    path("api/v1/teams/<int:team_id>/", teams_api.TeamApi.as_view(), name="api-team"),
    path("console/sop/", sop.sop_editor, name="sop-editor"),
    path("console/templat-jawaban/", canned.canned_answers_page, name="canned-answers"),
    path(
        "console/templat-jawaban/<int:answer_id>/", canned.canned_answer_page, name="canned-answer"
    ),
    path("api/v1/canned-answers/", canned_api.CannedAnswersApi.as_view(), name="api-canned"),
    path(
        "api/v1/canned-answers/<int:answer_id>/",
        canned_api.CannedAnswerApi.as_view(),
        name="api-canned-answer",
    ),
    path(
        "console/complaints/<int:complaint_id>/steps/",
        sop.complaint_steps,
        name="complaint-steps",
    ),
    path("api/v1/sop/", sop_api.SopApi.as_view(), name="api-sop"),
    path("api/v1/sop/versions/", sop_api.SopVersionsApi.as_view(), name="api-sop-versions"),
    path(
        "api/v1/complaints/<int:complaint_id>/transitions/",
        sop_api.ComplaintTransitionsApi.as_view(),
        name="api-complaint-transitions",
    ),
    path("forwarding/", forwarding.forwarding_page, name="forwarding"),
    path(
        "console/pengaduan/<int:complaint_id>/usulan-penerusan/",
        route_suggestion.decide_page,
        name="route-suggestion",
    ),
    path(
        "api/v1/complaints/<int:complaint_id>/route-suggestion/",
        route_suggestion_api.RouteSuggestionApi.as_view(),
        name="api-route-suggestion",
    ),
    path("forwarding/<int:complaint_id>/accept/", forwarding.accept_page, name="forwarding-accept"),
    path("forwarding/<int:complaint_id>/return/", forwarding.return_page, name="forwarding-return"),
    path("api/v1/forwarding/", forwarding_api.ForwardingApi.as_view(), name="api-forwarding"),
    path(
        "api/v1/forwarding/<int:complaint_id>/forward/",
        forwarding_api.ForwardComplaintApi.as_view(),
        name="api-forwarding-forward",
    ),
    path(
        "api/v1/forwarding/<int:complaint_id>/accept/",
        forwarding_api.AcceptComplaintApi.as_view(),
        name="api-forwarding-accept",
    ),
    path(
        "api/v1/forwarding/<int:complaint_id>/return/",
        forwarding_api.ReturnComplaintApi.as_view(),
        name="api-forwarding-return",
    ),
    path("console/wbs/", wbs.wbs_console, name="wbs-console"),
    path(
        "console/wbs/persetujuan/<int:request_id>/",
        wbs.approve_disclosure_page,
        name="wbs-approve",
    ),
    path("api/v1/wbs/policy/", wbs_api.WbsPolicyApi.as_view(), name="api-wbs-policy"),
    path("api/v1/wbs/officers/", wbs_api.WbsOfficersApi.as_view(), name="api-wbs-officers"),
    path(
        "api/v1/wbs/officers/dismissals/",
        wbs_api.WbsDismissalApi.as_view(),
        name="api-wbs-dismissal",
    ),
    path(
        "api/v1/wbs/disclosures/<int:request_id>/approval/",
        wbs_api.DisclosureApprovalApi.as_view(),
        name="api-wbs-approve",
    ),
    # The staff home: the first page after sign-in.
    path("console/", work.work_page, name="console"),
    path("api/v1/work/", work_api.WorkApi.as_view(), name="api-work"),
    path("triage/", triage.triage_page, name="triage"),
    path("api/v1/triage/", triage_api.TriageApi.as_view(), name="api-triage"),
    path(
        "api/v1/triage/<str:code>/",
        triage_api.TriageDecisionApi.as_view(),
        name="api-triage-send",
    ),
    # Reports and statistics (complaints.statistics).
    path("console/statistik/", statistics.statistics_page, name="statistics"),
    path("console/pengaduan/<int:complaint_id>/berita-acara.pdf", statistics.berita_acara,
         name="berita-acara"),
    path("console/statistik/laporan.pdf", statistics.report_pdf, name="statistics-report-pdf"),
    path("console/statistik/rekap-lapor.csv", statistics.lapor_recap_csv,
         name="statistics-lapor-csv"),
    path("statistik/", statistics.public_statistics_page, name="public-statistics"),
    path("statistik/data.csv", statistics.public_statistics_csv, name="public-statistics-csv"),
    path("api/v1/statistics/monthly/", statistics_api.MonthlyStatisticsApi.as_view(),
         name="api-statistics-monthly"),
    path("api/v1/statistics/dashboard/", statistics_api.DashboardApi.as_view(),
         name="api-statistics-dashboard"),
    path("api/v1/statistics/lapor-recap/", statistics_api.LaporRecapApi.as_view(),
         name="api-statistics-lapor-recap"),
    path("api/v1/statistics/publish/", statistics_api.PublishApi.as_view(),
         name="api-statistics-publish"),
    path("api/v1/statistics/public/", statistics_api.PublicStatisticsApi.as_view(),
         name="api-statistics-public"),
    # The reports sent to the heads; re-publication with its progress; the regency's roll-up
    # on its own host (its head).
    path("console/statistik/laporan-terkirim/", statistics.sent_reports_page,
         name="statistics-sent-reports"),
    path("console/statistik/laporan-terkirim/<int:report_id>.pdf", statistics.sent_report_pdf,
         name="statistics-sent-report"),
    path("console/statistik/penerbitan/<int:refresh_id>/", statistics.refresh_progress,
         name="statistics-refresh"),
    path("console/statistik/kabupaten/", statistics.regency_rollup_here,
         name="statistics-regency"),
    path("api/v1/statistics/reports/", statistics_api.SentReportsApi.as_view(),
         name="api-statistics-sent-reports"),
    path("api/v1/statistics/refreshes/", statistics_api.RefreshesApi.as_view(),
         name="api-statistics-refreshes"),
    path("api/v1/statistics/refreshes/<int:refresh_id>/", statistics_api.RefreshApi.as_view(),
         name="api-statistics-refresh"),
    path("api/v1/statistics/regency/", statistics_api.RegencyRollupHereApi.as_view(),
         name="api-statistics-regency"),
]  # fmt: skip

# The platform's own host: the front door and tracking wherever a complaint is now.
public_urlpatterns: list[URLPattern | URLResolver] = [
    path("pengaduan/", front_door.front_door_page, name="front-door"),
    path(
        "pengaduan/tanda-terima/<str:code>/",
        front_door.front_door_receipt,
        name="front-door-receipt",
    ),
    path(
        "pengaduan/tanda-terima/<str:code>/pdf/",
        front_door.front_door_receipt_pdf,
        name="front-door-receipt-pdf",
    ),
    path("lacak/", tracking.platform_track_page, name="track"),
    path("api/v1/intake/", front_door_api.FrontDoorApi.as_view(), name="api-front-door"),
    path(
        "api/v1/intake/phone-code/",
        front_door_api.FrontDoorPhoneCodeApi.as_view(),
        name="api-front-door-phone-code",
    ),
    path("api/v1/track/<str:code>/", tracking_api.PlatformTrackApi.as_view(), name="api-track"),
    path("lacak-kirim-ulang/", privacy.resend_page, name="track-resend"),
    path(
        "api/v1/track-resend/",
        privacy_api.TrackingCodeResendApi.as_view(),
        name="api-track-resend",
    ),
    # A regency's roll-up (its admin) and its public statistics.
    path("console/statistik-kabupaten/", statistics.regency_statistics_home,
         name="regency-statistics-home"),
    path("console/regencies/<slug:slug>/statistik/", statistics.regency_rollup_page,
         name="regency-statistics"),
    path("api/v1/regencies/<slug:slug>/statistics/", statistics_api.RegencyRollupApi.as_view(),
         name="api-regency-statistics"),
    path("statistik/<slug:slug>/", statistics.public_regency_page,
         name="public-regency-statistics"),
    path("api/v1/statistics/regencies/<slug:slug>/",
         statistics_api.PublicRegencyStatisticsApi.as_view(),
         name="api-public-regency-statistics"),
]  # fmt: skip
