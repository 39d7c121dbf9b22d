"""SVG forest plots and heat-map colours for the evidence board."""

from html import escape


def effect_colour(estimate: float | None) -> str:
    """A diverging colour: red for harm, white for none, green for benefit (saturating at ±0.8)."""
    if estimate is None:
        return "#f3f4f6"
    strength = max(-1.0, min(1.0, estimate / 0.8))
    if strength >= 0:
        r, g, b = (int(255 - strength * (255 - c)) for c in (11, 110, 79))
    else:
        r, g, b = (int(255 + strength * (255 - c)) for c in (166, 27, 27))
    return f"#{r:02x}{g:02x}{b:02x}"


def forest_plot(rows: list[dict], pooled: dict | None, *, title: str, pooled_label: str) -> str:
    """One line per pilot (effect and 95% CI), and the pooled estimate as a diamond."""
    shown = [r for r in rows if not r["suppressed"] and r["effect"] is not None]
    height = 30 + 22 * (len(shown) + (1 if pooled and pooled["estimate"] is not None else 0)) + 30
    width, left, right = 560, 230, 530
    values = [v for r in shown for v in (r["ci_low"], r["ci_high"])]
    if pooled and pooled["estimate"] is not None:
        values += [pooled["ci_low"], pooled["ci_high"]]
    span = max([abs(v) for v in values] + [0.5]) * 1.1
    x = lambda v: left + (v + span) / (2 * span) * (right - left)  # noqa: E731
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart '
        f'forest" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="15" y2="{height - 25}" class="zero"/>',
    ]
    y = 30
    for row in shown:
        parts.append(
            f'<text x="5" y="{y + 4}" class="label">{escape(row["title"][:32])}</text>'
            f'<line x1="{x(row["ci_low"]):.1f}" x2="{x(row["ci_high"]):.1f}" y1="{y}" y2="{y}" '
            'class="ci"/>'
            f'<rect x="{x(row["effect"]) - 4:.1f}" y="{y - 4}" width="8" height="8" '
            'class="estimate"/>'
        )
        y += 22
    if pooled and pooled["estimate"] is not None:
        e, lo, hi = pooled["estimate"], pooled["ci_low"], pooled["ci_high"]
        parts.append(
            f'<text x="5" y="{y + 4}" class="label pooled">{escape(pooled_label)}</text>'
            f'<polygon points="{x(lo):.1f},{y} {x(e):.1f},{y - 7} {x(hi):.1f},{y} '
            f'{x(e):.1f},{y + 7}" class="diamond"/>'
        )
        y += 22
    for tick in (-span / 1.1, 0, span / 1.1):
        parts.append(
            f'<text x="{x(tick):.1f}" y="{height - 8}" text-anchor="middle" '
            f'class="tick">{tick:+.1f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
