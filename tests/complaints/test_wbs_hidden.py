"""No one but a WBS officer sees a WBS report: every URL pattern of the tenant's host that
names a complaint (its id, its attachment, its tracking code) answers 404 for the WBS report
to every other role, and no page or API that lists complaints shows its number or subject.
The URL patterns are enumerated (tests/authorization.py), so a new endpoint is walked too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from aduan.db import tenant_db
from complaints.actions import wbs as wbs_actions
from tenants.models import Role
from tests.authorization import (
    ENDPOINTS,
    SAMPLES,
    URL_SAMPLES,
    Endpoint,
    World,
    _holder,
    make_world,
)
from tests.client import TenantClient
from tests.complaints.files import photo
from tests.factories import TenantFactory, sign_in

pytestmark = pytest.mark.django_db

# Everyone who may sign in to the tenant's host but the WBS officer.
NON_WBS_ROLES = [role for role in Role if role != Role.WBS_OFFICER]
SUBJECT = "Kepala seksi menerima suap pengadaan"


def _wbs_url(endpoint: Endpoint, world: World, values: dict[str, str]) -> str | None:
    kwargs = {}
    for kwarg in endpoint.kwargs:
        if kwarg in values:
            kwargs[kwarg] = values[kwarg]
            continue
        maker = URL_SAMPLES.get(endpoint.name or "", {}).get(kwarg) or SAMPLES.get(kwarg)
        if maker is None:
            return None
        kwargs[kwarg] = maker(world)
    tenant_db.set_schema_to_public()
    assert endpoint.name is not None
    return reverse(endpoint.name, urlconf=endpoint.urlconf, kwargs=kwargs)


def test_every_url_hides_a_wbs_report_from_every_other_role(
    tenant_factory: TenantFactory, tenant_client: TenantClient, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hundreds of requests from one address: the limiter is not under test here.
    settings.ADUAN_RATE_LIMITS = dict.fromkeys(settings.ADUAN_RATE_LIMITS, "100000/hour")
    # Given a tenant with a WBS report (a file attached) and people of every other role
    world = make_world(tenant_factory, tenant_client)
    with schema_context(world.tenant.schema_name):
        filed = wbs_actions.do_file_wbs_report(
            tenant=world.tenant, anonymous=True, subject=SUBJECT,
            description="Rincian pelanggaran.", attachments=[photo()],
        )  # fmt: skip
        report = filed.complaint
        attachment = report.attachments.get()
    values = {
        "complaint_id": str(report.pk),
        "attachment_id": str(attachment.pk),
        "code": report.tracking_code,
    }
    tenant_db.set_schema_to_public()
    naming = [
        e for e in ENDPOINTS
        if e.urlconf == "aduan.urls_tenants" and set(e.kwargs) & set(values)
    ]  # fmt: skip
    listing = [
        e for e in ENDPOINTS
        if e.urlconf == "aduan.urls_tenants" and not e.kwargs and "GET" in e.methods
    ]  # fmt: skip
    assert any("complaint_id" in e.kwargs for e in naming) and len(naming) > 10
    leaks: list[str] = []
    for role in NON_WBS_ROLES:
        client = TenantClient()
        sign_in(client, _holder(world, role))
        # When they ask for the report by every URL that names a complaint
        for endpoint in naming:
            url = _wbs_url(endpoint, world, values)
            if url is None:
                continue
            # (every method: a POST-only page answers a GET with 405, which tells nothing)
            answers = {}
            for method in endpoint.methods:
                response = client.generic(
                    method, url, data="{}", content_type="application/json", tenant=world.tenant
                )
                tenant_db.set_schema_to_public()
                answers[method] = response.status_code
            # Then it does not exist for them
            if set(answers.values()) - {404, 405} or 404 not in answers.values():
                leaks.append(f"{role} {endpoint.label}: {answers}")
        # And no list shows it
        for endpoint in listing:
            response = client.get("/" + endpoint.route, tenant=world.tenant)
            tenant_db.set_schema_to_public()
            body = response.content.decode(errors="replace")
            if SUBJECT in body or report.number in body:
                leaks.append(f"{role} GET {endpoint.label}: lists the WBS report")
    assert not leaks, json.dumps(leaks, indent=1)
    # While a WBS officer reaches it
    officer = TenantClient()
    sign_in(officer, _holder(world, Role.WBS_OFFICER))
    assert officer.get(f"/api/v1/complaints/{report.pk}/", tenant=world.tenant).status_code == 200
