"""The published OpenAPI schema, and the test client that holds every API response to it."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.api import TenantProfileApi, forget_schemas
from aduan.openapi_examples import REQUEST_EXAMPLES
from tenants.models import Tenant
from tests.client import (
    OpenApiContract,
    SchemaMismatchError,
    TenantClient,
    contract,
    validate_api_response,
)
from tests.factories import TenantFactory

URLCONFS = ("aduan.urls_tenants", "aduan.urls_public")


@pytest.mark.parametrize("urlconf", URLCONFS)
def test_the_schema_is_valid_openapi_and_generates_without_warnings(urlconf: str) -> None:
    # Given a clean slate of drf-spectacular's warnings (it reports each one once per process)
    GENERATOR_STATS.reset()
    # When the schema is generated
    with GENERATOR_STATS.silence():
        generator = SchemaGenerator(urlconf=urlconf)  # type: ignore[no-untyped-call]
        document = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    # Then nothing was guessed or clashed (component names, enums, unresolvable fields)
    assert not GENERATOR_STATS._warn_cache, sorted(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, sorted(GENERATOR_STATS._error_cache)
    # and the document is valid OpenAPI 3.1, documenting the one error shape
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert set(document["components"]["schemas"]["Error"]["required"]) == {
        "code",
        "message",
        "extra",
    }


def test_the_client_validates_against_the_schema_the_platform_serves(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a tenant
    tenant = tenant_factory()
    accept = "application/vnd.oai.openapi+json"
    # When each host's schema is fetched, then it is the one the client validates against
    served = tenant_client.get("/api/schema/", tenant=tenant, HTTP_ACCEPT=accept).json()
    assert served == contract("aduan.urls_tenants").document
    served = tenant_client.get("/api/schema/", HTTP_ACCEPT=accept).json()
    assert served == contract("aduan.urls_public").document


def test_the_served_schema_is_generated_once_a_process_for_each_language(
    tenant_factory: TenantFactory, tenant_client: TenantClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given two tenants, a process that has generated no schema, and generation counted
    first, second = tenant_factory(), tenant_factory()
    forget_schemas()
    generated: list[str] = []
    real = SchemaGenerator.get_schema

    def counted(self: SchemaGenerator, *args: Any, **kwargs: Any) -> Any:
        generated.append(str(self.urlconf))
        return real(self, *args, **kwargs)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)

    def fetch(tenant: Tenant, query: str = "") -> Any:
        response = tenant_client.get(
            f"/api/schema/{query}", tenant=tenant, HTTP_ACCEPT="application/vnd.oai.openapi+json"
        )
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith('.json"')
        return response.json()

    # When the first tenant's schema is fetched, then the second's, then the first's again
    served = [fetch(first), fetch(second), fetch(first)]
    # Then it was generated once, and each is the document the client validates against
    assert generated == ["aduan.urls_tenants"]
    assert all(document == contract("aduan.urls_tenants").document for document in served)
    # and English is generated once for itself, in English
    english = [fetch(first, "?lang=en"), fetch(second, "?lang=en")]
    assert generated == ["aduan.urls_tenants"] * 2
    assert english[0] == english[1] != served[0]
    # and a version the API does not define is generated each time, never kept
    fetch(first, "?version=x")
    fetch(first, "?version=x")
    assert len(generated) == 4


def test_the_client_fails_a_body_that_does_not_match_its_schema(
    tenant_factory: TenantFactory, tenant_client: TenantClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a tenant, the schema built, and its profile API answering without a required field
    tenant = tenant_factory()
    contract("aduan.urls_tenants")
    assert tenant_client.get("/api/v1/tenant/", tenant=tenant).status_code == 200

    def broken(self: TenantProfileApi, request: Request) -> Response:
        return Response({"slug": tenant.slug, "name": 7})

    monkeypatch.setattr(TenantProfileApi, "get", broken)
    # When the client asks, then it fails the response, naming the operation and the field
    with pytest.raises(SchemaMismatchError, match=r"GET /api/v1/tenant/ .*answered 200.*name"):
        tenant_client.get("/api/v1/tenant/", tenant=tenant)


def test_the_client_fails_a_status_the_operation_does_not_document(
    tenant_factory: TenantFactory, tenant_client: TenantClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the tenant profile API answering a status its schema does not list
    tenant = tenant_factory()
    contract("aduan.urls_tenants")

    def teapot(self: TenantProfileApi, request: Request) -> Response:
        return Response({"code": "teapot", "message": "", "extra": {}}, status=418)

    monkeypatch.setattr(TenantProfileApi, "get", teapot)
    # When the client asks, then it fails the response
    with pytest.raises(SchemaMismatchError, match="status not documented"):
        tenant_client.get("/api/v1/tenant/", tenant=tenant, via="host")


def test_an_error_answer_is_held_to_the_one_error_shape(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a real error answer (an unknown complaint, anonymous: not signed in)
    tenant = tenant_factory()
    response = tenant_client.get("/api/v1/complaints/999/", tenant=tenant)
    assert response.status_code == 403
    # When its body loses a field of the error shape, then the client fails it
    response.content = b'{"code": "not_authenticated", "message": "x"}'
    with pytest.raises(SchemaMismatchError, match="'extra' is a required property"):
        validate_api_response(response)


def test_pages_are_not_validated(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a page (not under api/), when it is fetched, then the client lets its HTML through
    tenant = tenant_factory()
    assert tenant_client.get("/lacak/", tenant=tenant).status_code == 200


def test_a_literal_path_is_preferred_over_a_parameter() -> None:
    # Given the tenant schema, with /complaints/desk/ beside /complaints/{complaint_id}/
    api: OpenApiContract = contract("aduan.urls_tenants")
    # When concrete paths are looked up, then each finds its own template
    assert api.path_of("/api/v1/complaints/desk/") == "/api/v1/complaints/desk/"
    assert api.path_of("/api/v1/complaints/12/") == "/api/v1/complaints/{complaint_id}/"
    assert api.path_of("/api/v1/nothing-here/") is None


@pytest.mark.parametrize("urlconf", URLCONFS)
def test_every_api_write_has_a_request_example_that_matches_its_schema(urlconf: str) -> None:
    # Given the published schema
    api = contract(urlconf)
    # When each operation with a request body is read
    for path, item in api.document["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody")
            if body is None or not path.startswith("/api/"):
                continue
            examples = [
                (media_type, example["value"])
                for media_type, content in body["content"].items()
                for example in content.get("examples", {}).values()
            ]
            # Then it has an example (aduan.openapi_examples), valid against its schema
            where = f"{method.upper()} {path} ({operation['operationId']})"
            assert examples, f"{where}: no example in aduan/openapi_examples.py"
            for media_type, value in examples:
                schema = body["content"][media_type]["schema"]
                errors = [e.message for e in api.validator(schema).iter_errors(value)]
                assert not errors, (where, errors)


def test_every_example_belongs_to_an_operation() -> None:
    # Given the operations of both hosts, then every example names one (none left stale)
    operations = {
        operation["operationId"]
        for urlconf in URLCONFS
        for item in contract(urlconf).document["paths"].values()
        for operation in item.values()
    }
    assert set(REQUEST_EXAMPLES) <= operations, set(REQUEST_EXAMPLES) - operations
