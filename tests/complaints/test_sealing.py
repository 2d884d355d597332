"""Personal data sealed at rest (issue 19): raw rows hold no plaintext, a forward's rows open at
the receiver only, blind-index search, key rotation."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from psycopg import sql

from aduan import envelope
from aduan.models import TenantKey
from complaints.actions.forward import do_forward_complaint
from complaints.actions.keys import do_rotate_tenant_key
from complaints.actions.replies import do_reply_to_complaint
from complaints.models import Complaint, ComplaintEvent
from complaints.selectors import Viewer, register
from tenants.models import Tenant, TenantKind
from tests.factories import TenantFactory, file_complaint, make_member

pytestmark = pytest.mark.django_db

SECRETS = ("Siti Aminah", "Aminah", "3456", "Desa Babakan", "siti@example.org", "3301010101900001")
WBS_SECRET = "Bendahara memotong honor"
REPLY_SECRET = "bukti transfer tanggal 3"


def raw_rows(schema: str, table: str) -> list[str]:
    """Every row of a table as PostgreSQL prints it: what a stolen dump would show."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT t::text FROM {}.{} t").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
        )
        return [str(r[0]) for r in cursor.fetchall()]


def test_raw_rows_of_identity_and_wbs_tables_hold_no_plaintext(
    tenant_factory: TenantFactory,
) -> None:
    # Given a complaint with a full identity and a WBS report with a reporter's note
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="33.01")
    filed = file_complaint(tenant, email="siti@example.org", raw_payload={"nik": SECRETS[-1]})
    with schema_context(tenant.schema_name):
        complaint = Complaint.objects.get(pk=filed.pk)
        complaint.nik = SECRETS[-1]
        complaint.save()
    wbs = file_complaint(tenant, is_wbs=True, description=WBS_SECRET + " setiap bulan.")
    with schema_context(tenant.schema_name):
        do_reply_to_complaint(complaint=Complaint.objects.get(pk=wbs.pk), message=REPLY_SECRET)
        # When the rows are read back through the model, they are the plain values
        again = Complaint.objects.get(pk=filed.pk)
        assert (again.name, again.phone, again.email, again.nik) == (
            "Siti Aminah",
            filed.phone,
            "siti@example.org",
            SECRETS[-1],
        )
        assert again.raw_payload == {"nik": SECRETS[-1]}
        assert Complaint.objects.get(pk=wbs.pk).description.startswith(WBS_SECRET)
        messages = [e.message for e in ComplaintEvent.objects.filter(complaint_id=wbs.pk)]
        assert REPLY_SECRET in messages
    # Then plain SQL over every table holding identity or WBS content finds none of it
    dump = "\n".join(
        raw_rows(tenant.schema_name, Complaint._meta.db_table)
        + raw_rows(tenant.schema_name, ComplaintEvent._meta.db_table)
    )
    assert "sealed:" in dump
    for secret in (*SECRETS, WBS_SECRET, REPLY_SECRET, filed.phone):
        assert secret not in dump


def test_register_finds_a_name_token_or_phone_by_blind_index_only(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    officer = make_member(tenant, "officer")
    siti = file_complaint(tenant, name="Siti Aminah", phone="081234567890")
    file_complaint(tenant, name="Budi Santoso", phone="081298765432")
    with schema_context(tenant.schema_name):
        viewer = Viewer.of(officer, tenant)

        def found(query: str) -> list[str]:
            return [c.number for c in register(viewer, query=query)]

        assert found("aminah") == [siti.number]
        assert found("AMINAH siti") == [siti.number]
        assert found(Complaint.objects.get(pk=siti.pk).phone) == [siti.number]
        assert found("Amin") == []  # exact tokens only: a blind index matches nothing else
        # The index is the tenant's own: another tenant's key gives other digests
        stored = Complaint.objects.get(pk=siti.pk).identity_index
        assert envelope.blind(tenant.schema_name, "name", "aminah") in stored
        assert envelope.blind("another_schema", "name", "aminah") not in stored


def test_a_forward_copies_rows_that_open_at_the_receiver_and_not_with_the_origins_key(
    tenant_factory: TenantFactory,
) -> None:
    village = tenant_factory(slug="desa-babakan")
    pupr = tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="pupr-cilacap")
    officer = make_member(village, "officer")
    filed = file_complaint(village, email="siti@example.org")
    with schema_context(village.schema_name):
        do_reply_to_complaint(
            complaint=Complaint.objects.get(pk=filed.pk), name="", phone="", message="ok"
        )
    moved = do_forward_complaint(
        tenant=village, complaint_id=filed.pk, to="pupr-cilacap", reason="x", actor=officer
    )
    with schema_context(pupr.schema_name):
        arrived = Complaint.objects.get(pk=moved.complaint.pk)
        # Then the receiver reads the identity, and finds it by its own blind index
        assert (arrived.name, arrived.email) == ("Siti Aminah", "siti@example.org")
        assert envelope.blind(pupr.schema_name, "email", "siti@example.org") in (
            arrived.identity_index
        )
        wrapped = bytes(arrived.data_key)
    # And the receiver's wrapped data key does not open with the origin's tenant key
    envelope.unwrap_data_key(wrapped, pupr.schema_name)
    with pytest.raises(envelope.SealError):
        envelope.unwrap_data_key(wrapped, village.schema_name)


def _first_identity(tenant: Tenant, pk: int) -> tuple[str, str]:
    envelope.forget_cached_keys()
    with schema_context(tenant.schema_name):
        complaint = Complaint.objects.get(pk=pk)
        return complaint.name, complaint.phone


def test_master_rotation_rewraps_tenant_keys_without_touching_rows(
    tenant_factory: TenantFactory, settings: object
) -> None:
    tenant = tenant_factory()
    filed = file_complaint(tenant)
    old_spec = envelope.master_keys()[0]
    old = f"{old_spec[0]}:" + __import__("base64").urlsafe_b64encode(old_spec[1]).decode()
    with schema_context(tenant.schema_name):
        row_before = raw_rows(tenant.schema_name, Complaint._meta.db_table)
    # Given a new master key first, the old one still readable
    settings.ADUAN_MASTER_KEYS = f"{envelope.new_master_spec('m2')},{old}"  # type: ignore[attr-defined]
    envelope.forget_cached_keys()
    assert envelope.rotate_master() == TenantKey.objects.count()
    assert set(TenantKey.objects.values_list("master_id", flat=True)) == {"m2"}
    # Then, with the old master key gone, the rows (untouched) still open
    settings.ADUAN_MASTER_KEYS = settings.ADUAN_MASTER_KEYS.split(",")[0]  # type: ignore[attr-defined]
    assert _first_identity(tenant, filed.pk) == ("Siti Aminah", filed.phone)
    assert raw_rows(tenant.schema_name, Complaint._meta.db_table) == row_before
    envelope.forget_cached_keys()


def test_tenant_key_rotation_rewraps_data_keys_and_keeps_the_blind_index(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    filed = file_complaint(tenant)
    with schema_context(tenant.schema_name):
        before = Complaint.objects.get(pk=filed.pk)
        wrapped_before, index_before = bytes(before.data_key), before.identity_index
        assert do_rotate_tenant_key(tenant=tenant, actor=None) == 1
        after = Complaint.objects.get(pk=filed.pk)
        assert bytes(after.data_key) != wrapped_before
        assert after.identity_index == index_before
    assert TenantKey.objects.get(schema_name=tenant.schema_name).version == 2
    assert _first_identity(tenant, filed.pk) == ("Siti Aminah", filed.phone)
