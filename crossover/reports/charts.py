"""Small server-side SVG charts (no JavaScript)."""

from html import escape

import numpy as np

MAX_LINES = 200  # beyond this the lines are a deterministic sample; the mean uses everyone


def _scale(value: float, low: float, high: float, top: float, bottom: float) -> float:
    if high == low:
        return (top + bottom) / 2
    return bottom - (value - low) / (high - low) * (bottom - top)


def paired_chart(
    pre: np.ndarray,
    post: np.ndarray,
    *,
    scale_min: float,
    scale_max: float,
    mean_change: float | None,
    ci: tuple[float | None, float | None],
    labels: dict[str, str],
    show_people: bool,
) -> str:
    """Each participant's pre→post line, the mean line, and the mean change with its 95% CI."""
    width, height, top, bottom = 520, 300, 20, 260
    left_x, right_x, panel_x = 90, 290, 420
    y = lambda v: _scale(v, scale_min, scale_max, top, bottom)  # noqa: E731
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(labels["title"])}" class="chart paired-chart">',
        f"<title>{escape(labels['title'])}</title>",
    ]
    for tick in range(int(scale_min), int(scale_max) + 1):
        parts.append(
            f'<line x1="{left_x - 10}" x2="{right_x + 10}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'class="grid"/>'
            f'<text x="{left_x - 16}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'class="tick">{tick}</text>'
        )
    if show_people and pre.size:
        step = max(1, int(np.ceil(pre.size / MAX_LINES)))
        for a, b in zip(pre[::step], post[::step], strict=True):
            parts.append(
                f'<line x1="{left_x}" y1="{y(a):.1f}" x2="{right_x}" y2="{y(b):.1f}" '
                'class="person"/>'
            )
    if pre.size:
        parts.append(
            f'<line x1="{left_x}" y1="{y(pre.mean()):.1f}" x2="{right_x}" '
            f'y2="{y(post.mean()):.1f}" class="mean"/>'
        )
    parts.append(
        f'<text x="{left_x}" y="{height - 12}" text-anchor="middle" '
        f'class="axis">{escape(labels["pre"])}</text>'
        f'<text x="{right_x}" y="{height - 12}" text-anchor="middle" '
        f'class="axis">{escape(labels["post"])}</text>'
    )
    if mean_change is not None and ci[0] is not None:
        span = max(abs(ci[0]), abs(ci[1]), abs(mean_change), 0.25) * 1.2
        cy = lambda v: _scale(v, -span, span, top, bottom)  # noqa: E731
        parts.append(
            f'<line x1="{panel_x - 30}" x2="{panel_x + 30}" y1="{cy(0):.1f}" y2="{cy(0):.1f}" '
            'class="zero"/>'
            f'<line x1="{panel_x}" x2="{panel_x}" y1="{cy(ci[0]):.1f}" y2="{cy(ci[1]):.1f}" '
            'class="ci"/>'
            f'<circle cx="{panel_x}" cy="{cy(mean_change):.1f}" r="6" class="estimate"/>'
            f'<text x="{panel_x}" y="{height - 12}" text-anchor="middle" '
            f'class="axis">{escape(labels["change"])}</text>'
            f'<text x="{panel_x + 12}" y="{cy(mean_change) + 4:.1f}" '
            f'class="value">{mean_change:+.2f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
