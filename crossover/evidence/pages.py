"""The reviewer's evidence board: heat map, forest plots per cell and initiative, pilot list."""

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from crossover.auth.access import page_auth
from crossover.auth.models import Role
from crossover.catalogue import services as catalogue
from crossover.evidence import services
from crossover.web import charts
from crossover.web.ui import number

pages_bp = Blueprint("evidence", __name__)
SORTS = {
    "p_bh": lambda r: (r["p_bh"] is None, r["p_bh"] or 0),
    "effect": lambda r: (r["effect"] is None, -(r["effect"] or 0)),
}
ENOUGH = 2  # pooled pilots a cell needs before its colour is more than a hint


def _filters() -> dict:
    filters = {}
    for key in ("organization", "format"):
        if request.args.get(key):
            filters[key] = request.args[key]
    for key in ("ended_from", "ended_to"):
        try:
            if request.args.get(key):
                filters[key] = date.fromisoformat(request.args[key])
        except ValueError:
            pass  # an unreadable date filters nothing; the form shows it empty
    return filters


POOLS = ("randomised", "controlled", "uncontrolled")  # strongest design first


def headline(summary: dict) -> dict:
    """The pooled figure a cell is coloured by: randomised evidence first, then non-randomised
    comparisons, else uncontrolled."""
    chosen = next((summary[key] for key in POOLS if summary[key]["k"]), summary["uncontrolled"])
    return {
        **chosen,
        "controlled": bool(summary["randomised"]["k"] or summary["controlled"]["k"]),
        "enough": sum(summary[key]["k"] for key in POOLS) >= ENOUGH,
    }


@pages_bp.route("/evidence")
@page_auth(Role.REVIEWER, Role.ADMIN)
def board():
    """The 7×3 heat map and the pilot list."""
    data = services.board(_filters())
    cells = {
        (c["venue"], c["level"]): {
            **c,
            "headline": headline(c),
            "colour": charts.effect_colour(headline(c)["estimate"]),
            "text_colour": charts.text_colour(headline(c)["estimate"]),
        }
        for c in data["cells"]
    }
    sort = request.args.get("sort", "p_bh")
    pilots = sorted(data["pilots"], key=SORTS.get(sort, SORTS["p_bh"]))
    venues, levels = catalogue.venues(), catalogue.levels()
    return render_template(
        "evidence/board.html",
        data=data,
        cells=cells,
        pilots=pilots,
        sort=sort,
        venues=venues,
        levels=levels,
        venue_by_key={v.key: v for v in venues},
        level_by_key={lv.key: lv for lv in levels},
        filters={key: value for key, value in request.args.items() if key != "sort"},
        organizations=sorted({(p["organization"], p["organization_name"]) for p in data["pilots"]}),
        bands=legend(),
    )


def legend() -> list[dict]:
    """The heat map's colour scale in words, for the legend under it."""
    words = {
        "large_fall": (_("Large fall"), f"≤ {number(-0.8)}"),
        "medium_fall": (_("Medium fall"), f"{number(-0.79)} … {number(-0.5)}"),
        "small_fall": (_("Small fall"), f"{number(-0.49)} … {number(-0.2)}"),
        "none": (_("Little or no change"), f"{number(-0.19)} … {number(0.19)}"),
        "small_rise": (_("Small rise"), f"{number(0.2)} … {number(0.49)}"),
        "medium_rise": (_("Medium rise"), f"{number(0.5)} … {number(0.79)}"),
        "large_rise": (_("Large rise"), f"≥ {number(0.8)}"),
    }
    return [
        {
            "label": words[b.key][0],
            "range": words[b.key][1],
            "background": b.background,
            "text": b.text,
        }
        for b in charts.BANDS
    ]


@pages_bp.route("/evidence/<venue>/<level>")
@page_auth(Role.REVIEWER, Role.ADMIN)
def cell(venue: str, level: str):
    """One cell: a reading, forest plots by design, and its initiatives."""
    venue_obj = next((v for v in catalogue.venues() if v.key == venue), None)
    level_obj = next((lv for lv in catalogue.levels() if lv.key == level), None)
    if venue_obj is None or level_obj is None:
        abort(404)
    data = services.board(_filters(), with_variance=True)
    summary = next(c for c in data["cells"] if c["venue"] == venue and c["level"] == level)
    rows = [p for p in data["pilots"] if p["venue"] == venue and p["level"] == level]
    initiatives = [i for i in data["initiatives"] if i["venue"] == venue and i["level"] == level]
    groups = [(rows, summary)] + [
        ([p for p in rows if p["initiative_id"] == i["initiative_id"]], i) for i in initiatives
    ]
    plot = forest_plots(groups)
    return render_template(
        "evidence/detail.html",
        title=f"{venue_obj.name_ja} × {level_obj.name_ja}",
        venue=venue_obj,
        level=level_obj,
        summary=summary,
        headline=headline(summary),
        plots=plot(rows, summary),
        initiatives=[{**i, "plots": plot(group_rows, i)} for (group_rows, i) in groups[1:]],
        k=data["privacy_k"],
    )


DESIGNS = ("randomised", "assigned", None)  # allocation of the pilots each plot shows
POOL_OF = {"randomised": "randomised", "assigned": "controlled", None: "uncontrolled"}


def _design_words(allocation: str | None) -> tuple[str, str]:
    """A plot's heading and its axis name: the effect each design pools."""
    if allocation == "randomised":
        return (
            _("With a randomised comparison group"),
            _("Standardised ANCOVA effect, participants vs comparison group"),
        )
    if allocation == "assigned":
        return (
            _("With a comparison group (non-randomised comparison)"),
            _("Hedges' g, participants' change vs the comparison group's"),
        )
    return _("Uncontrolled pre/post"), _("Hedges' g_z, standardised change (post − pre)")


def forest_plots(groups: list[tuple[list[dict], dict]]):
    """A plotter for one page: every forest plot it draws shares one x-axis scale, wide enough for
    every row of `groups` (pilot rows with variance, and their pooled summary)."""
    span = charts.shared_span(
        [
            ([r for r in rows if r["allocation"] == allocation], summary[POOL_OF[allocation]])
            for rows, summary in groups
            for allocation in DESIGNS
        ]
    )

    def plot(rows: list[dict], summary: dict) -> list[dict]:
        out = []
        for allocation in DESIGNS:
            mine = [r for r in rows if r["allocation"] == allocation]
            if not mine:
                continue
            heading, axis = _design_words(allocation)
            pooled = summary[POOL_OF[allocation]]
            out.append(
                {
                    "label": heading,
                    "axis": axis,
                    "pooled": pooled,
                    "rows": mine,
                    "weights": charts.weights(mine, pooled),
                    "svg": Markup(
                        charts.forest_plot(
                            mine,
                            pooled,
                            span=span,
                            title=heading,
                            labels={
                                "pilot": _("Pilot"),
                                "estimate": _("Effect [95% CI]"),
                                "weight": _("Weight"),
                                "pooled": _("Pooled (random effects)"),
                                "axis": axis,
                            },
                        )
                    ),
                }
            )
        return out

    return plot
