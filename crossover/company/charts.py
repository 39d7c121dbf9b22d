"""SVG charts of the company survey: the engagement scatter, the trend line and the consortium's
box plots; and the age × tenure map's colours.

The map colours a cell by how far its mean lies from the company's own mean, in units of the
company's SD, on the evidence board's diverging steps (0.2, 0.5, 0.8; text colours chosen there
for WCAG AA contrast), so one legend reads the same on both pages.
"""

from html import escape
import math

from crossover.web import charts as board_charts
from crossover.web.ui import number

SVG_HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
    'aria-label="{title}" class="chart {cls}"><title>{title}</title>'
)


def _head(width: int, height: int, title: str, cls: str) -> str:
    return SVG_HEAD.format(w=width, h=height, title=escape(title), cls=cls)


def _scale(value: float, low: float, high: float, start: float, end: float) -> float:
    """Map value in [low, high] onto [start, end] (end may be below start, as SVG y runs down)."""
    if high == low:
        return (start + end) / 2
    return start + (value - low) / (high - low) * (end - start)


# --- the map ------------------------------------------------------------------------------------


def standardised_gap(mean: float | None, overall: float | None, sd: float | None) -> float | None:
    """A cell's distance from the company's mean in SDs (None without all three figures)."""
    if mean is None or overall is None or not sd:
        return None
    return (mean - overall) / sd


def cell_colours(gap: float | None) -> tuple[str, str]:
    """(background, text) of a map cell: the evidence board's step for the gap."""
    return board_charts.effect_colour(gap), board_charts.text_colour(gap)


def map_legend(words: dict[str, str]) -> list[dict]:
    """The colour steps with their words (keyed like evidence BANDS) and SD ranges."""
    ranges = {
        "large_fall": f"≤ {number(-0.8)}",
        "medium_fall": f"{number(-0.79)} … {number(-0.5)}",
        "small_fall": f"{number(-0.49)} … {number(-0.2)}",
        "none": f"{number(-0.19)} … {number(0.19)}",
        "small_rise": f"{number(0.2)} … {number(0.49)}",
        "medium_rise": f"{number(0.5)} … {number(0.79)}",
        "large_rise": f"≥ {number(0.8)}",
    }
    return [
        {
            "label": words[b.key],
            "range": ranges[b.key],
            "background": b.background,
            "text": b.text,
        }
        for b in board_charts.BANDS
    ]


# --- the engagement scatter ---------------------------------------------------------------------


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round tick values covering [low, high]."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks, value = [], first
    while value <= high + 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _decimals(ticks: list[float]) -> int:
    return 0 if all(abs(t - round(t)) < 1e-9 for t in ticks) else (1 if len(ticks) < 2 else 2)


