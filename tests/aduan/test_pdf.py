"""One PDF engine prints any script with its shipped font; a chart is one datum, SVG or PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from aduan.charts import Chart, Kind, Series, bar_chart, nice_ceiling, svg
from aduan.pdf import A5, Document


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_document_prints_names_beyond_latin_1_as_written() -> None:
    doc = Document(title="Uji", size=A5)
    doc.heading("TANDA TERIMA")
    doc.row("Pengadu", "Ni Luh Putu Ayu \u2013 ꦲꦗꦶ Ōtsuka")
    doc.table(["Bulan", "Diterima"], [["Januari", "12"], ["Februari", "7"]])
    text = _text(doc.output())
    assert "Ni Luh Putu Ayu \u2013 " in text and "Ōtsuka" in text
    assert "Februari" in text and "12" in text


def test_a_chart_in_a_pdf_keeps_its_title_and_labels() -> None:
    doc = Document(title="Rekap")
    doc.chart(bar_chart("Pengaduan per kanal", [("web", 5), ("whatsapp", 12), ("sms", 0)]))
    text = _text(doc.output())
    assert "Pengaduan per kanal" in text
    assert "whatsapp" in text


def test_the_svg_of_a_chart_states_its_data_and_escapes_labels() -> None:
    chart = Chart(
        title="Tren <12 bulan>",
        labels=("Jan", "Feb"),
        series=(Series("Diterima", (3.0, 7.0)), Series("Selesai", (1.0, 6.0))),
        kind=Kind.LINE,
    )
    out = svg(chart)
    assert out.startswith("<svg") and out.endswith("</svg>")
    assert "Tren &lt;12 bulan&gt;" in out and "<12" not in out
    assert "Diterima: Jan 3, Feb 7" in out and out.count("<polyline") == 2


def test_a_series_must_have_a_value_per_label() -> None:
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        Chart(title="x", labels=("a", "b", "c"), series=(Series("s", (1.0, 2.0)),))


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (7, 10), (12, 20), (95, 100), (101, 200), (480, 500)]
)
def test_the_value_axis_ends_on_a_readable_number(value: float, top: float) -> None:
    assert nice_ceiling(value) == top
