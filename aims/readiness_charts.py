"""Server-rendered SVG bar charts of readiness, the same markup in pages and PDFs."""

from dataclasses import dataclass

BAR_HEIGHT = 18
GAP = 8
LABEL_WIDTH = 280
BAR_WIDTH = 300


@dataclass(frozen=True)
class Bar:
    label: str
    percent: int
    y: int
    width: int
    url: str

    @property
    def colour(self) -> str:
        if self.percent >= 90:
            return "#2e7d32"
        if self.percent >= 60:
            return "#f9a825"
        return "#c62828"


def bar_chart(groups, url_prefix: str = "#") -> dict:
    """Bars for groups of a readiness report (``GroupReport``): label, percent, link."""
    bars = [
        Bar(
            label=_shorten(f"{g.group} {g.title}", 46),
            percent=g.percent,
            y=index * (BAR_HEIGHT + GAP),
            width=round(BAR_WIDTH * g.percent / 100),
            url=f"{url_prefix}group-{g.group}",
        )
        for index, g in enumerate(groups)
    ]
    return {
        "bars": bars,
        "height": len(bars) * (BAR_HEIGHT + GAP),
        "bar_height": BAR_HEIGHT,
        "label_width": LABEL_WIDTH,
        "bar_width": BAR_WIDTH,
        "width": LABEL_WIDTH + BAR_WIDTH + 50,
    }


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
