"""Loading the official region codes into the public schema: bulk COPY, idempotent."""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from cachetools import TTLCache, cached
from django.db import connection, transaction
from django.utils.translation import gettext as _

from aduan.db import RowReader
from tenants.errors import TenantError, TenantErrorCode
from tenants.models import Region, RegionLevel

PACKAGED_DATA = Path(__file__).resolve().parent / "data" / "regions"
FILES = [
    ("provinces.csv", RegionLevel.PROVINCE),
    ("regencies.csv", RegionLevel.REGENCY),
    ("districts.csv", RegionLevel.DISTRICT),
    ("villages.csv", RegionLevel.VILLAGE),
]


def check_source(source: Path) -> None:
    for filename, _level in FILES:
        path = source / filename
        if not path.is_file():
            raise TenantError(
                TenantErrorCode.REGION_DATA_MISSING,
                _("Berkas data wilayah %(path)s tidak ditemukan.") % {"path": path},
            )


Row = tuple[str, str, str, str | None]


def _rows(source: Path, prefixes: tuple[str, ...]) -> Iterator[Row]:
    check_source(source)
    for filename, level in FILES:
        path = source / filename
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)  # header
            for row in reader:
                code = row[0]
                parent = row[1] if level != RegionLevel.PROVINCE else None
                name = row[-1]
                # A slice keeps a region when it is inside a prefix or an ancestor of one.
                if prefixes and not any(
                    code.startswith(p) or p.startswith(code + ".") for p in prefixes
                ):
                    continue
                yield code, name, level.value, parent


def count_rows(source: Path = PACKAGED_DATA) -> int:
    check_source(source)
    total = 0
    for filename, _level in FILES:
        with (source / filename).open(encoding="utf-8") as handle:
            total += sum(1 for _ in handle) - 1
    return total


def load_regions(
    source: Path = PACKAGED_DATA,
    *,
    prefixes: tuple[str, ...] = (),
    progress: Callable[[int], None] | None = None,
) -> int:
    """COPY every region into a staging table, then upsert: runs in seconds, safe to repeat.

    Rows come in level order (provinces first), so every parent exists before its children.
    Returns the number of regions in the source (or slice).
    """
    return upsert_rows(parse_rows(source, prefixes), progress=progress)


def parse_rows(source: Path = PACKAGED_DATA, prefixes: tuple[str, ...] = ()) -> Iterator[Row]:
    """The source's rows (or a slice of them), provinces first."""
    return _rows(source, prefixes)


def upsert_rows(rows: Iterable[Row], *, progress: Callable[[int], None] | None = None) -> int:
    """COPY the rows into a staging table, then upsert them; returns how many were given."""
    loaded = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE region_stage (code text, name text, level text, parent text)"
            " ON COMMIT DROP"
        )
        raw = cursor.cursor
        with raw.copy("COPY region_stage (code, name, level, parent) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                loaded += 1
                if progress is not None and loaded % 5000 == 0:
                    progress(5000)
        cursor.execute(
            """
            INSERT INTO tenants_region (code, name, level, parent_id)
            SELECT code, name, level, parent FROM region_stage
            ORDER BY length(code), code
            ON CONFLICT (code) DO UPDATE
               SET name = EXCLUDED.name, level = EXCLUDED.level, parent_id = EXCLUDED.parent_id
             WHERE (tenants_region.name, tenants_region.level, tenants_region.parent_id)
                   IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.level, EXCLUDED.parent_id)
            """
        )
        # ON COMMIT DROP is not enough inside an outer transaction (a savepoint never commits).
        cursor.execute("DROP TABLE region_stage")
    forget_regions()
    if progress is not None:
        progress(loaded % 5000)
    return loaded


# The official codes change only when they are loaded again (`upsert_rows`, which forgets them
# in its own process); another process sees a reload within this many seconds. A province's
# villages (Jawa Tengah has 8,562) fit in the bound, a few MB.
REGION_SECONDS = 300
REGIONS_KEPT = 10_000
_regions: TTLCache[tuple[str, str], Region | None] = TTLCache(REGIONS_KEPT, REGION_SECONDS)
_regions_lock = threading.Lock()
# A worker's first look at a code (most front-door filings, at thousands of villages): SQL
# written once rather than a query compiled per call.
REGION_ROWS = RowReader(Region)
_REGION_AT = (
    f"SELECT {REGION_ROWS.columns('r')} FROM {Region._meta.db_table} AS r"  # noqa: S608 (our names)
    " WHERE code = %s AND level = %s"
)


@cached(_regions, lock=_regions_lock)
def region_at(code: str, level: str) -> Region | None:
    """The region of this code at this level, None when there is none. Kept per process: every
    front-door filing and every intake naming a village looks one up. Read-only: shared."""
    return next((region for region, _rest in REGION_ROWS.read(_REGION_AT, [code, level])), None)


def keep_region(code: str, level: str, region: Region | None) -> None:
    """Keep a region read by another statement (the front door's village comes with its
    authorities): `region_at` then answers it without a query."""
    with _regions_lock:
        _regions[(code, level)] = region  # the key `cached` makes of (code, level)


def forget_regions() -> None:
    """Empty the process's regions (a reload here; tests)."""
    with _regions_lock:
        _regions.clear()
