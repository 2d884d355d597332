"""Region boundaries: where the operator has loaded a boundary file (`aduan regions boundaries
FILE.geojson`, villages or regencies keyed by their official codes), a coordinate is placed in
its village (or regency) and then routed like a village code.

Stored in the public schema (routing.models.Boundary): the bounding box in indexed columns picks
the few candidates a point may be in, then shapely tests the point against each polygon. No
PostGIS: a regency's few hundred villages are a small table."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from shapely.errors import GEOSException
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from aduan.errors import AduanError
from routing.models import Boundary
from tenants.models import Region, RegionLevel

# The region levels a boundary file may hold; a village is the finer answer.
LEVELS = (RegionLevel.VILLAGE, RegionLevel.REGENCY)
CODE_KEYS = ("code", "kode", "kode_wilayah", "kode_desa", "kode_kab")


class BoundaryFileError(AduanError):
    """A boundary file that cannot be loaded; nothing of it is stored."""


def _refuse(message: str, **extra: Any) -> BoundaryFileError:
    return BoundaryFileError("routing.bad_boundary_file", message, extra)


@dataclass(frozen=True)
class ParsedBoundary:
    code: str
    geometry: dict[str, Any]
    bounds: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


def _code_of(feature: dict[str, Any]) -> str:
    properties = feature.get("properties") or {}
    for key in CODE_KEYS:
        value = properties.get(key) if isinstance(properties, dict) else None
        if value:
            return str(value).strip()
    return str(feature.get("id") or "").strip()


def parse_boundaries(source: Path) -> list[ParsedBoundary]:
    """The features of a GeoJSON FeatureCollection, each a Polygon or MultiPolygon keyed by a
    region code; the first fault found is refused with its feature number."""
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise _refuse(
            _("Berkas batas wilayah %(file)s tidak dapat dibaca: %(error)s")
            % {"file": source, "error": error.strerror or error}
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _refuse(
            _("Berkas batas wilayah %(file)s bukan GeoJSON (JSON tidak sah).") % {"file": source}
        ) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not features:
        raise _refuse(
            _("Berkas batas wilayah %(file)s harus berupa FeatureCollection yang berisi fitur.")
            % {"file": source}
        )
    parsed: list[ParsedBoundary] = []
    for number, feature in enumerate(features, start=1):
        code = _code_of(feature) if isinstance(feature, dict) else ""
        if not code:
            raise _refuse(
                _("Fitur ke-%(n)s tidak punya kode wilayah (properti code/kode).") % {"n": number}
            )
        geometry = feature.get("geometry")
        try:
            polygon = shape(geometry) if isinstance(geometry, dict) else None
        except (GEOSException, ValueError, TypeError, AttributeError, KeyError, IndexError):
            polygon = None
        if polygon is None or polygon.geom_type not in ("Polygon", "MultiPolygon"):
            raise _refuse(
                _("Fitur ke-%(n)s (%(code)s): geometri harus Polygon atau MultiPolygon yang sah.")
                % {"n": number, "code": code}
            )
        min_lon, min_lat, max_lon, max_lat = polygon.bounds
        parsed.append(ParsedBoundary(code, geometry, (min_lon, min_lat, max_lon, max_lat)))
    return parsed


def load_boundaries(source: Path) -> int:
    """Store the file's boundaries (replacing those of the same regions), all or none.
    Every code must be a known village or regency (`aduan regions load` first)."""
    parsed = parse_boundaries(source)
    codes = [p.code for p in parsed]
    levels = dict(
        Region.objects.filter(code__in=codes, level__in=LEVELS).values_list("code", "level")
    )
    unknown = [code for code in codes if code not in levels]
    if unknown:
        raise _refuse(
            _("Kode wilayah tidak dikenal sebagai desa/kelurahan atau kabupaten/kota: %(codes)s")
            % {"codes": ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")}
        )
    with transaction.atomic():
        Boundary.objects.filter(region_id__in=codes).delete()
        Boundary.objects.bulk_create(
            Boundary(
                region_id=p.code,
                level=levels[p.code],
                min_lon=p.bounds[0],
                min_lat=p.bounds[1],
                max_lon=p.bounds[2],
                max_lat=p.bounds[3],
                geometry=p.geometry,
            )
            for p in parsed
        )
    return len(parsed)


def _candidates(lat: float, lon: float) -> Iterable[Boundary]:
    return Boundary.objects.filter(
        min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon
    ).select_related("region")


def locate(latitude: Decimal | float | str, longitude: Decimal | float | str) -> Region | None:
    """The village holding the point, else the regency holding it, else None (no boundary
    loaded there, or the point is outside every one)."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    point = Point(lon, lat)  # GeoJSON order: longitude first
    found: dict[str, Region] = {}
    for boundary in _candidates(lat, lon):
        polygon: BaseGeometry = shape(boundary.geometry)
        if polygon.covers(point):
            found.setdefault(boundary.level, boundary.region)
    return found.get(RegionLevel.VILLAGE) or found.get(RegionLevel.REGENCY)
