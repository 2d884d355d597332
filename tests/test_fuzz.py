"""Property-based fuzz of the whole OpenAPI schema (schemathesis + Hypothesis): the front door
and a tenant, anonymous and as staff roles; the webhooks with well-signed malformed bodies.

The property: no 5xx, and every 4xx on an api/ path in the one error shape
{"code", "message", "extra"}. Bounded (ADUAN_FUZZ_EXAMPLES per operation and identity) and
marked slow; each case runs in a savepoint that is rolled back, so cases do not pile up data
or rate-limit counts and a failing statement cannot poison the next case.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok

from integrations.whatsapp import cloud
from tenants.models import Role, Tenant
from tests.factories import TenantFactory, file_complaint, make_member, sign_in
from tests.integrations.conftest import SMS_SECRET, WA_APP_SECRET

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("ADUAN_FUZZ_EXAMPLES", "6"))
ERROR_KEYS = {"code", "message", "extra"}
# Generous limits: the fuzz checks answers, not the limiter (tests/aduan/test_ratelimit.py).
LIMITS = {"intake": "100000/h", "lookup": "100000/h", "sign_in": "100000/h"}


@schemathesis.serializer("message/rfc822")
def _raw_mail(ctx: Any, value: Any) -> bytes:
    """The mail webhook takes raw bytes (the schema says binary)."""
    return value if isinstance(value, bytes) else str(value).encode()


def _fuzz_settings() -> Any:
    return hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def _problem(response: Any, path: str) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if 400 <= status < 500 and "/api/" in path:
        try:
            body = response.json()
        except (ValueError, TypeError):
            return f"{status} not JSON: {response.content[:120]!r}"
        if not isinstance(body, dict) or set(body) != ERROR_KEYS:
            return f"{status} not the error shape: {str(body)[:200]}"
    return None


def _body(case: Any) -> tuple[bytes | str, str]:
    media = case.media_type or "application/json"
    body = case.body
    if body is None or type(body).__name__ == "NotSet":
        return b"", media
    if "json" in media:
        return json.dumps(body), media
    if media == "application/x-www-form-urlencoded" and isinstance(body, dict):
        return urlencode(body, doseq=True), media
    if media.startswith("multipart/") and isinstance(body, dict):
        data: dict[str, Any] = {}
        for key, value in body.items():
            if isinstance(value, bytes):
                upload = io.BytesIO(value)
                upload.name = "upload.bin"
                data[key] = upload
            else:
                data[key] = value if isinstance(value, (str, list)) else json.dumps(value)
        return encode_multipart(BOUNDARY, data), MULTIPART_CONTENT
    if isinstance(body, bytes):
        return body, media
    return json.dumps(body), media


def _send(client: Client, prefix: str, case: Any) -> tuple[str, Any]:
    path = prefix + case.formatted_path
    query = urlencode(case.query or {}, doseq=True)
    data, content_type = _body(case)
    headers: dict[str, Any] = {
        f"HTTP_{k.upper().replace('-', '_')}": str(v)
        for k, v in (case.headers or {}).items()
        if k.lower() not in {"content-type", "content-length", "host"}
    }
    target = f"{path}?{query}" if query else path
    with transaction.atomic():
        response = client.generic(
            case.method.upper(),
            target,
            data=data,
            content_type=content_type,
            HTTP_HOST=settings.BASE_DOMAIN,
            **headers,
        )
        transaction.set_rollback(True)
    return target, response


def _fuzz_schema(client: Client, prefix: str, skip: Callable[[str], bool]) -> list[str]:
    raw = client.get(f"{prefix}/api/schema/?format=json", HTTP_HOST=settings.BASE_DOMAIN)
    assert raw.status_code == 200
    schema = schemathesis.openapi.from_dict(json.loads(raw.content))
    failures: dict[str, str] = {}  # the first failure of each operation

    sent: list[int] = []

    def check(case: Any) -> None:
        target, response = _send(client, prefix, case)
        sent.append(response.status_code)
        problem = _problem(response, target)
        if problem:
            failures.setdefault(case.operation.label, f"{case.method.upper()} {target}: {problem}")

    operations = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        if not skip(operation.path):
            operations += 1
            _fuzz_settings()(given(case=operation.as_strategy())(check))()
    # Not vacuous: every operation was called, most of them more than once.
    assert operations > 5 and len(sent) >= 2 * operations
    return list(failures.values())


def _skipped(path: str) -> bool:
    return "open311" in path  # the standard's own error format, tested in integrations


@pytest.fixture
def fuzz_limits(settings: Any) -> None:
    settings.ADUAN_RATE_LIMITS = {**settings.ADUAN_RATE_LIMITS, **LIMITS}
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False


def _client(*, user: Any = None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        sign_in(client, user)
    return client


def test_the_front_door_schema_gives_no_server_error(
    reference_data: Any, fuzz_limits: None, tenant_factory: TenantFactory
) -> None:
    tenant_factory()  # a tenant in the directory
    failures = _fuzz_schema(_client(), "", _skipped)
    assert failures == []


@pytest.mark.parametrize("role", [None, Role.TENANT_ADMIN, Role.OFFICER])
def test_a_tenant_schema_gives_no_server_error(
    tenant_factory: TenantFactory, fuzz_limits: None, role: Role | None
) -> None:
    tenant: Tenant = tenant_factory()
    file_complaint(tenant)
    user = make_member(tenant, role, username=f"fuzz-{role}") if role else None
    prefix = f"/{settings.TENANT_PATH_PREFIX}/{tenant.slug}"
    failures = _fuzz_schema(_client(user=user), prefix, _skipped)
    assert failures == []


# --- webhooks: authenticated, with bodies of any shape ---------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_whatsapp_keys = st.sampled_from(
    ["entry", "changes", "value", "metadata", "messages", "contacts", "from", "id", "text"]
)
_whatsapp = st.recursive(
    st.none() | st.integers() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_whatsapp_keys, inner, max_size=4),
    max_leaves=16,
)


def test_well_signed_malformed_webhook_bodies_give_no_server_error(
    reference_data: Any, fuzz_limits: None, settings: Any
) -> None:
    settings.ADUAN_WHATSAPP_APP_SECRET = WA_APP_SECRET
    settings.ADUAN_SMS_GATEWAY_SECRET = SMS_SECRET
    settings.ADUAN_EMAIL_INBOUND_SECRET = "mail-secret"
    client = _client()
    failures: list[str] = []

    def record(name: str, response: Any) -> None:
        problem = _problem(response, "/api/")
        if problem and len(failures) < 5:
            failures.append(f"{name}: {problem}")

    @_fuzz_settings().__class__(parent=_fuzz_settings(), max_examples=EXAMPLES * 10)
    @given(body=st.one_of(_whatsapp.map(lambda b: {"entry": b}), _json))
    def whatsapp(body: Any) -> None:
        raw = json.dumps(body).encode()
        with transaction.atomic():
            response = client.post(
                "/integrations/whatsapp/webhook/",
                raw,
                content_type="application/json",
                HTTP_X_HUB_SIGNATURE_256=cloud.sign(raw, WA_APP_SECRET),
                HTTP_HOST=settings.BASE_DOMAIN,
            )
            transaction.set_rollback(True)
        record(f"whatsapp {raw[:80]!r}", response)

    @_fuzz_settings().__class__(parent=_fuzz_settings(), max_examples=EXAMPLES * 10)
    @given(
        form=st.dictionaries(st.sampled_from(["from", "to", "text", "id"]), st.text(max_size=30))
    )
    def sms(form: dict[str, str]) -> None:
        with transaction.atomic():
            response = client.post(
                "/integrations/sms/inbound/",
                form,
                HTTP_X_GATEWAY_SECRET=SMS_SECRET,
                HTTP_HOST=settings.BASE_DOMAIN,
            )
            transaction.set_rollback(True)
        record(f"sms {form!r}", response)

    @_fuzz_settings().__class__(parent=_fuzz_settings(), max_examples=EXAMPLES * 5)
    @given(raw=st.binary(max_size=300))
    def email(raw: bytes) -> None:
        with transaction.atomic():
            response = client.post(
                "/integrations/email/inbound/",
                raw,
                content_type="message/rfc822",
                HTTP_X_MAIL_SECRET="mail-secret",
                HTTP_HOST=settings.BASE_DOMAIN,
            )
            transaction.set_rollback(True)
        record(f"email {raw[:40]!r}", response)

    whatsapp()
    sms()
    email()
    assert failures == []
