"""A Django test client that reaches a tenant by subdomain or by path prefix, and holds every
API response to the published OpenAPI schema.

Like Zulip's test client (which validates against its openapi.yaml), every response to a path
under `api/` is checked against the schema drf-spectacular generates for the URLconf that served
it (a tenant's or the platform's): the path and method must be documented, the status code must
be documented for that operation, and the body must match the documented schema for that status
and content type. A mismatch fails the test: the schema (or the view) is wrong. Pages and other
non-API paths are not validated. Build the schemas once per session (they are cached here).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from django.conf import settings
from django.http import HttpResponse, HttpResponseBase
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from openapi_schema_validator import OAS31Validator, oas31_format_checker

from tenants.models import Tenant

Via = Literal["path", "host"]

# The schema document itself: it is the contract, not an operation in it.
SCHEMA_PATH = "/api/schema/"


class SchemaMismatchError(AssertionError):
    """An API response that the published OpenAPI schema does not describe."""


@dataclass(frozen=True)
class _Operation:
    path: str
    method: str
    responses: dict[str, Any]
    request_body: dict[str, Any] | None


class OpenApiContract:
    """One URLconf's generated schema, with lookups and validators built once."""

    def __init__(self, urlconf: str) -> None:
        self.urlconf = urlconf
        generator = SchemaGenerator(urlconf=urlconf)  # type: ignore[no-untyped-call]
        self.document: dict[str, Any] = generator.get_schema(  # type: ignore[no-untyped-call]
            request=None, public=True
        )
        self._paths = [
            (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"), path)
            for path in self.document["paths"]
        ]
        self._validators: dict[str, OAS31Validator] = {}

    def path_of(self, path_info: str) -> str | None:
        """The documented path template that a concrete path matches."""
        matches = [template for pattern, template in self._paths if pattern.match(path_info)]
        # A literal segment beats a parameter: /complaints/desk/ over /complaints/{id}/.
        return min(matches, key=lambda t: t.count("{"), default=None)

    def operation(self, path: str, method: str) -> _Operation | None:
        item = self.document["paths"].get(path, {})
        found = item.get(method.lower())
        if found is None and method.upper() == "HEAD":
            found = item.get("get")
        if found is None:
            return None
        return _Operation(path, method.upper(), found["responses"], found.get("requestBody"))

    def validator(self, schema: dict[str, Any]) -> OAS31Validator:
        key = json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            # `$ref`s point into the document's components: give the schema the document's root.
            rooted = {**schema, "components": self.document.get("components", {})}
            self._validators[key] = OAS31Validator(rooted, format_checker=oas31_format_checker)
        return self._validators[key]


@cache
def contract(urlconf: str) -> OpenApiContract:
    """Built once per test session and URLconf (generating a schema takes a moment)."""
    return OpenApiContract(urlconf)


def _media_type(response: HttpResponseBase) -> str:
    return str(response.get("Content-Type", "")).split(";")[0].strip()


def _documented_response(operation: _Operation, status: int) -> dict[str, Any] | None:
    responses = operation.responses
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in responses:
            found: dict[str, Any] = responses[key]
            return found
    return None


def validate_api_response(response: HttpResponseBase) -> None:
    """Fail unless the schema of the URLconf that served `response` documents it exactly."""
    request = response.wsgi_request  # type: ignore[attr-defined]  # set by the test client
    path_info: str = request.path_info
    urlconf: str | None = getattr(request, "urlconf", None)
    if not path_info.startswith("/api/") or path_info == SCHEMA_PATH:
        return  # not an API path: pages, webhooks, Open311 have their own formats
    if urlconf is None:
        # Refused before any URLconf was chosen: no tenant answered (an unknown subdomain or
        # prefix: the platform's 404), a NUL byte in the input (400, aduan.guards) or the
        # database is down (503, aduan.unavailable). Whatever is JSON is the one error shape.
        where = f"{request.method} {path_info}: no URLconf"
        assert response.status_code in {400, 404, 503}, f"{where}, {response.status_code}"
        if response.get("Content-Type", "").startswith("application/json"):
            body = json.loads(response.content)  # type: ignore[attr-defined]
            assert set(body) == {"code", "message", "extra"}, f"{where}: {body}"
        return
    api = contract(urlconf)
    where = f"{request.method} {path_info} ({urlconf}) answered {response.status_code}"
    template = api.path_of(path_info)
    if template is None:
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return  # no such endpoint: Django's 404, nothing to document
        raise SchemaMismatchError(f"{where}: the path is not in the OpenAPI schema")
    operation = api.operation(template, request.method)
    if operation is None:
        # A method the endpoint does not have: refused (405, or earlier by the access checks
        # or the read-only middleware), in the one error shape.
        if 400 <= response.status_code < 500:
            _validate_body(api, where, response, _error_body_schema(api))
            return
        raise SchemaMismatchError(f"{where}: {request.method} {template} is not documented")
    documented = _documented_response(operation, response.status_code)
    if documented is None:
        raise SchemaMismatchError(
            f"{where}: status not documented (documented: {sorted(operation.responses)});"
            f" body: {_excerpt(response)}"
        )
    content: dict[str, Any] = documented.get("content", {})
    if not content:
        if _body(response) != b"":
            raise SchemaMismatchError(f"{where}: documented without a body, but it has one")
        return
    media_type = _media_type(response)
    if media_type not in content:
        raise SchemaMismatchError(
            f"{where}: content type {media_type!r} not documented ({sorted(content)})"
        )
    if media_type == "application/json" or media_type.endswith("+json"):
        _validate_body(api, where, response, content[media_type].get("schema", {}))


def _body(response: HttpResponseBase) -> bytes | None:
    """The body, or None for a streamed one (a file: reading it would consume it)."""
    if isinstance(response, HttpResponse):
        return response.content
    return None


def _excerpt(response: HttpResponseBase) -> str:
    body = _body(response)
    return "(streamed)" if body is None else repr(body[:300])


def _error_body_schema(api: OpenApiContract) -> dict[str, Any]:
    assert "Error" in api.document["components"]["schemas"], "the schema has no Error component"
    return {"$ref": "#/components/schemas/Error"}


def _validate_body(
    api: OpenApiContract, where: str, response: HttpResponseBase, schema: dict[str, Any]
) -> None:
    try:
        body = json.loads(_body(response) or b"")
    except ValueError as bad:
        raise SchemaMismatchError(f"{where}: the body is not JSON: {bad}") from None
    mismatch = next(iter(api.validator(schema).iter_errors(body)), None)
    if mismatch is not None:
        at = "/".join(str(p) for p in mismatch.absolute_path) or "(the body)"
        raise SchemaMismatchError(
            f"{where}: the body does not match the schema at {at}: {mismatch.message}"
        )


class TenantClient(Client):
    def _route(self, path: str, tenant: Tenant | None, via: Via, extra: dict[str, Any]) -> str:
        if tenant is None:
            extra.setdefault("HTTP_HOST", settings.BASE_DOMAIN)
            return path
        if via == "host":
            extra.setdefault("HTTP_HOST", f"{tenant.slug}.{settings.BASE_DOMAIN}")
            return path
        extra.setdefault("HTTP_HOST", settings.BASE_DOMAIN)
        return f"/{settings.TENANT_PATH_PREFIX}/{tenant.slug}{path}"

    def generic(  # type: ignore[override]
        self,
        method: str,
        path: str,
        *args: Any,
        tenant: Tenant | None = None,
        via: Via = "path",
        **extra: Any,
    ) -> Any:
        """Every verb (get, post, patch, ...) ends here, with `tenant=` and `via=` in extra.
        An API response is validated against the OpenAPI schema before it is returned."""
        response = super().generic(method, self._route(path, tenant, via, extra), *args, **extra)
        validate_api_response(response)
        return response
