"""The authorization matrix of routing's endpoints: every view whose module is in `routing`
(tests/authorization.py). The no-wrong-door endpoints (directory, triage, forwarding, tracking)
land here by themselves once their views move from tenants/ to the routing app; until then
this finds none and checks none."""

from __future__ import annotations

import pytest

from tests.authorization import ENDPOINTS, check_app
from tests.client import TenantClient
from tests.factories import TenantFactory

# The matrix walks every endpoint as every role: minutes, more on a loaded machine.
pytestmark = pytest.mark.timeout(1200)


@pytest.mark.django_db
def test_every_routing_endpoint_enforces_its_declared_access(
    request: pytest.FixtureRequest, tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    checked = check_app("routing", request, tenant_factory, tenant_client)
    # Nothing unexpected: exactly the routed views of the routing package, and no other app's
    assert {e.label for e in checked} == {
        e.label for e in ENDPOINTS if e.callback_module.split(".")[0] == "routing"
    }
