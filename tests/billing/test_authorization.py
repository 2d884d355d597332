"""The authorization matrix of billing's endpoints (tests/authorization.py): the operator's
pages and API on the platform's host, an account's on its tenant's host, Midtrans' webhook."""

from __future__ import annotations

import pytest

from tests.authorization import ENDPOINTS, check_app
from tests.client import TenantClient
from tests.factories import TenantFactory

# The matrix walks every endpoint as every role: minutes, more on a loaded machine.
pytestmark = pytest.mark.timeout(1200)


@pytest.mark.django_db
def test_every_billing_endpoint_enforces_its_declared_access(
    request: pytest.FixtureRequest, tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    checked = check_app("billing", request, tenant_factory, tenant_client)
    assert {e.label for e in checked} == {
        e.label for e in ENDPOINTS if e.callback_module.split(".")[0] == "billing"
    }
    assert len(checked) >= 19
