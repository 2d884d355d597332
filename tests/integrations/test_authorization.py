"""The authorization matrix of integrations' endpoints: every view whose module is in `integrations`
(tests/authorization.py: anonymous, another tenant's user, this tenant without the role, each
role, with the OpenAPI example body for API writes)."""

from __future__ import annotations

import pytest

from tests.authorization import check_app
from tests.client import TenantClient
from tests.factories import TenantFactory

# The matrix walks every endpoint as every role: minutes, more on a loaded machine.
pytestmark = pytest.mark.timeout(1200)


@pytest.mark.django_db
def test_every_integrations_endpoint_enforces_its_declared_access(
    request: pytest.FixtureRequest, tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    checked = check_app("integrations", request, tenant_factory, tenant_client)
    assert checked, "no endpoint of integrations was found in the URLconfs"
    assert {e.app for e in checked} == {"integrations"}
