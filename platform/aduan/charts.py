"""Charts drawn on the server, the same figures for a page (SVG) and a PDF (`aduan.pdf`).

No chart library from a CDN and no JavaScript: a chart is data (`Chart`), rendered here as
inline SVG that scales with the page, and by `aduan.pdf.Document.chart` with fpdf2's own
drawing. Bars for counts per label, a line for a trend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from html import escape

WIDTH = 640
HEIGHT = 240
LEFT = 44  # room for the value axis labels
BOTTOM = 48  # room for the category labels
TOP = 28
PALETTE = ("#1d4ed8", "#059669", "#d97706", "#dc2626", "#7c3aed")


class Kind(StrEnum):
    BAR = "bar"
    LINE = "line"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    kind: Kind = Kind.BAR
    unit: str = ""

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.labels):
                raise ValueError(f"series {series.name!r} has {len(series.values)} values "
                                 f"for {len(self.labels)} labels")  # fmt: skip

    @property
    def top(self) -> float:
        """The value axis' top: the largest value rounded up to a readable step."""
        largest = max((v for s in self.series for v in s.values), default=0.0)
        return nice_ceiling(largest)


def bar_chart(title: str, data: Sequence[tuple[str, float]], *, unit: str = "") -> Chart:
    return Chart(
        title=title,
        labels=tuple(label for label, _ in data),
        series=(Series(name=title, values=tuple(float(v) for _, v in data)),),
        unit=unit,
    )


def nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if factor * step >= value:
            return float(factor * step)
    return 10 * step


def _format(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".") if value == int(value) else f"{value:.1f}"


def describe(chart: Chart) -> str:
    """The chart's data as one sentence, for screen readers and text extraction."""
    return "; ".join(
        f"{s.name}: "
        + ", ".join(
            f"{label} {_format(v)}{chart.unit}"
            for label, v in zip(chart.labels, s.values, strict=True)
        )
        for s in chart.series
    )


def svg(chart: Chart) -> str:
    """The chart as an accessible inline SVG (role="img", a <title>, one <desc> with the data)."""
    plot_w = WIDTH - LEFT - 8
    plot_h = HEIGHT - TOP - BOTTOM
    top = chart.top
    n = max(len(chart.labels), 1)
    slot = plot_w / n

    def y(value: float) -> float:
        return TOP + plot_h - (value / top) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(chart.title)}</title>",
        f"<desc>{escape(describe(chart))}</desc>",
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(chart.title)}</text>',
    ]
    for i in range(5):  # gridlines and the value axis
        value = top * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - 8}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}" stroke="#e5e7eb"/>')  # fmt: skip
        parts.append(f'<text x="{LEFT - 4}" y="{y(value) + 4:.1f}" font-size="10" '
                     f'text-anchor="end">{_format(value)}</text>')  # fmt: skip
    for i, label in enumerate(chart.labels):
        x = LEFT + slot * (i + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" '
                     f'text-anchor="middle">{escape(label[:14])}</text>')  # fmt: skip
    width = slot * 0.8 / max(len(chart.series), 1)
    for k, series in enumerate(chart.series):
        colour = PALETTE[k % len(PALETTE)]
        if chart.kind is Kind.BAR:
            for i, value in enumerate(series.values):
                x = LEFT + slot * i + slot * 0.1 + width * k
                parts.append(f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{width:.1f}" '
                             f'height="{TOP + plot_h - y(value):.1f}" fill="{colour}">'
                             f"<title>{escape(chart.labels[i])}: {_format(value)}"
                             f"{escape(chart.unit)}</title></rect>")  # fmt: skip
        else:
            points = " ".join(f"{LEFT + slot * (i + 0.5):.1f},{y(v):.1f}"
                              for i, v in enumerate(series.values))  # fmt: skip
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                         f'stroke-width="2"/>')  # fmt: skip
    if len(chart.series) > 1:
        for k, series in enumerate(chart.series):
            x = LEFT + k * 140
            parts.append(f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" '
                         f'fill="{PALETTE[k % len(PALETTE)]}"/>'
                         f'<text x="{x + 14}" y="{HEIGHT - 5}" font-size="10">'
                         f"{escape(series.name)}</text>")  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)
