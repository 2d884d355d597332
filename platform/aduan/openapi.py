"""The published OpenAPI schema: drf-spectacular's, plus the errors every API can answer.

Every API error is rendered in one shape by `aduan.api_errors` (`{"code", "message", "extra"}`),
but drf-spectacular documents only the success responses a view declares. `AutoSchema` adds the
error responses each operation can give, derived from the same facts that produce them, so the
schema tells a client what it will really get (the test client validates every API response
against it):

- 400 for a write (its input is validated; a domain error defaults to 400) and for an operation
  with query parameters;
- 403 for a restricted operation (not signed in: `not_authenticated`; two-factor pending:
  `auth.two_factor_required`) and for every write (a suspended tenant's staff are read-only:
  `tenants.ReadOnlyTenantMiddleware`);
- 404 for a restricted operation (a caller without the role is told "not found") and for one
  whose path names an object;
- 415 for an operation that reads a body (sent in a content type it does not parse);
- 429 for a throttled operation.

Any other error status an operation answers (409, 413, ...) is declared on the view with
`responses={409: ERROR_RESPONSE}`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from aduan.openapi_examples import REQUEST_EXAMPLES
from tenants.access import DeclaredAccess

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class Error(serializers.Serializer[Any]):
    """The one error shape of every API (aduan.api_errors)."""

    code = serializers.CharField(help_text="Stable, per domain: `invalid`, `not_found`, ...")
    message = serializers.CharField(help_text="For people, in the caller's language.")
    extra = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Details; for input errors `fields`: per field, its messages.",
    )


ERROR_RESPONSE = OpenApiResponse(Error, description="An error, in the one error shape.")


class AutoSchema(SpectacularAutoSchema):
    def get_examples(self) -> list[OpenApiExample]:
        """The operation's example request body (aduan.openapi_examples), in the media type
        it reads (JSON, else the first one: an upload's multipart form)."""
        examples: list[OpenApiExample] = super().get_examples()
        value = REQUEST_EXAMPLES.get(self.get_operation_id())
        if value is None or examples:
            return examples
        parsers = [p.media_type for p in self.view.get_parsers()]
        media_type = "application/json" if "application/json" in parsers else parsers[0]
        return [OpenApiExample("example", value=value, request_only=True, media_type=media_type)]

    def _get_request_body(self, direction: Any = "request") -> dict[str, Any] | None:
        """drf-spectacular documents no body for DELETE; a DELETE that declares one (a tenant's
        deletion takes its reason) reads it, so the schema says so."""
        body: dict[str, Any] | None
        if self.method != "DELETE" or self.get_request_serializer() is None:
            body = super()._get_request_body(direction)  # type: ignore[no-untyped-call]
            return body
        self.method = "POST"  # the parent builds a body only for PUT, PATCH and POST
        try:
            body = super()._get_request_body(direction)  # type: ignore[no-untyped-call]
        finally:
            self.method = "DELETE"
        return body

    def _get_serializer(self) -> Any:
        # Never guess a DELETE's body from the view: only a declared one counts.
        if self.method == "DELETE":
            return None
        return super()._get_serializer()  # type: ignore[no-untyped-call]

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for status, description in self._error_statuses():
            if status not in responses:
                responses[status] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    OpenApiResponse(Error, description=description), status, direction=direction
                )
        return responses

    def _error_statuses(self) -> list[tuple[str, str]]:
        restricted = self._is_restricted()
        is_write = self.method in WRITE_METHODS
        names_object = "{" in self.path
        statuses = []
        has_query = any(p.get("in") == "query" for p in self._get_parameters())
        if is_write or has_query:
            statuses.append(("400", "Invalid input, or a rule of the domain refused it."))
        if restricted or is_write:
            statuses.append(
                ("403", "Not signed in, two-factor step pending, or the tenant is read-only.")
            )
        if restricted or names_object:
            statuses.append(("404", "Not found, or not yours to see (the same answer)."))
        if self.method in BODY_METHODS:
            statuses.append(("415", "The body's content type is not one this operation reads."))
        if getattr(self.view, "throttle_classes", None):
            statuses.append(("429", "Too many requests from this caller: try again later."))
        return statuses

    def _is_restricted(self) -> bool:
        """Anything but a `Public` declaration (an undeclared view is refused to everyone)."""
        classes = getattr(self.view, "permission_classes", [])
        declared = [
            c.access for c in classes if isinstance(c, type) and issubclass(c, DeclaredAccess)
        ]
        return not (len(declared) == 1 and declared[0].is_public)
