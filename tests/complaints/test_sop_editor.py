"""The SOP editor: tenant admins read and edit their SOP as versions, by API and page."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from complaints import register, selectors
from complaints.actions.sop import do_edit_sop, do_ensure_sop_version
from complaints.models import Complaint, SopVersion
from complaints.sop_form import rows_of
from complaints.sop_templates import template_for
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db


def versions(tenant: Tenant) -> list[tuple[int, str]]:
    with schema_context(tenant.schema_name):
        return list(SopVersion.objects.order_by("number").values_list("number", "note"))


def admin_client(tenant: Tenant) -> TenantClient:
    client = TenantClient()
    sign_in(client, make_member(tenant, Role.TENANT_ADMIN))
    return client


def edited(kind: str = TenantKind.PEMDES) -> dict[str, Any]:
    """The template with the village's own regulation cited on the first state."""
    definition = template_for(kind)
    definition["states"][1]["legal_basis"] = ["Perdes Babakan 3/2024 tentang Pengaduan"]
    return definition


def put(client: TenantClient, tenant: Tenant, body: dict[str, Any]) -> Any:
    return client.put(
        "/api/v1/sop/", json.dumps(body), content_type="application/json", tenant=tenant
    )


def test_before_first_use_the_api_shows_the_kind_template(tenant_factory: TenantFactory) -> None:
    # Given a fresh Disdukcapil tenant and its admin
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    client = admin_client(tenant)
    # When the admin reads the SOP
    response = client.get("/api/v1/sop/", tenant=tenant)
    # Then it is the Disdukcapil template, not yet stored as a version
    assert response.status_code == 200
    body = response.json()
    assert body["version"] is None
    assert body["definition"] == template_for(TenantKind.DISDUKCAPIL)
    assert versions(tenant) == []


def test_an_edit_stores_a_new_version_over_the_template(tenant_factory: TenantFactory) -> None:
    # Given a village and its admin
    tenant = tenant_factory()
    client = admin_client(tenant)
    # When the admin saves an edited SOP
    response = put(client, tenant, {"definition": edited(), "note": "Dasar hukum desa"})
    # Then the template became version 1 and the edit version 2, the active one
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert [n for n, _ in versions(tenant)] == [1, 2]
    assert versions(tenant)[1][1] == "Dasar hukum desa"
    active = client.get("/api/v1/sop/", tenant=tenant).json()
    assert active["version"] == 2
    assert active["definition"]["states"][1]["legal_basis"] == [
        "Perdes Babakan 3/2024 tentang Pengaduan"
    ]
    history = client.get("/api/v1/sop/versions/", tenant=tenant).json()
    assert [v["version"] for v in history] == [2, 1]
    assert history[0]["created_by"] is not None and history[1]["created_by"] is None


