"""The register's search (complaints.search): full text over number, subject, description,
place, timeline notes and step inputs; accents and case ignored; typos forgiven; never the
complainant's identity through the index; WBS never for those who may not see it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from complaints import search, selectors
from complaints.actions.corrections import do_correct_complaint
from complaints.actions.workflow import do_transition_complaint
from complaints.actions.working import do_add_note
from complaints.models import Complaint
from complaints.tasks import learn_search_words
from tenants.models import Role, Tenant
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db


def found(client: TenantClient, tenant: Tenant, query: str) -> list[str]:
    response = client.get("/api/v1/register/", {"q": query}, tenant=tenant)
    assert response.status_code == 200
    return sorted(r["subject"] for r in response.json()["results"])


def test_search_finds_every_field_of_the_record_and_forgives_accents_and_typos(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given complaints about a bridge, a market and street lights, one with a note and a step
    tenant = tenant_factory()
    officer = make_member(tenant, Role.OFFICER)
    bridge = file_complaint(
        tenant, subject="Jembatan putus", description="Jembatan bambu di Dusun Karang putus.",
        incident_place="Dusun Karanganyar RT 03",
    )  # fmt: skip
    market = file_complaint(tenant, subject="Pasar becek", description="Saluran air pasar mampet")
    lights = file_complaint(tenant, subject="Lampu jalan mati", description="Gelap sejak Senin")
    for complaint in (bridge, market, lights):  # the job intake sends after commit
        learn_search_words.fn(tenant.schema_name, complaint.pk)
    with schema_context(tenant.schema_name):
        do_add_note(complaint=market, message="Koordinasi dengan Dinas Perdagangan", actor=officer)
        do_transition_complaint(complaint=lights, transition="give_receipt", actor=officer)
        do_transition_complaint(
            complaint=lights, transition="verify", actor=officer,
            inputs={"note": "Sudah dicek oleh Kasi Pemerintahan"},
        )  # fmt: skip
    sign_in(tenant_client, make_member(tenant, Role.OFFICER))
    # Then each part of the record is found: subject, description, place, note, step input
    assert found(tenant_client, tenant, "jembatan") == ["Jembatan putus"]
    assert found(tenant_client, tenant, "saluran mampet") == ["Pasar becek"]
    assert found(tenant_client, tenant, "karanganyar") == ["Jembatan putus"]
    assert found(tenant_client, tenant, "perdagangan") == ["Pasar becek"]
    assert found(tenant_client, tenant, "kasi pemerintahan") == ["Lampu jalan mati"]
    # and the number
    assert found(tenant_client, tenant, bridge.number) == ["Jembatan putus"]
    # and case, accents and a typo do not matter
    assert found(tenant_client, tenant, "JEMBÂTAN") == ["Jembatan putus"]
    assert found(tenant_client, tenant, "jembtan") == ["Jembatan putus"]
    # and a word nobody wrote finds nothing
    assert found(tenant_client, tenant, "sekolah") == []


def test_search_leaves_identity_out_of_the_index_and_wbs_out_of_results(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given an anonymous complaint and a whistleblowing report about the same thing
    tenant = tenant_factory()
    file_complaint(
        tenant, subject="Sampah menumpuk", name="Dewi Lestari", is_anonymous=True,
        phone="0812-1111-2222", email="dewi@example.id", address="Jalan Melati 9",
    )  # fmt: skip
    file_complaint(tenant, subject="Sampah dan pungli", is_wbs=True, name="Pelapor")
    # Then the search document holds none of the complainant's identity
    with schema_context(tenant.schema_name):
        documents = " ".join(Complaint.objects.values_list("search_text", flat=True))
    for secret in ("dewi", "lestari", "1111", "example", "melati"):
        assert secret not in documents
    # and an answer team member finds the complaint by its words, not the anonymous name,
    # and never the WBS report
    sign_in(tenant_client, make_member(tenant, Role.ANSWER_TEAM))
    assert found(tenant_client, tenant, "sampah") == ["Sampah menumpuk"]
    assert found(tenant_client, tenant, "dewi") == []
    assert found(tenant_client, tenant, "pungli") == []


def test_search_runs_on_its_one_index_and_typos_on_the_vocabulary(
    tenant_factory: TenantFactory,
) -> None:
    # Given a tenant's register
    tenant = tenant_factory()
    filed = file_complaint(tenant, subject="Jembatan putus", name="Siti Aminah")
    # whose words reach the vocabulary by the job intake sends after commit, not before
    with schema_context(tenant.schema_name), connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {search.WORDS_TABLE}")
        assert cursor.fetchone() == (0,)
    learn_search_words.fn(tenant.schema_name, filed.pk)

    def plan(query: str) -> str:
        wanted = search.matches(query, [], anonymous_too=False)
        assert wanted is not None
        matching = Complaint.objects.filter(wanted).values("pk")
        sql, params = matching.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    # When the planner may not scan the whole table
    with schema_context(tenant.schema_name), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        words, number, typo = plan("jembatan putus"), plan("0001/adu"), plan("jembtan")
        # Then words, a number and a typo all run on the one GIN index of the search vector
        assert all("complaint_search" in p for p in (words, number, typo))
        # and a typo was looked up in the vocabulary (its words, none with a digit)
        assert search.words_tsquery("jembtan") == "('jembtan' | 'jembatan')"
        assert search.words_tsquery("Jembatan PUTUS") == "'jembatan' & 'putus'"
        assert search.words_tsquery("0001/adu") == "'0001/adu':*"
        cursor.execute(f"SELECT count(*) FROM {search.WORDS_TABLE} WHERE word ~ '[0-9]'")
        assert cursor.fetchone() == (0,)
        cursor.execute(f"SELECT word FROM {search.WORDS_TABLE} WHERE word = 'jembatan'")
        assert cursor.fetchall() == [("jembatan",)]
    # and the identity is never in the vocabulary
    with schema_context(tenant.schema_name), connection.cursor() as cursor:
        cursor.execute(f"SELECT word FROM {search.WORDS_TABLE} WHERE word IN ('siti', 'aminah')")
        assert cursor.fetchall() == []


def test_a_common_word_counts_up_to_the_cap_and_says_there_are_more(
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given 5 complaints about drains and a cap of 3 (1000 in production)
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    tenant = tenant_factory()
    for i in range(5):
        file_complaint(tenant, subject=f"Drainase tersumbat {i}")
    file_complaint(tenant, subject="Pasar becek")
    sign_in(tenant_client, make_member(tenant, Role.OFFICER))
    # When an officer searches for a word in all of them
    body = tenant_client.get("/api/v1/register/", {"q": "drainase"}, tenant=tenant).json()
    # Then the count stops at the cap and says so, and the first page is the newest
    assert (body["count"], body["count_capped"], body["pages"]) == (3, True, 1)
    assert [r["subject"] for r in body["results"]] == [
        "Drainase tersumbat 4", "Drainase tersumbat 3", "Drainase tersumbat 2",
    ]  # fmt: skip
    page = tenant_client.get("/console/pengaduan/?q=drainase", tenant=tenant).content.decode()
    assert '<strong id="register-count">3+</strong>' in page
    # and a search under the cap, or the register without a search, counts exactly
    body = tenant_client.get("/api/v1/register/", {"q": "pasar"}, tenant=tenant).json()
    assert (body["count"], body["count_capped"]) == (1, False)
    body = tenant_client.get("/api/v1/register/", tenant=tenant).json()
    assert (body["count"], body["count_capped"]) == (6, False)
    # and under the cap the page is cut from the ids the count read (a rare match never walks
    # the register's order on the planner's guess), above it the order is walked
    viewer = selectors.Viewer(frozenset({Role.OFFICER}))
    with schema_context(tenant.schema_name):
        for query, cut_by_ids in (("pasar", True), ("drainase", False)):
            pages = selectors.RegisterPaginator(
                selectors.register(viewer, query=query), searched=True
            )
            with CaptureQueriesContext(connection) as queries:
                list(pages.get_page(1).object_list)
            page_sql = queries.captured_queries[-1]["sql"]
            assert ('"complaints_complaint"."id" IN (' in page_sql) is cut_by_ids, query


def test_a_corrected_subject_is_found_by_its_new_words(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a complaint filed with a misspelt subject
    tenant = tenant_factory()
    officer = make_member(tenant, Role.OFFICER)
    complaint = file_complaint(tenant, subject="Jalan rusk", description="Berlubang.")
    # When the officer corrects it
    with schema_context(tenant.schema_name):
        do_correct_complaint(
            complaint=complaint, actor=officer, reason="Salah ketik.",
            changes={"subject": "Drainase tersumbat"},
        )  # fmt: skip
    # Then the new words find it at once
    sign_in(tenant_client, officer)
    assert found(tenant_client, tenant, "drainase") == ["Drainase tersumbat"]
    assert found(tenant_client, tenant, "drainse") == ["Drainase tersumbat"]
