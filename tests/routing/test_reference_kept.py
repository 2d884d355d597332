"""The category catalogue and the region codes are kept per process (issue 23: the front door
reads them on every filing). A kept read must be real: read once, and a load of either is
seen at once in the process that loaded it."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from routing import directory
from routing.selectors import catalogue, category_at
from tenants.models import Region, RegionLevel
from tenants.regions import region_at, upsert_rows
from tests.factories import PlatformData


def test_the_catalogue_is_read_once_until_it_is_loaded_again(
    reference_data: PlatformData, tmp_path: Path
) -> None:
    # Given the catalogue read once in this process
    before = catalogue()
    with CaptureQueriesContext(connection) as reads:
        again, ktp = catalogue(), category_at("ktp-el")
    # Then the second read ran no query and gave the same categories
    assert len(reads) == 0
    assert again == before and ktp is not None
    assert category_at("jalan-tol-baru") is None
    # When the catalogue file gains a category and is loaded
    rows = directory.catalogue_rows()
    added = {**rows[0], "key": "jalan-tol-baru", "name": "Jalan tol baru"}
    source = tmp_path / "categories.json"
    source.write_text(json.dumps({"categories": [*rows, added]}), encoding="utf-8")
    assert directory.load_catalogue(source) == 1
    # Then the process sees it at once
    found = category_at("jalan-tol-baru")
    assert found is not None and found.name == "Jalan tol baru"


def test_a_region_is_read_once_until_the_codes_are_loaded_again(
    reference_data: PlatformData,
) -> None:
    # Given a village looked up once, and a code that is no village
    village = Region.objects.filter(level=RegionLevel.VILLAGE).order_by("code").first()
    assert village is not None
    assert region_at(village.code, RegionLevel.VILLAGE) == village
    assert region_at("99.99.99.9999", RegionLevel.VILLAGE) is None
    with CaptureQueriesContext(connection) as reads:
        kept = region_at(village.code, RegionLevel.VILLAGE)
        unknown = region_at("99.99.99.9999", RegionLevel.VILLAGE)
    # Then looking them up again ran no query
    assert len(reads) == 0
    assert kept is not None and kept.name == village.name and unknown is None
    # When the official list renames the village and is loaded again
    upsert_rows([(village.code, "Babakan Baru", RegionLevel.VILLAGE, village.parent_id)])
    # Then the process sees the new name at once
    renamed = region_at(village.code, RegionLevel.VILLAGE)
    assert renamed is not None and renamed.name == "Babakan Baru"