def test_saving_the_same_definition_adds_no_version(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    client = admin_client(tenant)
    put(client, tenant, {"definition": edited()})
    # When the same definition is saved again
    response = put(client, tenant, {"definition": edited()})
    # Then nothing new is stored
    assert response.json()["version"] == 2
    assert [n for n, _ in versions(tenant)] == [1, 2]


@pytest.mark.parametrize(
    ("breakage", "code", "named"),
    [
        ("unreachable", "sop.unreachable_state", {"state": "limbo"}),
        ("no_terminal", "sop.no_terminal_state", {"path": "states"}),
        ("unknown_role", "sop.unknown_role", {"transition": "give_receipt"}),
        ("into_nowhere", "sop.unknown_target", {"transition": "give_receipt"}),
        ("from_unknown", "sop.unknown_state", {"transition": "give_receipt"}),
        ("duplicate_state", "sop.duplicate_state", {"state": "received"}),
        ("duplicate_transition", "sop.duplicate_transition", {"transition": "close"}),
        ("terminal_out", "sop.terminal_has_transitions", {"transition": "reopen"}),
        ("bad_limit", "sop.bad_limit", {"path": "states[1].limit"}),
        ("no_initial", "sop.missing_initial", {"path": "initial"}),
    ],
)
def test_an_invalid_sop_is_refused_naming_the_problem(
    tenant_factory: TenantFactory, breakage: str, code: str, named: dict[str, str]
) -> None:
    # Given a village whose admin breaks the SOP in one way
    tenant = tenant_factory()
    client = admin_client(tenant)
    definition = template_for(TenantKind.PEMDES)
    states, steps = definition["states"], definition["transitions"]
    give_receipt = next(t for t in steps if t["key"] == "give_receipt")
    if breakage == "unreachable":
        states.append({"key": "limbo", "label": "Limbo", "terminal": True})
    elif breakage == "no_terminal":
        for state in states:
            state["terminal"] = False
    elif breakage == "unknown_role":
        give_receipt["roles"] = ["kepala_desa"]
    elif breakage == "into_nowhere":
        give_receipt["to"] = "somewhere"
    elif breakage == "from_unknown":
        give_receipt["from"] = ["nowhere"]
    elif breakage == "duplicate_state":
        states.append(dict(states[1]))
    elif breakage == "duplicate_transition":
        steps.append(dict(steps[-1]))
    elif breakage == "terminal_out":
        steps.append({"key": "reopen", "label": "Buka", "from": "closed", "to": "received",
                      "roles": ["officer"]})  # fmt: skip
    elif breakage == "bad_limit":
        states[1]["limit"] = {"working_days": 0}
    elif breakage == "no_initial":
        del definition["initial"]
    # When it is saved
    response = put(client, tenant, {"definition": definition})
    # Then it is refused with the problem named, and nothing is stored
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert {k: body["extra"][k] for k in named} == named
    assert body["extra"]["problems"][0]["code"] == code
    assert versions(tenant) == []


def test_an_edit_over_a_newer_version_is_refused(tenant_factory: TenantFactory) -> None:
    # Given two admins who both opened version 1, and one of them saved version 2
    tenant = tenant_factory()
    client = admin_client(tenant)
    put(client, tenant, {"definition": template_for(TenantKind.PEMDES), "note": "v1"})
    put(client, tenant, {"definition": edited(), "based_on": 1})
    # When the other saves their change based on version 1
    other = edited()
    other["states"][2]["limit"] = {"working_days": 2}
    response = put(client, tenant, {"definition": other, "based_on": 1})
    # Then it is refused and version 2 stays the active one
    assert response.status_code == 400
    assert response.json()["code"] == "sop.stale_version"
    assert response.json()["extra"]["latest"] == 2
    assert [n for n, _ in versions(tenant)] == [1, 2]


def test_only_the_tenant_admin_reaches_the_editor(tenant_factory: TenantFactory) -> None:
    # Given a village, one of its officers and the admin of another village
    tenant = tenant_factory()
    other = tenant_factory()
    officer = TenantClient()
    sign_in(officer, make_member(tenant, Role.OFFICER))
    stranger = admin_client(other)
    anonymous = TenantClient()
    # When they try the SOP API and page
    for client in (officer, stranger):
        assert client.get("/api/v1/sop/", tenant=tenant).status_code == 404
        assert client.get("/api/v1/sop/versions/", tenant=tenant).status_code == 404
        assert put(client, tenant, {"definition": edited()}).status_code == 404
        assert client.get("/console/sop/", tenant=tenant).status_code == 404
    assert anonymous.get("/api/v1/sop/", tenant=tenant).status_code == 403
    assert anonymous.get("/console/sop/", tenant=tenant).status_code == 302
    # Then nothing was stored
    assert versions(tenant) == []


def test_the_editor_page_shows_the_sop_and_saves_a_version(tenant_factory: TenantFactory) -> None:
    # Given a village admin on the editor page
    tenant = tenant_factory()
    client = admin_client(tenant)
    page = client.get("/console/sop/", tenant=tenant)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="sop-states"' in html and "Tanda terima diberikan kepada pelapor" in html
    assert "Petugas penghubung" in html  # role names, not keys
    # When they save an edited definition from the textarea
    saved = client.post(
        "/console/sop/",
        {"definition": json.dumps(edited()), "note": "Perdes", "based_on": ""},
        tenant=tenant,
    )
    # Then it is stored and the page shows the new version
    assert saved.status_code == 302
    assert [n for n, _ in versions(tenant)] == [1, 2]
    assert "Perdes Babakan 3/2024" in client.get("/console/sop/", tenant=tenant).content.decode()


def test_the_editor_page_shows_every_problem_and_keeps_the_text(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    client = admin_client(tenant)
    broken = template_for(TenantKind.PEMDES)
    broken["transitions"][1]["roles"] = ["kepala_desa"]
    broken["transitions"][2]["to"] = "somewhere"
    # When the broken SOP and then text that is not JSON are posted
    response = client.post("/console/sop/", {"definition": json.dumps(broken)}, tenant=tenant)
    not_json = client.post("/console/sop/", {"definition": "{states: ["}, tenant=tenant)
    # Then both are refused with the problems listed and the text kept for correction
    assert response.status_code == 400
    html = response.content.decode()
    assert "sop.unknown_role" in html and "sop.unknown_target" in html
    assert "kepala_desa" in html
    assert not_json.status_code == 400
    assert "sop.invalid_json" in not_json.content.decode()
    assert "{states: [" in not_json.content.decode()
    assert versions(tenant) == []


def form_of(tenant: Tenant, kind: str = TenantKind.PEMDES) -> dict[str, Any]:
    """The form fields for the kind's template, as the page fills them (rows_of)."""
    from_template = rows_of(template_for(kind))
    data: dict[str, Any] = {"mode": "form", "based_on": "", "initial": from_template.initial,
                            "state_count": len(from_template.states),
                            "step_count": len(from_template.steps)}  # fmt: skip
    for i, row in enumerate(from_template.states):
        p = f"state-{i}-"
        data.update(
            {
                p + f: row[f]
                for f in (
                    "orig",
                    "key",
                    "label_id",
                    "label_en",
                    "limit_amount",
                    "limit_unit",
                    "legal_basis",
                )
            }
        )
        if row["terminal"]:
            data[p + "terminal"] = "1"
        if row["waits"]:
            data[p + "waits"] = "1"
    for i, row in enumerate(from_template.steps):
        p = f"step-{i}-"
        data.update(
            {
                p + f: row[f]
                for f in ("orig", "key", "label_id", "label_en", "from", "to", "legal_basis")
            }
        )
        data[p + "roles"] = row["roles"]
        if row["approval"]:
            data[p + "approval"] = "1"
    return data


def test_the_form_editor_previews_the_changes_then_publishes(tenant_factory: TenantFactory) -> None:
    # Given a village admin on the editor: a form of states and steps and the flow's diagram
    tenant = tenant_factory()
    client = admin_client(tenant)
    complaint = file_complaint(tenant)  # runs under version 1
    html = client.get("/console/sop/", tenant=tenant).content.decode()
    assert 'id="sop-form"' in html and 'name="state-1-key" value="received"' in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" id="sop-diagram"' in html
    assert 'data-state="received"' in html and 'data-step="give_receipt"' in html
    data = form_of(tenant)
    received = next(i for i in range(data["state_count"]) if data[f"state-{i}-key"] == "received")
    # When the admin shortens the first state's limit (1 working day) to 4 hours, cites the
    # village regulation and asks the head to approve the information to the reporter, then
    # previews
    inform = next(i for i in range(data["step_count"])
                  if data[f"step-{i}-key"] == "inform_reporter")  # fmt: skip
    data.update({
        f"state-{received}-limit_amount": "4", f"state-{received}-limit_unit": "hours",
        f"state-{received}-legal_basis": "Perdes Babakan 3/2024 tentang Pengaduan",
        f"step-{inform}-approval": "1",
    })  # fmt: skip
    preview = client.post("/console/sop/", {**data, "action": "preview"}, tenant=tenant)
    # Then the preview lists what changes against the active version, draws the new flow and
    # offers to publish; nothing is stored yet
    assert preview.status_code == 200
    page = preview.content.decode()
    assert 'data-change="changed" data-key="received"' in page
    assert "legal_basis, limit" in page
    assert 'data-change="changed" data-key="inform_reporter"' in page
    assert 'id="sop-diagram-preview"' in page and 'id="sop-publish"' in page
    assert versions(tenant) == [(1, versions(tenant)[0][1])]
    # When they publish
    published = client.post("/console/sop/", {**data, "action": "publish", "note": "Perdes"},
                            tenant=tenant)  # fmt: skip
    # Then version 2 is active with the changes and what the form does not edit kept
    assert published.status_code == 302
    assert [n for n, _ in versions(tenant)] == [1, 2]
    active = client.get("/api/v1/sop/", tenant=tenant).json()["definition"]
    state = next(s for s in active["states"] if s["key"] == "received")
    assert state["limit"] == {"hours": 4}
    assert state["legal_basis"] == ["Perdes Babakan 3/2024 tentang Pengaduan"]
    step = next(t for t in active["transitions"] if t["key"] == "inform_reporter")
    assert step["approval"] == ["head"]
    template_step = next(
        t for t in template_for(TenantKind.PEMDES)["transitions"] if t["key"] == "inform_reporter"
    )
    assert step["inputs"] == template_step["inputs"]
    # and the running complaint keeps the version it started under
    with schema_context(tenant.schema_name):
        running = Complaint.objects.select_related("sop_version").get(pk=complaint.pk)
    assert running.sop_version is not None and running.sop_version.number == 1


def test_the_form_editor_puts_each_problem_on_its_field_and_stores_nothing(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    client = admin_client(tenant)
    data = form_of(tenant)
    # A limit that is not a number
    bad_limit = client.post("/console/sop/", {**data, "state-1-limit_amount": "lima",
                                              "action": "preview"}, tenant=tenant)  # fmt: skip
    assert bad_limit.status_code == 400
    assert 'id="error-state-1-limit_amount"' in bad_limit.content.decode()
    # A step into a state that does not exist, and one nobody may take
    broken = {**data, "step-0-to": "somewhere", "step-1-roles": [], "action": "publish"}
    refused = client.post("/console/sop/", broken, tenant=tenant)
    html = refused.content.decode()
    assert refused.status_code == 400
    assert 'id="error-step-0-to"' in html and "somewhere" in html
    assert 'id="error-step-1-roles"' in html
    assert 'id="sop-publish"' not in html
    # A new state with a bad key
    new = data["state_count"] - 1
    data_new = {**data, f"state-{new}-key": "Tahap Baru", f"state-{new}-label_id": "Baru",
                "action": "preview"}  # fmt: skip
    bad_key = client.post("/console/sop/", data_new, tenant=tenant)
    assert bad_key.status_code == 400
    assert f'id="error-state-{new}-key"' in bad_key.content.decode()
    assert versions(tenant) == []


def _reads(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries if not q["sql"].startswith("SET ")]


def test_tenants_running_the_same_sop_share_one_parse_and_an_edit_gets_its_own(
    tenant_factory: TenantFactory,
) -> None:
    # Given two villages on their kind's template, each with its version 1
    first, second = tenant_factory(), tenant_factory()
    versions = {}
    for tenant in (first, second):
        with schema_context(tenant.schema_name):
            versions[tenant.pk] = do_ensure_sop_version(tenant=tenant).pk
    selectors.forget_parsed_sops()
    # When a process reads the first village's SOP, then the second's
    with schema_context(first.schema_name):
        parsed_first = selectors.sop_by_id(versions[first.pk], first.schema_name)
    with schema_context(second.schema_name), CaptureQueriesContext(connection) as read:
        parsed_second = selectors.sop_by_id(versions[second.pk], second.schema_name)
    # Then the same definition was parsed once and shared (the second's row read once)
    assert parsed_second is parsed_first
    assert len(_reads(read)) == 1
    # And asked again, nothing is read
    with schema_context(second.schema_name), CaptureQueriesContext(connection) as again:
        assert selectors.sop_by_id(versions[second.pk], second.schema_name) is parsed_first
    assert _reads(again) == []
    # When the second village edits its SOP, then its new version is its own
    with schema_context(second.schema_name):
        edited = copy.deepcopy(SopVersion.objects.get(pk=versions[second.pk]).definition)
        edited["states"][0]["label"] = {"id": "Diterima desa", "en": "Received by the village"}
        version = do_edit_sop(tenant=second, definition=edited, actor=AnonymousUser())
        parsed_edit = selectors.sop_by_id(version.pk, second.schema_name)
    assert parsed_edit is not parsed_first
    assert parsed_edit.states[0].label.id == "Diterima desa"


def _version_reads(context: CaptureQueriesContext) -> list[str]:
    return [
        sql
        for sql in _reads(context)
        if sql.startswith("SELECT") and 'FROM "complaints_sopversion"' in sql
    ]


def test_a_process_files_at_a_tenant_it_has_not_seen_without_reading_a_shared_sop(
    tenant_factory: TenantFactory,
) -> None:
    # Given two villages on their kind's template, each with a complaint filed already
    first, second = tenant_factory(), tenant_factory()
    file_complaint(first)
    file_complaint(second)
    # and a process that has parsed only the first village's SOP (filing there)
    selectors.forget_parsed_sops()
    file_complaint(first)
    # When it files at the second village
    with CaptureQueriesContext(connection) as filing:
        file_complaint(second)
    # Then the second village's SOP version was not read: its digest, read with the register
    # number, named the definition already parsed
    assert not _version_reads(filing)
    # And an edited SOP is read and parsed on its own
    with schema_context(second.schema_name):
        latest = SopVersion.objects.order_by("-number").first()
        assert latest is not None
        edited = copy.deepcopy(latest.definition)
        edited["states"][0]["label"] = {"id": "Diterima desa", "en": "Received by the village"}
        do_edit_sop(tenant=second, definition=edited, actor=AnonymousUser())
    selectors.forget_parsed_sops()
    file_complaint(first)
    with CaptureQueriesContext(connection) as filing:
        filed = file_complaint(second)
    assert len(_version_reads(filing)) == 1
    assert filed.sop_version_id is not None
    with schema_context(second.schema_name):
        parsed = selectors.sop_by_id(filed.sop_version_id, second.schema_name)
    assert parsed.states[0].label.id == "Diterima desa"


def test_a_versions_digest_is_stored_with_it_and_read_with_the_register_number(
    tenant_factory: TenantFactory,
) -> None:
    # Given a village's version 1 and an edited version 2
    village = tenant_factory()
    with schema_context(village.schema_name):
        first = do_ensure_sop_version(tenant=village)
        edited = copy.deepcopy(first.definition)
        edited["states"][0]["label"] = {"id": "Diterima desa", "en": "Received by the village"}
        second = do_edit_sop(tenant=village, definition=edited, actor=AnonymousUser())
        # Then each carries PostgreSQL's md5 of its stored definition, given back on create
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, md5(definition::text) FROM complaints_sopversion ORDER BY id"
            )
            expected = dict(cursor.fetchall())
        assert {first.pk: first.digest, second.pk: second.digest} == expected
        assert first.digest != second.digest
        # And intake's register statement hands the active one over without reading the
        # definition (which would detoast and print it on every filing)
        with transaction.atomic(), CaptureQueriesContext(connection) as taking:
            taken = register.take_number_and_active_sop(2026)
        assert (taken.sop_id, taken.sop_digest) == (second.pk, second.digest)
        assert len(taking) == 1 and "definition" not in taking[0]["sql"]
