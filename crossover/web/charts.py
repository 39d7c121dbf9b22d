"""SVG forest plots and the effect colour scale, shared by the evidence board and the company
survey pages (its map and trend use the same bands)."""

from dataclasses import dataclass
from html import escape
import math

from crossover.web.ui import number

EMPTY = ("#f3f4f6", "#1f2933")  # (background, text) of a cell with no pooled figure
INK, WHITE = "#1f2933", "#ffffff"


@dataclass(frozen=True)
class Band:
    """One step of the heat map's diverging scale: effects with |e| at least `low` (rounded to two
    decimals as printed), on the side `sign`; text colours keep WCAG AA contrast on the fill."""

    key: str
    sign: int  # -1 fall, 0 none, +1 rise
    low: float
    background: str
    text: str


# Cohen's conventional steps (0.2 small, 0.5 medium, 0.8 large), falls red and rises green.
BANDS = (
    Band("large_fall", -1, 0.8, "#7f1d1d", WHITE),
    Band("medium_fall", -1, 0.5, "#b91c1c", WHITE),
    Band("small_fall", -1, 0.2, "#f4c7c3", INK),
    Band("none", 0, 0.0, "#ffffff", INK),
    Band("small_rise", 1, 0.2, "#c7e9d4", INK),
    Band("medium_rise", 1, 0.5, "#1e7b55", WHITE),
    Band("large_rise", 1, 0.8, "#0b5e43", WHITE),
)


def band(estimate: float | None) -> Band | None:
    """The step an effect falls in, judged on the value as printed (two decimals)."""
    if estimate is None:
        return None
    shown = round(estimate, 2)
    sign = 0 if abs(shown) < 0.2 else (1 if shown > 0 else -1)
    steps = [b for b in BANDS if b.sign == sign and abs(shown) >= b.low]
    return max(steps, key=lambda b: b.low)


def effect_colour(estimate: float | None) -> str:
    """The cell's background: a step of the diverging scale, grey without a figure."""
    found = band(estimate)
    return EMPTY[0] if found is None else found.background


def text_colour(estimate: float | None) -> str:
    found = band(estimate)
    return EMPTY[1] if found is None else found.text