def scatter_chart(
    bins: list[dict],
    line: dict | None,
    *,
    scale_min: float,
    scale_max: float,
    labels: dict[str, str],
) -> str:
    """Mean career-ownership score per engagement bin (a dot at the bin's middle, the bin's span
    as a thin bar) and the fitted least-squares line over the range of engagement scores.

    `labels`: title, x (axis), y (axis)."""
    width, height = 560, 320
    left, right, top, bottom = 60, 540, 20, 260
    x_low = min(b["low"] for b in bins)
    x_high = max(b["high"] for b in bins)
    if x_high == x_low:
        x_high = x_low + 1

    def x(v: float) -> float:
        return _scale(v, x_low, x_high, left, right)

    def y(v: float) -> float:
        return _scale(v, scale_min, scale_max, bottom, top)

    parts = [_head(width, height, labels["title"], "scatter")]
    for tick in range(int(scale_min), int(scale_max) + 1):
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
            f'<text x="{left - 8}" y="{y(tick) + 4:.1f}" text-anchor="end" class="tick">'
            f"{tick}</text>"
        )
    ticks = _nice_ticks(x_low, x_high)
    digits = _decimals(ticks)
    for tick in ticks:
        parts.append(
            f'<text x="{x(tick):.1f}" y="{bottom + 16}" text-anchor="middle" class="tick">'
            f"{number(tick, digits)}</text>"
        )
    parts.append(
        f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" class="axis-line"/>'
        f'<text x="{(left + right) / 2}" y="{height - 12}" text-anchor="middle" class="axis">'
        f"{escape(labels['x'])}</text>"
        f'<text x="14" y="{(top + bottom) / 2}" text-anchor="middle" class="axis" '
        f'transform="rotate(-90 14 {(top + bottom) / 2})">{escape(labels["y"])}</text>'
    )
    if line and line.get("slope") is not None:
        ends = [(v, line["intercept"] + line["slope"] * v) for v in (x_low, x_high)]
        ends = [(v, min(max(s, scale_min), scale_max)) for v, s in ends]
        parts.append(
            f'<line x1="{x(ends[0][0]):.1f}" y1="{y(ends[0][1]):.1f}" x2="{x(ends[1][0]):.1f}" '
            f'y2="{y(ends[1][1]):.1f}" class="fit"/>'
        )
    for b in bins:
        if b["suppressed"] or b["mean"] is None:
            continue
        middle = (b["low"] + b["high"]) / 2
        parts.append(
            f'<line x1="{x(b["low"]):.1f}" x2="{x(b["high"]):.1f}" y1="{y(b["mean"]):.1f}" '
            f'y2="{y(b["mean"]):.1f}" class="bin-span"/>'
            f'<circle cx="{x(middle):.1f}" cy="{y(b["mean"]):.1f}" r="5" class="point"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- the trend ----------------------------------------------------------------------------------


def _value_range(values: list[float], scale_min: float, scale_max: float) -> tuple[float, float]:
    """The y range of the trend: the CIs padded to half points, inside the response scale."""
    if not values:
        return scale_min, scale_max
    low = max(scale_min, math.floor(min(values) * 2) / 2 - 0.5)
    high = min(scale_max, math.ceil(max(values) * 2) / 2 + 0.5)
    return (low, high) if high > low else (scale_min, scale_max)


def trend_chart(
    rounds: list[dict], *, scale_min: float, scale_max: float, labels: dict[str, str]
) -> str:
    """Each round's mean (a dot joined by a line) with its 95% CI as a whisker, rounds spaced
    evenly in time order; a dashed vertical marker where the instrument version changed.

    `labels`: title, y (axis), break (the marker's words), withheld (under a withheld round)."""
    width, top, bottom = 600, 30, 240
    height = bottom + 60
    left, right = 60, 580
    shown = [r for r in rounds if not r["suppressed"]]
    low, high = _value_range(
        [v for r in shown for v in (r["ci_low"], r["ci_high"]) if v is not None],
        scale_min,
        scale_max,
    )
    step = (right - left) / max(len(rounds), 1)

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(v: float) -> float:
        return _scale(v, low, high, bottom, top)

    parts = [_head(width, height, labels["title"], "trend")]
    for tick in _nice_ticks(low, high, 4):
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
            f'<text x="{left - 8}" y="{y(tick) + 4:.1f}" text-anchor="end" class="tick">'
            f"{number(tick, 1)}</text>"
        )
    parts.append(
        f'<text x="14" y="{(top + bottom) / 2}" text-anchor="middle" class="axis" '
        f'transform="rotate(-90 14 {(top + bottom) / 2})">{escape(labels["y"])}</text>'
    )
    for i in range(1, len(rounds)):
        if rounds[i]["instrument_version"] != rounds[i - 1]["instrument_version"]:
            bx = (x(i - 1) + x(i)) / 2
            parts.append(
                f'<line x1="{bx:.1f}" x2="{bx:.1f}" y1="{top - 10}" y2="{bottom}" class="break"/>'
                f'<text x="{bx:.1f}" y="{top - 14}" text-anchor="middle" class="break-label">'
                f"{escape(labels['break'])}</text>"
            )
    points = [(x(i), y(r["mean"])) for i, r in enumerate(rounds) if not r["suppressed"]]
    if len(points) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(f'<polyline points="{path}" class="trend-line"/>')
    for i, r in enumerate(rounds):
        parts.append(
            f'<text x="{x(i):.1f}" y="{bottom + 20}" text-anchor="middle" class="axis">'
            f"{escape(r['label'])}</text>"
        )
        if r["suppressed"]:
            parts.append(
                f'<text x="{x(i):.1f}" y="{bottom + 38}" text-anchor="middle" class="tick">'
                f"{escape(labels['withheld'])}</text>"
            )
            continue
        parts.append(
            f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{y(r["ci_low"]):.1f}" '
            f'y2="{y(r["ci_high"]):.1f}" class="ci"/>'
            f'<line x1="{x(i) - 6:.1f}" x2="{x(i) + 6:.1f}" y1="{y(r["ci_low"]):.1f}" '
            f'y2="{y(r["ci_low"]):.1f}" class="ci"/>'
            f'<line x1="{x(i) - 6:.1f}" x2="{x(i) + 6:.1f}" y1="{y(r["ci_high"]):.1f}" '
            f'y2="{y(r["ci_high"]):.1f}" class="ci"/>'
            f'<circle cx="{x(i):.1f}" cy="{y(r["mean"]):.1f}" r="5" class="estimate"/>'
            f'<text x="{x(i) + 10:.1f}" y="{y(r["mean"]) + 4:.1f}" class="value">'
            f"{number(r['mean'])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# --- the consortium -----------------------------------------------------------------------------


def box_plots(
    labels_rows: list[dict], *, scale_min: float, scale_max: float, labels: dict[str, str]
) -> str:
    """One horizontal box per round label on one shared axis: the box spans the first to the
    third quartile of the company means, a bar marks the median and a diamond the pooled mean.
    No whiskers: the lowest and highest company means would each be one company's figure.

    `labels`: title, axis."""
    rows = [r for r in labels_rows if r.get("shown") and r.get("q1") is not None]
    width, left, right, top, step = 600, 90, 570, 20, 40
    height = top + step * len(rows) + 50
    low, high = _value_range(
        [v for r in rows for v in (r["q1"], r["q3"], r["pooled_mean"])], scale_min, scale_max
    )

    def x(v: float) -> float:
        return _scale(v, low, high, left, right)

    parts = [_head(width, height, labels["title"], "boxplot")]
    axis_y = top + step * len(rows) + 5
    for tick in _nice_ticks(low, high, 5):
        parts.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top - 5}" y2="{axis_y}" '
            'class="grid"/>'
            f'<text x="{x(tick):.1f}" y="{axis_y + 16}" text-anchor="middle" class="tick">'
            f"{number(tick, 1)}</text>"
        )
    for i, r in enumerate(rows):
        cy = top + step * i + step / 2
        parts.append(
            f'<text x="{left - 10}" y="{cy + 4:.1f}" text-anchor="end" class="label">'
            f"{escape(r['label'])}</text>"
            f'<rect x="{x(r["q1"]):.1f}" y="{cy - 12:.1f}" '
            f'width="{max(x(r["q3"]) - x(r["q1"]), 1):.1f}" height="24" class="box"/>'
            f'<line x1="{x(r["median"]):.1f}" x2="{x(r["median"]):.1f}" y1="{cy - 12:.1f}" '
            f'y2="{cy + 12:.1f}" class="median"/>'
            f'<polygon points="{x(r["pooled_mean"]):.1f},{cy - 7:.1f} '
            f"{x(r['pooled_mean']) + 7:.1f},{cy:.1f} {x(r['pooled_mean']):.1f},{cy + 7:.1f} "
            f'{x(r["pooled_mean"]) - 7:.1f},{cy:.1f}" class="diamond"/>'
        )
    parts.append(
        f'<text x="{(left + right) / 2}" y="{height - 6}" text-anchor="middle" class="axis">'
        f"{escape(labels['axis'])}</text></svg>"
    )
    return "".join(parts)
