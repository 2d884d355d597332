"""The platform's one PDF engine: fpdf2 (pure Python) with a shipped Unicode font.

Every printable document (the receipt, the head's monthly report, the berita acara, the
complaint book, invoices) is a `Document`: DejaVu Sans shipped in `aduan/fonts` (Bitstream
Vera licence, LICENSE-DejaVu.txt) so names in any script print as written, the same headings,
label rows, tables and charts (`aduan.charts`) everywhere, and `output()` gives the bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

from aduan.charts import PALETTE, Chart, Kind

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
A4 = (210.0, 297.0)
A5 = (148.0, 210.0)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


class Document:
    def __init__(self, *, title: str, size: tuple[float, float] = A4, margin: float = 12) -> None:
        self.pdf = FPDF(format=size)
        self.pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.pdf.set_margins(margin, margin, margin)
        self.pdf.set_auto_page_break(auto=True, margin=margin)
        self.pdf.set_title(title)
        self.pdf.set_creator("Aduan")
        self.pdf.add_page()

    @property
    def width(self) -> float:
        return float(self.pdf.epw)

    def text(self, text: str, *, size: float = 10, bold: bool = False, height: float = 6) -> None:
        self.pdf.set_font(FAMILY, style="B" if bold else "", size=size)
        self.pdf.multi_cell(self.width, height, text, new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str, *, size: float = 14) -> None:
        self.text(text, size=size, bold=True, height=size * 0.65)

    def space(self, mm: float = 3) -> None:
        self.pdf.ln(mm)

    def row(self, label: str, value: str, *, label_width: float = 38, size: float = 9) -> None:
        """A label and its value on one line, the value wrapping under itself."""
        self.pdf.set_font(FAMILY, style="B", size=size)
        self.pdf.cell(label_width, 6, label)
        self.pdf.set_font(FAMILY, size=size)
        self.pdf.multi_cell(self.width - label_width, 6, value, new_x="LMARGIN", new_y="NEXT")

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float] | None = None,
        size: float = 8,
    ) -> None:
        """A bordered table whose header repeats on every page it spans."""
        self.pdf.set_font(FAMILY, size=size)
        col_widths = tuple(widths) if widths else (self.width / len(headers),) * len(headers)
        with self.pdf.table(
            col_widths=col_widths, line_height=size * 0.55, text_align="LEFT", width=self.width
        ) as table:
            header = table.row()
            for cell in headers:
                header.cell(cell)
            for values in rows:
                row = table.row()
                for cell in values:
                    row.cell(cell)

    def chart(self, chart: Chart, *, height: float = 60) -> None:
        """The chart drawn with fpdf2's own lines and rectangles (no image, no browser)."""
        pdf = self.pdf
        if pdf.get_y() + height + 12 > pdf.h - pdf.b_margin:
            pdf.add_page()
        self.text(chart.title, size=10, bold=True)
        left, top = pdf.l_margin + 12, pdf.get_y() + 2
        plot_w, plot_h = self.width - 14, height - 14
        axis_top = chart.top
        pdf.set_font(FAMILY, size=6)
        pdf.set_draw_color(229, 231, 235)
        for i in range(5):
            value = axis_top * i / 4
            y = top + plot_h - plot_h * i / 4
            pdf.line(left, y, left + plot_w, y)
            pdf.set_xy(left - 12, y - 2)
            pdf.cell(11, 4, f"{value:g}", align="R")
        n = max(len(chart.labels), 1)
        slot = plot_w / n
        bar_w = slot * 0.8 / max(len(chart.series), 1)
        for k, series in enumerate(chart.series):
            pdf.set_fill_color(*_rgb(PALETTE[k % len(PALETTE)]))
            pdf.set_draw_color(*_rgb(PALETTE[k % len(PALETTE)]))
            previous: tuple[float, float] | None = None
            for i, value in enumerate(series.values):
                h = plot_h * (value / axis_top)
                if chart.kind is Kind.BAR:
                    if h > 0:
                        pdf.rect(left + slot * i + slot * 0.1 + bar_w * k, top + plot_h - h,
                                 bar_w, h, style="F")  # fmt: skip
                else:
                    point = (left + slot * (i + 0.5), top + plot_h - h)
                    if previous:
                        pdf.line(*previous, *point)
                    previous = point
        pdf.set_font(FAMILY, size=6)
        for i, label in enumerate(chart.labels):
            pdf.set_xy(left + slot * i, top + plot_h + 1)
            pdf.cell(slot, 4, label[:12], align="C")
        pdf.set_draw_color(0, 0, 0)
        pdf.set_xy(pdf.l_margin, top + height - 6)
        if len(chart.series) > 1:
            self.text("   ".join(f"■ {s.name}" for s in chart.series), size=7)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
