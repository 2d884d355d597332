"""Likely duplicates across doors (complaints.duplicates): the quality of the text match on a
held-out half of a labelled set, and the cross-tenant path: a suggestion names only the holder
and the tracking code, within the regency, never a WBS report, never a different problem of
the same village and category."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints import duplicates, selectors
from complaints.actions.corrections import do_correct_complaint
from complaints.models import Complaint
from complaints.public.models import SimilarityKey
from complaints.tasks import after_filing, record_similarity_key
from routing.actions.triage import do_open_triage_entry
from routing.models import Category
from routing.router import Outcome, Proposal
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, run_jobs, sign_in

DATA = Path(__file__).parent / "data" / "duplicates.json"


def quality(half: int, threshold: float = duplicates.THRESHOLD) -> tuple[int, float, float]:
    """(pairs, precision, recall) over the pairs the finder compares (same village and
    category) among the problems of one half (problem ids odd: the held-out half)."""
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    signatures = [duplicates.signature(str(r["text"])) for r in rows]
    tp = fp = fn = pairs = 0
    for i, j in itertools.combinations(range(len(rows)), 2):
        a, b = rows[i], rows[j]
        if (a["village"], a["category"]) != (b["village"], b["category"]):
            continue
        if a["problem"] % 2 != half or b["problem"] % 2 != half:
            continue
        pairs += 1
        same = a["problem"] == b["problem"]
        found = duplicates.similarity(signatures[i], signatures[j]) >= threshold
        tp += same and found
        fp += found and not same
        fn += same and not found
    return pairs, tp / max(1, tp + fp), tp / max(1, tp + fn)


def test_the_labelled_set_is_big_enough_and_has_hard_negatives() -> None:
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    assert len(rows) >= 200
    by_place: dict[tuple[str, str], set[int]] = {}
    for row in rows:
        by_place.setdefault((row["village"], row["category"]), set()).add(row["problem"])
    # Every village and category holds at least two different problems: hard negatives
    assert all(len(problems) >= 2 for problems in by_place.values())


def test_the_fixed_threshold_meets_the_targets_on_the_held_out_half() -> None:
    pairs, precision, recall = quality(half=1)
    table = f"held-out pairs {pairs}: precision {precision:.3f}, recall {recall:.3f}"
    assert pairs > 150, table
    assert precision >= 0.9, table
    assert recall >= 0.8, table


def test_a_signature_is_a_pure_function_of_the_words() -> None:
    text = "Jembatan bambu di dusun Krajan putus"
    assert duplicates.signature(text) == duplicates.signature(
        "JEMBATAN  bambu, di Dusun Krajan putus!"
    )
    assert duplicates.similarity(duplicates.signature(text), duplicates.signature(text)) == 1.0
    assert duplicates.similarity(duplicates.signature(""), duplicates.signature("")) == 0.0


def keyed(tenant: Tenant, capture: Any, **values: Any) -> Complaint:
    """A complaint filed and its key written by the job, as after a real commit (the filing's
    follow-ups first: they send the key's job)."""
    with capture(execute=True):
        complaint = file_complaint(tenant, **values)
    run_jobs(after_filing)
    run_jobs(record_similarity_key)
    return complaint


BRIDGE = {
    "subject": "Jembatan bambu putus",
    "description": "Jembatan bambu di dusun Krajan RT 01 putus sejak 3 hari lalu.",
    "village_code": "33.01.09.2014",
}
SAME_BRIDGE = {
    "subject": "Laporan warga",
    "description": "Jembatan penyeberangan bambu yang berada di dusun Krajan RT 01 ambruk.",
    "village_code": "33.01.09.2014",
}


@pytest.mark.django_db
def test_a_suggestion_across_tenants_names_only_the_holder_and_the_tracking_code(
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given the same broken bridge reported at the village and at the regency, a different
    # problem of the same village, the same text in another regency, and a WBS report
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab-cilacap")
    village = tenant_factory(region_code="33.01.09.2014", parent=regency)
    elsewhere = tenant_factory(kind=TenantKind.PEMKAB, region_code="61.03")
    capture = django_capture_on_commit_callbacks
    at_village = keyed(village, capture, **BRIDGE)
    at_regency = keyed(regency, capture, **SAME_BRIDGE, name="Rahasia Pelapor")
    keyed(
        village,
        capture,
        subject="Lampu jalan mati",
        description="Lampu PJU depan balai desa padam.",
        village_code="33.01.09.2014",
    )
    keyed(elsewhere, capture, **{**SAME_BRIDGE, "village_code": ""})
    keyed(regency, capture, **BRIDGE, is_wbs=True)
    # Then the WBS report has no key
    assert SimilarityKey.objects.count() == 4
    # When the village officer opens the complaint
    sign_in(tenant_client, make_member(village, Role.OFFICER))
    detail = tenant_client.get(f"/api/v1/complaints/{at_village.pk}/", tenant=village).json()
    # Then the regency's report is suggested with its holder and tracking code, nothing more
    assert detail["likely_duplicates"] == [{
        "holder_id": regency.pk, "holder_name": regency.name,
        "tracking_code": at_regency.tracking_code,
        "similarity": detail["likely_duplicates"][0]["similarity"], "complaint_id": None,
    }]  # fmt: skip
    page = tenant_client.get(f"/console/pengaduan/{at_village.pk}/", tenant=village)
    html = page.content.decode()
    assert at_regency.tracking_code in html and regency.name in html
    # and nothing of the other tenant's complaint leaks: not its words, not its complainant
    for secret in ("penyeberangan", "ambruk", "Rahasia Pelapor", at_regency.number):
        assert secret not in html and secret not in str(detail)
    # and the regency's triage officer sees the village's report from their side
    sign_in(tenant_client, make_member(regency, Role.OFFICER))
    seen = tenant_client.get(f"/api/v1/complaints/{at_regency.pk}/", tenant=regency).json()
    assert [d["tracking_code"] for d in seen["likely_duplicates"]] == [at_village.tracking_code]


@pytest.mark.django_db
def test_a_duplicate_at_the_same_door_is_queued_and_merged_with_one_click(
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given the same bridge reported twice at one village
    village = tenant_factory(region_code="33.01.09.2014")
    first = keyed(village, django_capture_on_commit_callbacks, **BRIDGE)
    second = keyed(village, django_capture_on_commit_callbacks, **SAME_BRIDGE)
    sign_in(tenant_client, make_member(village, Role.OFFICER))
    # Then the work queue counts both as likely duplicates
    queues = {
        q["key"]: q["count"] for q in tenant_client.get("/api/v1/work/", tenant=village).json()
    }
    assert queues["likely_duplicates"] == 2
    # When the officer follows the suggestion's merge link on the newer one and confirms
    html = tenant_client.get(f"/console/pengaduan/{second.pk}/", tenant=village).content.decode()
    link = f"/console/pengaduan/{second.pk}/gabung/?into={first.pk}"
    assert link in html
    form = tenant_client.get(link, tenant=village).content.decode()
    assert f'value="{first.pk}"' in form
    merged = tenant_client.post(
        f"/console/pengaduan/{second.pk}/gabung/", {"into": str(first.pk)}, tenant=village
    )
    # Then it is merged, and no longer suggested
    assert merged.status_code == 302
    with schema_context(village.schema_name):
        assert Complaint.objects.get(pk=second.pk).merged_into_id == first.pk
    detail = tenant_client.get(f"/api/v1/complaints/{first.pk}/", tenant=village).json()
    assert detail["likely_duplicates"] == []


@pytest.mark.django_db
def test_the_regency_triage_queue_shows_likely_duplicates(
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given a complaint waiting in the regency's triage queue and the same bridge at a village
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab-cilacap")
    village = tenant_factory(region_code="33.01.09.2014", parent=regency)
    triaged = keyed(regency, django_capture_on_commit_callbacks, **SAME_BRIDGE)
    at_village = keyed(village, django_capture_on_commit_callbacks, **BRIDGE)
    do_open_triage_entry(
        tracking_code=triaged.tracking_code, subject=triaged.subject, holder=regency,
        proposal=Proposal(Outcome.TRIAGE, None, None, None, "33.01"),
    )  # fmt: skip
    # When the regency's triage officer looks at the queue
    sign_in(tenant_client, make_member(regency, Role.REGENCY_ADMIN))
    (entry,) = tenant_client.get("/api/v1/triage/", tenant=regency).json()["results"]
    # Then the village's report is named by its holder and tracking code
    assert [(d["holder_name"], d["tracking_code"]) for d in entry["likely_duplicates"]] == [
        (village.name, at_village.tracking_code)
    ]
    page = tenant_client.get("/triage/", tenant=regency).content.decode()
    assert at_village.tracking_code in page


@pytest.mark.django_db
def test_a_correction_of_category_or_text_rewrites_the_key_after_commit(
    tenant_factory: TenantFactory, django_capture_on_commit_callbacks: Any
) -> None:
    # Given the same bridge at two villages' doors, one filed under another category
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab-cilacap")
    village = tenant_factory(region_code="33.01.09.2014", parent=regency)
    roads, other = Category.objects.order_by("key")[:2]
    at_village = keyed(village, django_capture_on_commit_callbacks, **BRIDGE, category=roads.key)
    at_regency = keyed(
        regency, django_capture_on_commit_callbacks, **SAME_BRIDGE, category=other.key
    )
    with schema_context(village.schema_name):
        assert selectors.likely_duplicates(village, at_village) == []
    officer = make_member(regency, Role.OFFICER)
    # When the regency's officer corrects the category, and the transaction does not commit
    capture = django_capture_on_commit_callbacks
    with schema_context(regency.schema_name), capture(execute=False) as pending:
        do_correct_complaint(
            complaint=at_regency, actor=officer, reason="Salah kategori.",
            changes={"category": roads.key},
        )  # fmt: skip
    # Then nothing is sent yet and the key still holds the old category
    assert run_jobs(record_similarity_key) == 0
    assert SimilarityKey.objects.get(tracking_code=at_regency.tracking_code).category == other.key
    # When it commits
    for callback in pending:
        callback()
    assert run_jobs(record_similarity_key) == 1
    # Then the key follows the correction and the village's complaint is suggested
    assert SimilarityKey.objects.get(tracking_code=at_regency.tracking_code).category == roads.key
    with schema_context(village.schema_name):
        (suggestion,) = selectors.likely_duplicates(village, at_village)
    assert (suggestion.tracking_code, suggestion.holder_id) == (
        at_regency.tracking_code, regency.pk,
    )  # fmt: skip
    # When the subject is corrected into a different problem, the text part follows too
    with schema_context(regency.schema_name), django_capture_on_commit_callbacks(execute=True):
        do_correct_complaint(
            complaint=at_regency, actor=officer, reason="Salah catat.",
            changes={"subject": "Lampu jalan padam di balai desa"},
        )  # fmt: skip
    assert run_jobs(record_similarity_key) == 1
    key = SimilarityKey.objects.get(tracking_code=at_regency.tracking_code)
    assert list(key.signature) == duplicates.signature(
        f"Lampu jalan padam di balai desa {SAME_BRIDGE['description']}"
    )
    # and a correction of the place alone (not in the key) sends no job
    with schema_context(regency.schema_name), django_capture_on_commit_callbacks(execute=True):
        do_correct_complaint(
            complaint=at_regency, actor=officer, reason="Tempat lebih tepat.",
            changes={"incident_place": "Dusun Krajan RT 01"},
        )  # fmt: skip
    assert run_jobs(record_similarity_key) == 0
