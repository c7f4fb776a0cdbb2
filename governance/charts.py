"""The trend chart of an indicator: an inline SVG (no script, no external file) used on
the objective page and, unchanged, in the PDF packs."""

import datetime
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28


def _num(value) -> float:
    return float(Decimal(value))


def trend_chart(indicator, measurements) -> str:
    """``measurements`` oldest first. Target and threshold are dashed lines."""
    points = [(m.measured_on, _num(m.value)) for m in measurements]
    target, threshold = _num(indicator.target), _num(indicator.threshold)
    values = [v for _, v in points] + [target, threshold]
    low, high = min(values), max(values)
    if high == low:
        high, low = high + 1, low - 1
    pad = (high - low) * 0.1
    low, high = low - pad, high + pad
    if points:
        first, last = points[0][0], points[-1][0]
    else:
        last = datetime.date.today()
        first = last - datetime.timedelta(days=365)
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day):
        return LEFT + plot_w * ((day - first).days / span if len(points) > 1 else 0.5)

    def y(value):
        return TOP + plot_h * (1 - (value - low) / (high - low))

    title = escape(f"Trend of {indicator.name}")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{title}">',
        f"<title>{title}</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#ccc"/>',
    ]
    for label, value, colour in (
        ("target", target, "#198754"),
        ("threshold", threshold, "#dc3545"),
    ):
        parts.append(
            f'<line class="{label}" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" stroke="{colour}" stroke-dasharray="5 4"/>'
            f'<text x="{LEFT + plot_w - 4}" y="{y(value) - 3:.1f}" font-size="10" '
            f'text-anchor="end" fill="{colour}">{label} {escape(_fmt(value))}</text>'
        )
    for value in (low + pad, high - pad):
        parts.append(
            f'<text x="{LEFT - 4}" y="{y(value) + 3:.1f}" font-size="10" text-anchor="end" '
            f'fill="#555">{escape(_fmt(value))}</text>'
        )
    if points:
        path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="#0d6efd" stroke-width="2"/>'
        )
        for day, value in points:
            parts.append(
                f'<circle class="point" cx="{x(day):.1f}" cy="{y(value):.1f}" r="3" fill="#0d6efd">'
                f"<title>{day.isoformat()}: {escape(_fmt(value))}</title></circle>"
            )
        parts.append(
            f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="10" fill="#555">{first.isoformat()}</text>'
            f'<text x="{LEFT + plot_w}" y="{HEIGHT - 8}" font-size="10" text-anchor="end" '
            f'fill="#555">{last.isoformat()}</text>'
        )
    else:
        parts.append(
            f'<text x="{LEFT + plot_w / 2}" y="{TOP + plot_h / 2}" font-size="12" '
            'text-anchor="middle" fill="#555">No measurements yet</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
