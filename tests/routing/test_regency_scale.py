"""Regency pages that don't grow with villages (issue 23): the authority directory, the
agencies list and the triage queue show every tenant of a regency (paged, page and API) in
the same number of queries whether the regency has 40 tenants or Kabupaten Cilacap's 285, and
a GET never writes.

The village tenants are loaded as rows (`load_villages`): these pages never enter a village's
schema, so the schemas themselves would only cost time. Each row is what `do_create_tenant`
stores for a village: a PEMDES of the regency (its parent), in its village's region."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify

from routing.directory import declare_defaults
from routing.models import Authority, TriageEntry, TriageStatus
from tenants.models import Region, RegionLevel, Role, Tenant, TenantKind, TenantStatus
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, sign_in

CILACAP = "33.01"


def load_villages(regency: Tenant, count: int) -> list[Tenant]:
    """`count` village tenants of the regency, one per village region, in one insert."""
    villages = list(
        Region.objects.filter(code__startswith=CILACAP + ".", level=RegionLevel.VILLAGE).order_by(
            "code"
        )[:count]
    )
    assert len(villages) == count, f"the region slice holds {len(villages)} villages"
    rows = []
    for region in villages:
        slug = f"desa-{slugify(region.name)}-{region.code.replace('.', '')}"[:63]
        rows.append(
            Tenant(
                slug=slug,
                schema_name=slug.replace("-", "_"),
                name=f"Pemerintah Desa {region.name.title()}",
                kind=TenantKind.PEMDES,
                region=region,
                parent=regency,
                status=TenantStatus.ACTIVE,
            )
        )
    made: list[Tenant] = Tenant.objects.bulk_create(rows)
    return made


def open_triage(regency: Tenant, holders: list[Tenant], count: int) -> None:
    TriageEntry.objects.bulk_create(
        TriageEntry(
            tracking_code=f"TRI{n:07d}",
            regency_id=CILACAP,
            holder=holders[n % len(holders)],
            subject=f"Pengaduan {n}",
            reason="Tidak ada instansi yang menyatakan kategori ini.",
            status=TriageStatus.OPEN,
        )
        for n in range(count)
    )


def regency_of(
    size: int, tenant_factory: TenantFactory, tenant_client: TenantClient
) -> tuple[Tenant, list[Tenant]]:
    """A regency government with `size - 1` villages under it (so `size` tenants), a few of
    them with a stored declaration and one customized, a triage queue as long as the regency,
    and its regency admin signed in."""
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code=CILACAP,
                             name="Pemerintah Kabupaten Cilacap")  # fmt: skip
    villages = load_villages(regency, size - 1)
    for village in Tenant.objects.filter(pk__in=[v.pk for v in villages[:3]]).select_related(
        "region", "parent"
    ):
        declare_defaults(village)
    Authority.objects.filter(tenant=villages[0]).update(is_customized=True, coverage_code="")
    open_triage(regency, villages, size)
    sign_in(tenant_client, make_member(regency, Role.REGENCY_ADMIN))
    return regency, villages


def queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content[:2000]
    return len(captured)


def page_costs(client: TenantClient, regency: Tenant) -> dict[str, int]:
    """Queries of the first and of the last page of each list, page and API."""
    last = (-(-Tenant.objects.filter(parent=regency).count() // 25)) or 1
    costs = {}
    for name, path in {
        "directory page": "/directory/",
        "directory api": "/api/v1/directory/",
        "triage page": "/triage/",
        "triage api": "/api/v1/triage/",
        "agencies page": f"/console/regencies/{regency.slug}/agencies/",  # the platform's
        "agencies api": f"/api/v1/regencies/{regency.slug}/agencies/",
        "governed tenants page": "/console/tenants/",  # the platform's
    }.items():
        for page in (1, last):
            host = None if path.startswith(("/console/", "/api/v1/regencies/")) else regency
            costs[f"{name} {'first' if page == 1 else 'last'}"] = queries(
                functools.partial(client.get, path, {"page": page}, tenant=host)
            )
    return costs


@pytest.mark.timeout(300)
def test_regency_pages_cost_the_same_for_40_and_285_tenants(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a regency of 40 tenants, measured
    small, _ = regency_of(40, tenant_factory, tenant_client)
    at_40 = page_costs(tenant_client, small)
    TriageEntry.objects.all().delete()
    Tenant.objects.filter(parent=small).delete()
    # When the regency grows to Kabupaten Cilacap's 285 tenants
    large, _ = regency_of(285, tenant_factory, tenant_client)
    stored = Authority.objects.count()
    at_285 = page_costs(tenant_client, large)
    # Then every page costs the same few queries at both sizes (a directory page loads the
    # catalogue and the candidate higher authorities only when it shows an undeclared tenant:
    # up to two queries that depend on what the page holds, not on how many tenants there are)
    assert at_285.keys() == at_40.keys()
    assert all(abs(at_285[k] - at_40[k]) <= 2 for k in at_40), (at_40, at_285)
    # (the triage page and API also look up likely duplicates: a few queries for the page)
    assert max(at_285.values()) <= 30, at_285
    # and a GET wrote nothing (the undeclared show their kind's defaults, unsaved)
    assert Authority.objects.count() == stored


def _walk_api(client: TenantClient, host: Tenant | None, path: str) -> list[dict[str, Any]]:
    """Every row of a paged API answer, following its `next` links."""
    rows: list[dict[str, Any]] = []
    url: str | None = path
    pages = 0
    while url:
        body = client.get(url, tenant=host).json()
        rows += body["results"]
        url = body["next"]
        url = url and url[url.index("/api/") :]
        pages += 1
    assert pages > 1
    return rows


def test_all_285_of_cilacaps_tenants_are_listed_and_any_can_be_edited(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given Kabupaten Cilacap: its government and 284 villages
    regency, villages = regency_of(285, tenant_factory, tenant_client)
    everyone = {regency.slug} | {v.slug for v in villages}
    # When its admin walks the directory API's pages (next links)
    listed = _walk_api(tenant_client, regency, "/api/v1/directory/")
    # Then every tenant is there once, with its declaration or its kind's defaults
    assert [row["tenant"] for row in listed].count(regency.slug) == 1
    assert {row["tenant"] for row in listed} == everyone and len(listed) == 285
    by_slug = {row["tenant"]: row for row in listed}
    undeclared = by_slug[villages[-1].slug]
    assert undeclared["coverage_code"] == villages[-1].region_id
    assert undeclared["higher"] == regency.slug and undeclared["is_customized"] is False
    assert undeclared["categories"] and undeclared["categories"] == sorted(undeclared["categories"])
    assert by_slug[villages[0].slug]["is_customized"] is True
    # and the page shows them all across its pages, with a way from each page to the next
    on_pages: list[str] = []
    page = 1
    while True:
        html = tenant_client.get("/directory/", {"page": page}, tenant=regency).content.decode()
        on_pages += re.findall(r'name="tenant" value="([^"]+)"', html)
        if 'rel="next"' not in html:
            break
        page += 1
    assert sorted(on_pages) == sorted(everyone) and page == 12
    assert '<strong id="directory-count">285</strong>' in html
    # and the agencies list and the triage queue reach their last entries too
    agencies = _walk_api(tenant_client, None, f"/api/v1/regencies/{regency.slug}/agencies/")
    assert {a["slug"] for a in agencies} == {v.slug for v in villages}
    queue = _walk_api(tenant_client, regency, "/api/v1/triage/")
    assert len(queue) == 285 and len({e["tracking_code"] for e in queue}) == 285
    governed: list[str] = []
    for number in range(1, 13):
        html = tenant_client.get("/console/tenants/", {"page": number}).content.decode()
        governed += re.findall(r'<a href="/console/tenants/([^/"]+)/">', html)
    assert sorted(governed) == sorted(everyone)
    # When the admin edits a tenant listed on the last page (beyond the old cut at 100)
    last = sorted(villages, key=lambda v: (v.name, v.pk))[-1]
    answer = tenant_client.put(
        f"/api/v1/directory/{last.slug}/",
        data=json.dumps({"categories": ["jalan-jembatan"], "coverage_code": last.region_id}),
        content_type="application/json",
        tenant=regency,
    )
    # Then it is saved
    assert answer.status_code == 200, answer.content
    assert Authority.objects.get(tenant=last).is_customized
    # and through the page's form as well
    posted = tenant_client.post(
        "/directory/",
        {"tenant": villages[-2].slug, "categories": ["jalan-jembatan"], "coverage_code": ""},
        tenant=regency,
    )
    assert posted.status_code == 302
    assert list(
        Authority.objects.get(tenant=villages[-2]).categories.values_list("key", flat=True)
    ) == ["jalan-jembatan"]


def test_the_triage_page_lists_its_targets_once_whatever_the_queue(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given Cilacap with its villages and a long triage queue
    regency, villages = regency_of(285, tenant_factory, tenant_client)
    # When its admin opens the triage page
    html = tenant_client.get("/triage/", tenant=regency).content.decode()
    # Then a page of the queue shows, and every tenant is a target once (not once per entry)
    assert html.count('class="triage-entry"') == 25
    assert html.count('list="triage-targets"') == 25
    targets = re.findall(r'<option value="([^"]+)">', html)
    assert sorted(targets) == sorted({regency.slug} | {v.slug for v in villages})
