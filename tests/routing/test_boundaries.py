"""`aduan regions boundaries FILE.geojson`: boundaries place a coordinate in its village (or
regency), which the router then routes like a village code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aduan import cli
from routing.boundaries import locate
from routing.models import Boundary
from routing.router import Outcome, propose
from tenants.models import TenantKind
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "data" / "boundaries.geojson"
BABAKAN_KAWUNGANTEN = "33.01.09.2014"


def load(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["regions", "boundaries", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_loads_a_boundary_file_and_points_find_their_village(
    reference_data: object, capsys: pytest.CaptureFixture[str]
) -> None:
    # When the operator loads the file (two villages and their regency), twice
    first = load(FIXTURE, capsys)
    again = load(FIXTURE, capsys)
    # Then it says how many, and loading again replaces rather than adds
    assert first == (0, "Boundaries loaded: 3\n", "")
    assert again == first
    assert sorted(Boundary.objects.values_list("region_id", "level")) == [
        ("33.01", "regency"),
        ("33.01.09.2014", "village"),
        ("33.01.12.2010", "village"),
    ]
    # And a point finds its village (before the regency around it), the regency when it is in
    # no village loaded, and nothing outside every boundary
    assert locate("-7.62", "108.92").code == BABAKAN_KAWUNGANTEN  # type: ignore[union-attr]
    assert locate(-7.37, 108.72).code == "33.01.12.2010"  # type: ignore[union-attr]
    assert locate("-7.5", "109.2").code == "33.01"  # type: ignore[union-attr]
    assert locate("0.1", "110.5") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "bukan GeoJSON"),
        ('{"type": "Feature"}', "harus berupa FeatureCollection"),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},'
            ' "geometry": {"type": "Point", "coordinates": [1, 2]}}]}',
            "Fitur ke-1 tidak punya kode wilayah",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties":'
            ' {"code": "33.01.09.2014"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}]}',
            "Fitur ke-1 (33.01.09.2014): geometri harus Polygon atau MultiPolygon",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties":'
            ' {"code": "99.99"}, "geometry": {"type": "Polygon", "coordinates":'
            " [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]}",
            "Kode wilayah tidak dikenal sebagai desa/kelurahan atau kabupaten/kota: 99.99",
        ),
    ],
)
def test_a_bad_boundary_file_is_one_readable_line_and_nothing_is_stored(
    reference_data: object,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    message: str,
) -> None:
    # Given a bad file
    bad = tmp_path / "batas.geojson"
    bad.write_text(content, encoding="utf-8")
    # When the operator loads it
    code, out, err = load(bad, capsys)
    # Then one line says what is wrong, the exit is non-zero, and nothing is stored
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("aduan: error: ")
    assert message in err
    assert not Boundary.objects.exists()


def test_a_missing_file_is_one_readable_line(
    reference_data: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = load(tmp_path / "tidak-ada.geojson", capsys)
    assert code == 1
    assert err.startswith("aduan: error: Berkas batas wilayah ") and len(err.splitlines()) == 1


def test_the_router_places_coordinates_by_the_boundaries(
    tenant_factory: TenantFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given Cilacap's government and Desa Babakan (Kawunganten) on Aduan, boundaries loaded
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    village = tenant_factory(region_code=BABAKAN_KAWUNGANTEN, parent=regency)
    assert load(FIXTURE, capsys)[0] == 0
    # When a village matter comes with coordinates only: inside the village, inside only the
    # regency, and outside everything loaded
    inside = propose(subject="Dana desa tidak diumumkan", latitude="-7.62", longitude="108.92")
    regency_only = propose(subject="Dana desa tidak diumumkan", latitude=-7.5, longitude=109.2)
    outside = propose(subject="Dana desa tidak diumumkan", latitude="0.1", longitude="110.5")
    # Then the point routes like the village code; in the regency only it is triaged there
    assert (inside.outcome, inside.target) == (Outcome.ROUTE, village)
    assert f"koordinat → desa {BABAKAN_KAWUNGANTEN} (Babakan)" in inside.reason
    assert (regency_only.outcome, regency_only.target) == (Outcome.TRIAGE, regency)
    assert "koordinat → KABUPATEN CILACAP" in regency_only.reason
    # and with nothing known there, SP4N-LAPOR!
    assert (outside.outcome, outside.target) == (Outcome.LAPOR, None)
    assert "koordinat tidak dipetakan ke desa" in outside.reason


def test_the_fixture_is_valid_geojson() -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 3
