"""The authorization matrix of the platform's own endpoints (aduan: home, tenant profile,
schema, health, language switch), and the checks on the matrix engine itself
(tests/authorization.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django_tenants.utils import schema_context
from rest_framework.views import APIView

from complaints.models import Complaint
from tenants.access import declared_access
from tests.authorization import APPS, ENDPOINTS, Fingerprint, app_of, check_app
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint

# The matrix walks every endpoint as every role: minutes, more on a loaded machine.
pytestmark = pytest.mark.timeout(1200)

TESTS = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_every_aduan_endpoint_enforces_its_declared_access(
    request: pytest.FixtureRequest, tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    checked = check_app("aduan", request, tenant_factory, tenant_client)
    assert {e.label for e in checked} >= {"tenant:/", "public:/"}


def test_every_app_with_endpoints_has_its_matrix() -> None:
    # Given the apps of the routed endpoints
    apps = {e.app for e in ENDPOINTS}
    # Then each is an app the engine knows, with its own matrix module that runs check_app
    assert apps <= APPS
    for app in sorted(apps | {"routing"}):
        matrix = TESTS / app / "test_authorization.py"
        assert matrix.is_file(), f"{app} has endpoints but no {matrix.relative_to(TESTS)}"
        assert f'check_app("{app}", ' in matrix.read_text(), matrix


def test_an_endpoint_is_checked_by_the_app_of_its_view_module() -> None:
    # Given views of several packages, including one of Django itself
    def page(request: Any) -> None:
        return None

    class Api(APIView):
        pass

    cases = {"routing.views": "routing", "complaints.api.intake": "complaints", "django.x": "aduan"}
    for module, app in cases.items():
        page.__module__ = module
        Api.__module__ = module
        # When their app is read, then it is the top-level package (a library's: the platform)
        assert app_of(page) == app
        assert app_of(Api.as_view()) == app


def test_the_matrix_enumerates_the_routed_endpoints() -> None:
    # Given the URLconfs, when they are walked
    labels = {e.label for e in ENDPOINTS}
    # Then the base endpoints of both hosts are there, with their methods
    assert {
        "tenant:/",
        "tenant:/console/",
        "tenant:/api/v1/tenant/",
        "public:/",
        "public:/api/v1/tenants/",
        "public:/accounts/login/",
    } <= labels
    console = next(e for e in ENDPOINTS if e.label == "tenant:/console/")
    assert console.methods == ("GET", "POST")
    profile = next(e for e in ENDPOINTS if e.label == "tenant:/api/v1/tenant/")
    assert profile.is_api
    assert profile.methods == ("GET",)
    assert profile.openapi_path == "/api/v1/tenant/"
    assert next(e for e in ENDPOINTS if e.name == "api-team").openapi_path == (
        "/api/v1/teams/{team_id}/"
    )


def test_a_view_without_a_declaration_is_reported() -> None:
    # Given a plain view and an API view relying on the defaults
    def plain(request: Any) -> None:
        return None

    class Plain(APIView):
        pass

    # When their declarations are read, then there are none: the matrix test fails on them
    assert declared_access(plain) is None
    assert declared_access(Plain.as_view()) is None


@pytest.mark.django_db
def test_the_matrix_sees_any_write_even_one_undone_or_changing_nothing(
    tenant_factory: TenantFactory,
) -> None:
    # Given a tenant with a complaint and the matrix's record of writes
    tenant = tenant_factory()
    filed = file_complaint(tenant)
    fingerprint = Fingerprint(["public", tenant.schema_name])
    before = fingerprint()
    # When its rows are only read, then nothing was written
    with schema_context(tenant.schema_name):
        assert Complaint.objects.filter(pk=filed.pk).exists()
    assert fingerprint() == before
    # When a row is saved as it was, then that is a write
    with schema_context(tenant.schema_name):
        Complaint.objects.filter(pk=filed.pk).update(subject=filed.subject)
    after_update = fingerprint()
    assert after_update != before
    # When a write is rolled back to a savepoint, then it was seen all the same
    try:
        with transaction.atomic(), schema_context(tenant.schema_name):
            Complaint.objects.filter(pk=filed.pk).update(subject="Diubah")
            raise RuntimeError("undo")
    except RuntimeError:
        pass
    assert fingerprint() != after_update