def contrast(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# --- forest plots -------------------------------------------------------------------------------


def shared_span(groups: list[tuple[list[dict], dict | None]]) -> float:
    """One half-width for every forest plot of a page: the widest interval, rounded up to 0.5."""
    values = [0.5]
    for rows, pooled in groups:
        values += [abs(v) for r in _shown(rows) for v in (r["ci_low"], r["ci_high"])]
        if _pooled_row(rows, pooled):
            values += [abs(pooled["ci_low"]), abs(pooled["ci_high"])]
    return math.ceil(max(values) * 2) / 2


def _shown(rows: list[dict]) -> list[dict]:
    return [r for r in rows if not r["suppressed"] and r["effect"] is not None]


def _pooled_row(rows: list[dict], pooled: dict | None) -> bool:
    """A pooled row only when it pools: with one pilot it would repeat that pilot."""
    return bool(pooled and pooled["estimate"] is not None and pooled["k"] >= 2)


def weights(rows: list[dict], pooled: dict | None) -> dict[int, float]:
    """Each shown pilot's share (%) of the random-effects pool: 1 / (v + τ²), normalised."""
    shown = [r for r in _shown(rows) if r.get("variance")]
    tau2 = (pooled or {}).get("tau2") or 0.0
    raw = {r["id"]: 1 / (r["variance"] + tau2) for r in shown}
    total = sum(raw.values())
    return {pilot: 100 * w / total for pilot, w in raw.items()} if total else {}


def _ticks(span: float) -> tuple[list[float], int]:
    """Tick values inside ±span and the decimals they need."""
    step = 0.25 if span <= 1 else (0.5 if span <= 2 else 1.0)
    count = math.floor(span / step + 1e-9)
    return [i * step for i in range(-count, count + 1)], (2 if step < 0.5 else 1)


def forest_plot(
    rows: list[dict],
    pooled: dict | None,
    *,
    span: float,
    title: str,
    labels: dict[str, str],
) -> str:
    """One line per pilot (effect and 95% CI) on the page's shared scale ±span, with estimate,
    CI, n and weight as numbers beside it; the pooled estimate as a diamond when k ≥ 2.

    `labels` holds the translated words: pilot, n, estimate, weight, pooled, axis.
    """
    shown = _shown(rows)
    share = weights(rows, pooled)
    with_pool = _pooled_row(rows, pooled)
    lines = len(shown) + (1 if with_pool else 0)
    top, step = 44, 24
    height = top + step * lines + 46
    width, left, right = 760, 200, 470
    n_x, estimate_x, weight_x = 500, 620, 745

    def x(value: float) -> float:
        return left + (value + span) / (2 * span) * (right - left)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart '
        f'forest" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<text x="5" y="20" class="head">{escape(labels["pilot"])}</text>',
        f'<text x="{n_x}" y="20" class="head" text-anchor="end">n</text>',
        f'<text x="{estimate_x}" y="20" class="head" text-anchor="middle">'
        f"{escape(labels['estimate'])}</text>",
        f'<text x="{weight_x}" y="20" class="head" text-anchor="end">'
        f"{escape(labels['weight'])}</text>",
        f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top - 14}" y2="{height - 40}" class="zero"/>',
    ]
    y = top
    for row in shown:
        clipped = [max(-span, min(span, v)) for v in (row["ci_low"], row["ci_high"])]
        weight = share.get(row["id"])
        parts.append(
            f'<text x="5" y="{y + 4}" class="label">{escape(row["title"][:26])}</text>'
            f'<line x1="{x(clipped[0]):.1f}" x2="{x(clipped[1]):.1f}" y1="{y}" y2="{y}" '
            'class="ci"/>'
            f'<rect x="{x(row["effect"]) - 4:.1f}" y="{y - 4}" width="8" height="8" '
            'class="estimate"/>'
            f'<text x="{n_x}" y="{y + 4}" class="value" text-anchor="end">{row["n"]}</text>'
            f'<text x="{estimate_x}" y="{y + 4}" class="value" text-anchor="middle">'
            f"{_interval(row['effect'], row['ci_low'], row['ci_high'])}</text>"
            f'<text x="{weight_x}" y="{y + 4}" class="value" text-anchor="end">'
            f"{'—' if weight is None else number(weight, 0) + '%'}</text>"
        )
        y += step
    if with_pool:
        e, lo, hi = pooled["estimate"], pooled["ci_low"], pooled["ci_high"]
        parts.append(
            f'<text x="5" y="{y + 4}" class="label pooled">{escape(labels["pooled"])}</text>'
            f'<polygon points="{x(lo):.1f},{y} {x(e):.1f},{y - 7} {x(hi):.1f},{y} '
            f'{x(e):.1f},{y + 7}" class="diamond"/>'
            f'<text x="{n_x}" y="{y + 4}" class="value pooled" text-anchor="end">'
            f"{pooled['pairs']}</text>"
            f'<text x="{estimate_x}" y="{y + 4}" class="value pooled" text-anchor="middle">'
            f"{_interval(e, lo, hi)}</text>"
            f'<text x="{weight_x}" y="{y + 4}" class="value pooled" text-anchor="end">100%</text>'
        )
        y += step
    axis_y = height - 40
    parts.append(f'<line x1="{left}" x2="{right}" y1="{axis_y}" y2="{axis_y}" class="axis-line"/>')
    ticks, digits = _ticks(span)
    for tick in ticks:
        parts.append(
            f'<text x="{x(tick):.1f}" y="{axis_y + 14}" text-anchor="middle" '
            f'class="tick">{number(tick, digits)}</text>'
        )
    parts.append(
        f'<text x="{(left + right) / 2:.1f}" y="{height - 6}" text-anchor="middle" '
        f'class="axis">{escape(labels["axis"])}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _interval(estimate: float, low: float, high: float) -> str:
    return f"{number(estimate)} [{number(low)}, {number(high)}]"
