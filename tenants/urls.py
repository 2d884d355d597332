"""URL patterns of the onboarding paths and the tenant lifecycle, all on the front door
(included once by aduan.urls_public)."""

from django.urls import URLPattern, URLResolver, path

from tenants.api import lifecycle as lifecycle_api
from tenants.api import onboarding as api
from tenants.views import lifecycle as lifecycle_views
from tenants.views import onboarding as views

public_urlpatterns: list[URLPattern | URLResolver] = [
    # A village asks for a complaint desk (public)
    path("desa/daftar/", views.desk_search, name="desk-search"),
    path("desa/daftar/<str:code>/", views.desk_request_new, name="desk-request-new"),
    path("desa/permohonan/<uuid:public_id>/", views.desk_request_status,
         name="desk-request-status"),
    # Verification, onboarding, lifecycle (regency admins, the operator)
    path("console/desk-requests/", views.desk_queue, name="desk-queue"),
    path("console/desk-requests/<uuid:public_id>/", views.desk_request_detail,
         name="desk-request-detail"),
    path("console/desk-requests/<uuid:public_id>/letter/", views.desk_request_letter,
         name="desk-request-letter"),
    path("console/regencies/", views.regencies, name="regencies"),
    path("console/regencies/<slug:slug>/agencies/", views.agencies, name="agencies"),
    path("console/regencies/<slug:slug>/agencies/import/", views.agency_import,
         name="agency-import"),
    path("console/tenants/", lifecycle_views.governed_tenants, name="governed-tenants"),
    path("console/tenants/<slug:slug>/", lifecycle_views.tenant_lifecycle, name="tenant-lifecycle"),
    path("console/tenants/<slug:slug>/archive/", lifecycle_views.tenant_archive,
         name="tenant-archive"),
    # API
    path("api/v1/villages/", api.VillageSearchApi.as_view(), name="api-village-search"),
    path("api/v1/desk-requests/", api.DeskRequestCreateApi.as_view(),
         name="api-desk-request-create"),
    path("api/v1/desk-requests/<uuid:public_id>/", api.DeskRequestStatusApi.as_view(),
         name="api-desk-request-status"),
    path("api/v1/console/desk-requests/", api.DeskQueueApi.as_view(), name="api-desk-queue"),
    path("api/v1/console/desk-requests/<uuid:public_id>/approve/", api.DeskApproveApi.as_view(),
         name="api-desk-approve"),
    path("api/v1/console/desk-requests/<uuid:public_id>/reject/", api.DeskRejectApi.as_view(),
         name="api-desk-reject"),
    path("api/v1/console/desk-requests/<uuid:public_id>/letter/", api.DeskLetterApi.as_view(),
         name="api-desk-letter"),
    path("api/v1/regencies/", api.RegencyListApi.as_view(), name="api-regencies"),
    path("api/v1/regencies/<slug:slug>/agencies/", api.AgencyListApi.as_view(),
         name="api-agencies"),
    path("api/v1/regencies/<slug:slug>/agencies/import/", api.AgencyImportApi.as_view(),
         name="api-agency-import"),
    path("api/v1/tenants/<slug:slug>/", lifecycle_api.GovernedTenantApi.as_view(),
         name="api-governed-tenant"),
    path("api/v1/tenants/<slug:slug>/suspend/", lifecycle_api.SuspendTenantApi.as_view(),
         name="api-tenant-suspend"),
    path("api/v1/tenants/<slug:slug>/reactivate/", lifecycle_api.ReactivateTenantApi.as_view(),
         name="api-tenant-reactivate"),
    path("api/v1/tenants/<slug:slug>/archive/", lifecycle_api.ArchiveTenantApi.as_view(),
         name="api-tenant-archive"),
    path("api/v1/tenants/<slug:slug>/archive/download/", lifecycle_api.ArchiveDownloadApi.as_view(),
         name="api-tenant-archive-download"),
]  # fmt: skip
