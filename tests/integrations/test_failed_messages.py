"""The failed-messages page and API: the operator sees all, a tenant admin its own."""

from __future__ import annotations

import pytest

from integrations import inbound
from integrations.models import InboundMessage, InboundStatus
from tenants.actions.onboarding import do_ensure_public_tenant
from tenants.models import Role, Tenant
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, sign_in


def failed_message(tenant: Tenant | None, external_id: str) -> InboundMessage:
    """A stored message whose processing failed, through the real path (a test channel whose
    handler raises)."""
    inbound.register_handler("test-broken", broken)
    message, _created = inbound.do_receive_message(
        channel="test-broken", external_id=external_id, payload={"text": "?"}, tenant=tenant
    )
    processed = inbound.process_message(message.pk)
    assert processed is not None
    assert processed.status == InboundStatus.FAILED
    return processed


def broken(message: InboundMessage) -> dict[str, str]:
    raise ValueError(f"cannot read {message.external_id}")


@pytest.fixture
def two_tenants(tenant_factory: TenantFactory) -> tuple[Tenant, Tenant]:
    return tenant_factory(), tenant_factory()


def test_the_tenant_admin_sees_only_its_own_failed_messages_and_retries_one(
    two_tenants: tuple[Tenant, Tenant], tenant_client: TenantClient
) -> None:
    # Given a failed message for each of two tenants and one unrouted
    mine, other = two_tenants
    own = failed_message(mine, "own-1")
    failed_message(other, "other-1")
    failed_message(None, "unrouted-1")
    sign_in(tenant_client, make_member(mine, Role.TENANT_ADMIN))
    # When the admin opens the list (API and page)
    listed = tenant_client.get("/api/v1/integrations/failed/", tenant=mine).json()
    page = tenant_client.get("/integrations/failed/", tenant=mine).content.decode()
    # Then only their tenant's message is there, with its error
    assert [(m["external_id"], m["last_error"]) for m in listed] == [
        ("own-1", "ValueError: cannot read own-1")
    ]
    assert "ValueError: cannot read own-1" in page
    assert "other-1" not in page
    # When they retry another tenant's message: not found, nothing changed
    foreign = InboundMessage.objects.get(external_id="other-1")
    response = tenant_client.post(f"/api/v1/integrations/failed/{foreign.pk}/retry/", tenant=mine)
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == InboundStatus.FAILED
    # When they retry their own (page), it is scheduled again
    response = tenant_client.post(f"/integrations/failed/{own.pk}/retry/", tenant=mine)
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == InboundStatus.PENDING
    assert own.last_error == "ValueError: cannot read own-1"


def test_the_operator_sees_every_failed_message_and_retries_by_api(
    two_tenants: tuple[Tenant, Tenant], tenant_client: TenantClient
) -> None:
    # Given failed messages of two tenants and one unrouted, and the platform operator
    mine, other = two_tenants
    failed_message(mine, "a")
    failed_message(other, "b")
    unrouted = failed_message(None, "c")
    sign_in(tenant_client, make_member(do_ensure_public_tenant(), Role.PLATFORM_OPERATOR))
    # When the operator lists them on the platform host
    listed = tenant_client.get("/api/v1/integrations/failed/").json()
    # Then all three are there, with their tenants
    assert sorted((m["external_id"], m["tenant"]) for m in listed) == [
        ("a", mine.slug),
        ("b", other.slug),
        ("c", None),
    ]
    # When the operator retries the unrouted one
    response = tenant_client.post(f"/api/v1/integrations/failed/{unrouted.pk}/retry/")
    # Then it is pending again; a second retry is refused (it is not failed now)
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    again = tenant_client.post(f"/api/v1/integrations/failed/{unrouted.pk}/retry/")
    assert again.status_code == 404
