"""Server-side SVG charts: no script, no network, readable by screen readers.

Each chart is an ``<svg role="img">`` with an ``aria-label`` that says every
figure in words; the report shows the same figures in a table next to it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from . import rules

BAR = "#0b5ed7"
BEFORE = "#6c757d"
AFTER = "#0b5ed7"
TEXT = "#212529"
GRID = "#dee2e6"


def _clip(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart_svg(title: str, rows: Sequence[tuple[str, int]]) -> SafeString:
    """A horizontal bar per row, with its count and share of the total."""
    chart = rules.bar_chart(rows)
    described = "; ".join(
        f"{bar.label}: {bar.value} ({bar.percent:g}%)" for bar in chart.bars
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="survey-chart" '
        f'viewBox="0 0 {chart.width} {chart.height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" '
        f'aria-label="{escape(title)}. {escape(described)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{chart.label_width}" y1="0" x2="{chart.label_width}" '
        f'y2="{chart.height}" stroke="{GRID}"/>',
    ]
    for bar in chart.bars:
        parts.append(
            f'<text x="{chart.label_width - 8}" y="{bar.text_y:.1f}" '
            f'text-anchor="end" font-size="13" fill="{TEXT}">'
            f"{escape(_clip(bar.label))}</text>"
        )
        parts.append(
            f'<rect x="{bar.x}" y="{bar.y}" width="{bar.width}" '
            f'height="{bar.height}" fill="{BAR}" rx="2"/>'
        )
        parts.append(
            f'<text x="{bar.x + bar.width + 6:.1f}" y="{bar.text_y:.1f}" '
            f'font-size="13" fill="{TEXT}">{bar.value} ({bar.percent:g}%)</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped


def _fmt(v):
    """A mean with two decimals, or "no answer"."""
    return gettext("no answer") if v is None else f"{v:.2f}"


def _paired_row(label, before, after, *, y, label_width, plot, bar_h, scale_max):
    """One row of the paired chart: its label, then the before and after bars."""
    parts = [
        f'<text x="{label_width - 8}" y="{y + bar_h + 4}" text-anchor="end" '
        f'font-size="13" fill="{TEXT}">{escape(_clip(label))}</text>'
    ]
    for j, (value, colour, name) in enumerate(
        (
            (before, BEFORE, pgettext("chart bar", "before")),
            (after, AFTER, pgettext("chart bar", "after")),
        )
    ):
        by = y + j * (bar_h + 4)
        w = 0 if value is None else plot * max(0.0, value) / scale_max
        parts.append(
            f'<rect x="{label_width}" y="{by}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{colour}" rx="2"/>'
        )
        parts.append(
            f'<text x="{label_width + w + 6:.1f}" y="{by + bar_h - 3}" '
            f'font-size="12" fill="{TEXT}">{name} {_fmt(value)}</text>'
        )
    return parts


def paired_chart_svg(
    title: str,
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    scale_max: float = 5.0,
) -> SafeString:
    """Two bars per row (before in grey, after in blue), on a 0 to max scale."""
    width, label_width, value_width = 640, 220, 70
    plot = width - label_width - value_width
    bar_h, gap = 14, 12
    row_h = 2 * bar_h + 4 + gap
    height = gap + len(rows) * row_h + 24

    described = "; ".join(
        gettext("%(label)s: before %(before)s, after %(after)s")
        % {"label": label, "before": _fmt(b), "after": _fmt(a)}
        for label, b, a in rows
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="survey-chart" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" '
        f'aria-label="{escape(title)}. {escape(described)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, before, after) in enumerate(rows):
        parts += _paired_row(
            label,
            before,
            after,
            y=gap + i * row_h,
            label_width=label_width,
            plot=plot,
            bar_h=bar_h,
            scale_max=scale_max,
        )
    legend_y = height - 8
    parts.append(
        f'<text x="{label_width}" y="{legend_y}" font-size="12" fill="{TEXT}">'
        + escape(
            gettext("Scale 0 to %(max)s; grey: before, blue: after.")
            % {"max": f"{scale_max:g}"}
        )
        + "</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped
