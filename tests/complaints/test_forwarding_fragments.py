"""A move writes other apps' tables through SQL fragments their owners expose, composed into
the move's own statements (complaints.forwarding): still one round trip per side."""

from __future__ import annotations

import inspect

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from psycopg import sql

from complaints import forwarding
from complaints.actions.forward import do_forward_complaint
from complaints.models import Complaint, ForwardStub
from integrations.models import NotificationKind, OutboxMessage, OutboxStatus
from integrations.notify import unsent_follow_sql
from routing.models import Hop
from tenants.models import TenantKind
from tenants.permissions import (
    grant_object_permission,
    grants_dropped_sql,
    has_object_permission,
)
from tests.factories import TenantFactory, file_complaint, make_member

pytestmark = pytest.mark.django_db


def _run(statement: sql.Composable) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(cursor.connection))
        return list(cursor.fetchall()) if cursor.description else []


def test_a_move_writes_each_owners_rows_in_one_statement_per_side(
    tenant_factory: TenantFactory,
) -> None:
    # Given a complaint at a village, with a reason holding what a placeholder parser or a
    # quoting slip would choke on
    village = tenant_factory(slug="desa-babakan")
    tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="pupr-cilacap")
    officer = make_member(village, "officer")
    filed = file_complaint(village, email="siti@example.test")
    reason = "Jalan 100% rusak; 'darurat' \\ %s %(x)s"
    # When it is forwarded
    with CaptureQueriesContext(connection) as captured:
        moved = do_forward_complaint(
            tenant=village, complaint_id=filed.pk, to="pupr-cilacap", reason=reason, actor=officer
        )
    statements = [q["sql"] for q in captured.captured_queries]
    # Then the origin's side (stub, rows, guardian grants) is one statement
    origin = [s for s in statements if "guardian_userobjectpermission" in s]
    assert len(origin) == 1
    assert "complaints_forwardstub" in origin[0]
    # and the public side (journey, tracking index, deadline index, citizen outbox) is one
    public = [s for s in statements if 'INSERT INTO "public"."tenants_hop"' in s]
    assert len(public) == 1
    assert 'UPDATE "public"."integrations_outboxmessage"' in public[0]
    assert 'UPDATE "public"."aduan_deadline"' in public[0]
    # and the text arrived whole, on both sides
    with schema_context(village.schema_name):
        assert ForwardStub.objects.get().reason == reason
    assert Hop.objects.get(tracking_code=filed.tracking_code).reason == reason
    # and the receipt still pending went over to the receiver
    assert list(
        OutboxMessage.objects.filter(tracking_code=filed.tracking_code).values_list(
            "kind", "tenant_id"
        )
    ) == [(NotificationKind.RECEIPT, moved.hop.to_tenant_id)]


def test_the_move_names_no_table_of_another_app() -> None:
    # Deadlines, the citizen outbox and the guardian grants are written through their
    # owners' fragments only.
    source = inspect.getsource(forwarding)
    for name in ("aduan_deadline", "guardian_", "OutboxMessage", "OutboxStatus", "Deadline"):
        assert name not in source, name
    assert "integrations.models" not in source


def test_the_grants_fragment_drops_one_objects_grants_only(tenant_factory: TenantFactory) -> None:
    # Given two complaints, each granted to the same officer
    village = tenant_factory()
    officer = make_member(village, "officer")
    first, second = file_complaint(village), file_complaint(village)
    with schema_context(village.schema_name):
        for complaint in (first, second):
            grant_object_permission(officer, "complaints.view_complaint", complaint)
        # When the fragment for the first one runs
        _run(grants_dropped_sql(schema=village.schema_name, model=Complaint, object_pk=first.pk))
        # Then only the first one's grant is gone
        assert not has_object_permission(officer, "complaints.view_complaint", first)
        assert has_object_permission(officer, "complaints.view_complaint", second)


def test_the_outbox_fragment_moves_only_what_is_unsent(tenant_factory: TenantFactory) -> None:
    # Given a complaint whose receipt is pending and a status message already sent
    village = tenant_factory()
    other = tenant_factory()
    filed = file_complaint(village, email="siti@example.test")
    sent = OutboxMessage.objects.create(
        key="sent-status",
        tenant=village,
        channel="email",
        kind=NotificationKind.STATUS,
        recipient="siti@example.test",
        body="Diproses",
        tracking_code=filed.tracking_code,
        status=OutboxStatus.SENT,
    )
    receipt = OutboxMessage.objects.get(kind=NotificationKind.RECEIPT)
    # When the fragment runs inside a statement that reads what it returned
    moved = _run(
        sql.SQL("WITH outbox AS ({}) SELECT id, receipt FROM outbox").format(
            unsent_follow_sql(
                tracking_code=filed.tracking_code, origin_id=village.pk, target_id=other.pk
            )
        )
    )
    # Then the receipt moved (and says it is one), the sent message stayed
    assert moved == [(receipt.pk, True)]
    assert OutboxMessage.objects.get(pk=receipt.pk).tenant_id == other.pk
    assert OutboxMessage.objects.get(pk=sent.pk).tenant_id == village.pk
