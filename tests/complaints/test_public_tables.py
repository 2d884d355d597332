"""The complaint side's public tables (complaints.public): owned by a SHARED app, kept in the
public schema only, and moved there from the platform package without rebuilding a table."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import get_public_schema_name

from complaints.public.models import Deadline, LocalHoliday, Notification
from tenants.models import Tenant
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db

PUBLIC_TABLES = {"aduan_deadline", "aduan_localholiday", "aduan_notification"}
# Tables, indexes, sequences and TOAST of one tenant schema; multiplied by the fleet, so a
# change is deliberate (and a table of complaints.public showing up here is a bug).
# 56 since issue 17: the register search's two GIN indexes (complaint_search_words, _trigrams);
# 59 with issue 16's canned answers (table, primary key, sequence); 62 with issue 19's access
# log (the same three), back to 59 by dropping three indexes no query needs: the forward stub's
# two LIKE indexes (unique constraints instead of unique=True) and team members' team index
# (team_member_once leads with the team). The cap is 60.
# Still 59 with issue 17's fast search: its two indexes replaced by one GIN over the stored
# search vector (complaint_search), plus the vocabulary for typos (complaints_searchword, its
# primary key and trigram index), less the LIKE indexes of the complaint's number and tracking
# code (unique constraints instead of unique=True). 58 since issue 23 dropped the team name's
# LIKE index the same way (no query matches a team's name by pattern). 53 since issue 23 dropped
# guardian's group grant table from tenant schemas (with its key and sequence: Aduan grants to
# users only) and two user grant indexes that guardian's own indexes lead with. 44 since the
# complaint tables and django_migrations share one id sequence instead of ten (complaints
# migration 0020). 40 since one unique key serves a user's grants instead of guardian's key and
# its two indexes (guardian migration 0004), and neither a forward stub's number nor
# django_migrations' id keeps an index of its own (complaints migration 0021).
TENANT_SCHEMA_RELATIONS = 40


def _relations(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s",
            [schema],
        )
        return {name for (name,) in cursor.fetchall()}


def test_the_tables_belong_to_the_shared_complaints_public_app() -> None:
    config = apps.get_app_config("complaints_public")
    assert config.name == "complaints.public"
    assert "complaints.public.apps.ComplaintsPublicConfig" in settings.SHARED_APPS
    assert not any(app.startswith("complaints.public") for app in settings.TENANT_APPS)
    assert {m._meta.label for m in config.get_models()} == {
        "complaints_public.Deadline",
        "complaints_public.LocalHoliday",
        "complaints_public.MonthlyStatistic",  # the published statistics (issue 20)
        "complaints_public.Notification",
        # Issue 17: register exports and the duplicate finder's similarity keys.
        "complaints_public.Export",
        "complaints_public.SimilarityKey",
        # Whistleblowing (complaints.wbs): receipt-key hashes and the WBS record.
        "complaints_public.WbsReceipt",
        "complaints_public.WbsRecord",
        # The storage ledger billing meters files from (complaints.storage, issue 21).
        "complaints_public.StoredFileEvent",
        # Issue 20: the heads' monthly reports as sent, and re-publication progress.
        "complaints_public.MonthlyReport",
        "complaints_public.StatisticsRefresh",
    }
    # The table names they had under the platform package ("aduan"): nothing was renamed.
    assert {m._meta.db_table for m in (Deadline, LocalHoliday, Notification)} == PUBLIC_TABLES
    # The platform keeps only its own bookkeeping: heartbeats, rate counters, one-time codes,
    # the tenants' wrapped keys (aduan.envelope).
    assert {m._meta.model_name for m in apps.get_app_config("aduan").get_models()} == {
        "heartbeat",
        "ratecounter",
        "onetimecode",
        "tenantkey",
    }


def test_they_live_in_the_public_schema_and_in_no_tenant_schema(
    tenant_factory: TenantFactory,
) -> None:
    # Given a provisioned tenant
    tenant = tenant_factory()
    # Then the three tables are public ones
    assert _relations(get_public_schema_name()) >= PUBLIC_TABLES
    # And its schema holds none of them, nor any other relation of theirs
    relations = _relations(tenant.schema_name)
    assert not {r for r in relations if r.startswith("aduan_")}
    assert len(relations) == TENANT_SCHEMA_RELATIONS


@pytest.mark.parametrize(
    ("app_label", "migration"),
    [
        ("complaints_public", "0001_initial"),
        ("aduan", "0004_complaint_tables_to_complaints_public"),
    ],
)
def test_the_move_changes_no_table(app_label: str, migration: str) -> None:
    # The migrations that moved the models send no DDL: no table is rebuilt, no row moves.
    out = io.StringIO()
    call_command("sqlmigrate", app_label, migration, stdout=out)
    statements = [
        line
        for line in out.getvalue().splitlines()
        if line.strip() and not line.startswith("--") and line not in {"BEGIN;", "COMMIT;"}
    ]
    assert statements == []


def test_an_existing_database_keeps_its_rows_through_the_move() -> None:
    # Given the public schema as it was before the move (the two migrations undone), with a
    # row written through the platform package's model of that time
    tenant = Tenant.objects.get(schema_name=get_public_schema_name())
    executor = MigrationExecutor(connection)
    before = executor.migrate([("complaints_public", None)])
    old_holiday = before.apps.get_model("aduan", "LocalHoliday")
    written = old_holiday.objects.create(tenant_id=tenant.pk, date="2027-03-03", name="Hari Jadi")
    oid = _oid("aduan_localholiday")
    # When the move is applied to it
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    # Then the same table (not a rebuilt one) holds the same row, read by the new owner
    assert _oid("aduan_localholiday") == oid
    assert list(LocalHoliday.objects.filter(pk=written.pk).values_list("name", flat=True)) == [
        "Hari Jadi"
    ]
    # and the content type followed the model (its permissions with it)
    assert ContentType.objects.get_for_model(LocalHoliday).app_label == "complaints_public"
    assert not ContentType.objects.filter(app_label="aduan", model="localholiday").exists()


def _oid(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::regclass::oid", [f"public.{table}"])
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])
