"""Access to complaints-side objects on behalf of a request or a user: the only way a page, an
API or a job gets one. Each raises the same "not found" for missing and forbidden, so nothing
reveals that another tenant's object (or a WBS report) exists. The complaint itself:
`complaints.selectors.access_complaint`."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.request import Request

from aduan.errors import NotFoundError
from aduan.tenancy import request_tenant
from complaints.errors import (
    ComplaintErrorCode,
    ComplaintNotFoundError,
    HolidayErrorCode,
    PrivacyErrorCode,
)
from complaints.models import CannedAnswer, Complaint, Team
from complaints.public.models import Export, MonthlyReport, StatisticsRefresh
from complaints.selectors import (
    READ_ROLES,
    WORK_ROLES,
    Viewer,
    access_complaint,
)
from tenants import permissions
from tenants.access import ADMIN_ROLES
from tenants.models import Role, Tenant
from tenants.permissions import AnyUser, can_administer, is_staff_of

# Working a complaint, part 2: who corrects and redacts, who approves a held answer, who
# manages the canned answers (templat jawaban) and who may use them.
CORRECT_ROLES = permissions.roles_with(
    permissions.Capability.WORK_COMPLAINT, permissions.Capability.WORK_WBS
)
APPROVE_ROLES = permissions.roles_with(permissions.Capability.APPROVE_ANSWER)
CANNED_ROLES = permissions.roles_with(
    permissions.Capability.ANSWER_COMPLAINT, permissions.Capability.MANAGE_TENANT
)
CANNED_READ_ROLES = CANNED_ROLES | WORK_ROLES


def access_canned_answer(answer_id: int | str | None) -> CannedAnswer:
    """A canned answer of this tenant (its schema holds only its own); `NotFoundError`."""
    found = str(answer_id)
    answer = CannedAnswer.objects.filter(pk=int(found)).first() if found.isdigit() else None
    if answer is None:
        raise NotFoundError(ComplaintErrorCode.NOT_FOUND, str(_("Templat tidak ditemukan.")))
    return answer


# Who reads the teams (to assign to one): everyone who reads complaints, and the admins.
TEAM_READ_ROLES = READ_ROLES | ADMIN_ROLES


def unknown_team() -> NotFoundError:
    return NotFoundError(ComplaintErrorCode.NOT_FOUND, str(_("Tim tidak ditemukan.")))


def access_team(team_id: int | str | None) -> Team:
    """A team of this tenant (its schema holds only its own); `NotFoundError` otherwise."""
    found = str(team_id)
    team = Team.objects.filter(pk=int(found)).first() if found.isdigit() else None
    if team is None:
        raise unknown_team()
    return team


# Who may forward, accept and return: those who handle complaints, and those above them.
FORWARD_ROLES = (
    Role.OFFICER,
    Role.LIAISON,
    Role.TENANT_ADMIN,
    Role.REGENCY_ADMIN,
    Role.PLATFORM_OPERATOR,
)


def access_held_complaint(request: HttpRequest | Request, complaint_id: int) -> Complaint:
    """A complaint held by the request's tenant (the search_path is the tenant's). A WBS report
    is "not found" for anyone but a WBS officer, like a missing one."""
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is not None and complaint.is_wbs:
        tenant = request_tenant(request)
        if not permissions.has_role(request.user, tenant, Role.WBS_OFFICER):
            complaint = None
    if complaint is None:
        raise ComplaintNotFoundError(
            ComplaintErrorCode.NOT_FOUND, _("Pengaduan tidak ditemukan."), {"id": complaint_id}
        )
    return complaint


def access_holidays(user: AnyUser, tenant: Tenant, *, write: bool) -> None:
    """Staff may read the calendar, administrators may change it; anyone else gets the same
    "not found" as for a tenant that does not exist."""
    allowed = can_administer(user, tenant) if write else is_staff_of(user, tenant)
    if not allowed:
        raise NotFoundError(HolidayErrorCode.NOT_FOUND, _("Tidak ditemukan."))


def access_complaint_for_work(user: AnyUser, tenant: Tenant | None, complaint_id: int) -> Complaint:
    """The complaint as `complaints.selectors.access_complaint` gives it to this user (WBS only
    for WBS officers, a liaison only what is assigned to them); `NotFoundError` otherwise."""
    if not isinstance(tenant, Tenant):
        raise NotFoundError("complaints.not_found", _("Tidak ditemukan."))
    return access_complaint(Viewer.of(user, tenant), complaint_id)


def access_complaint_for_request(request: HttpRequest | Request, complaint_id: int) -> Complaint:
    """The complaint as `access_complaint` gives it to the request's user in its tenant."""
    return access_complaint_for_work(request.user, request_tenant(request), complaint_id)


def access_access_log(user: AnyUser, tenant: Tenant) -> None:
    """The access log is for the tenant's auditors (Capability.VIEW_AUDIT); anyone else gets
    the same "not found" as for a tenant that does not exist."""
    if not permissions.has_capability(user, tenant, permissions.Capability.VIEW_AUDIT):
        raise NotFoundError(PrivacyErrorCode.NOT_FOUND, _("Tidak ditemukan."))


def access_export(user: AnyUser, tenant: Tenant, export_id: int | str) -> Export:
    """An export this user asked for at this tenant; the same "not found" for another's, another
    tenant's and a missing one (an export may hold identities: only its requester reads it)."""
    found = str(export_id)
    export = (
        Export.objects.select_related("tenant")
        .filter(pk=int(found), tenant=tenant, requested_by_id=user.pk)
        .first()
        if found.isdigit() and user.is_authenticated
        else None
    )
    if export is None:
        raise ComplaintNotFoundError(
            ComplaintErrorCode.NOT_FOUND, str(_("Ekspor tidak ditemukan."))
        )
    return export


def access_sent_report(tenant: Tenant, report_id: int | str) -> MonthlyReport:
    """A monthly report sent to this tenant's heads; "not found" for another tenant's and a
    missing one alike (the caller's role is the page's or the API's declaration)."""
    found = str(report_id)
    report = (
        MonthlyReport.objects.filter(pk=int(found), tenant=tenant).first()
        if found.isdigit()
        else None
    )
    if report is None:
        raise NotFoundError("statistics.not_found", str(_("Laporan tidak ditemukan.")))
    return report


def access_statistics_refresh(tenant: Tenant, refresh_id: int | str) -> StatisticsRefresh:
    """A re-publication asked for at this tenant (its progress); "not found" otherwise."""
    found = str(refresh_id)
    refresh = (
        StatisticsRefresh.objects.filter(pk=int(found), tenant=tenant).first()
        if found.isdigit()
        else None
    )
    if refresh is None:
        raise NotFoundError("statistics.not_found", str(_("Tidak ditemukan.")))
    return refresh
