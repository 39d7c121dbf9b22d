"""The reviewer's evidence board: heat map, forest plots per cell and initiative, pilot list."""

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from crossover.auth.access import page_auth
from crossover.auth.models import Role
from crossover.catalogue import services as catalogue
from crossover.evidence import charts, services

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
    )


@pages_bp.route("/evidence/<venue>/<level>")
@page_auth(Role.REVIEWER, Role.ADMIN)
def cell(venue: str, level: str):
    """One cell: a reading, forest plots by design, and its initiatives."""
    venue_obj = next((v for v in catalogue.venues() if v.key == venue), None)
    level_obj = next((lv for lv in catalogue.levels() if lv.key == level), None)
    if venue_obj is None or level_obj is None:
        abort(404)
    data = services.board(_filters())
    summary = next(c for c in data["cells"] if c["venue"] == venue and c["level"] == level)
    rows = [p for p in data["pilots"] if p["venue"] == venue and p["level"] == level]
    initiatives = [i for i in data["initiatives"] if i["venue"] == venue and i["level"] == level]
    return render_template(
        "evidence/detail.html",
        title=f"{venue_obj.name_ja} × {level_obj.name_ja}",
        venue=venue_obj,
        level=level_obj,
        summary=summary,
        headline=headline(summary),
        plots=_plots(rows, summary),
        initiatives=[
            {**i, "plots": _plots([p for p in rows if p["initiative_id"] == i["initiative_id"]], i)}
            for i in initiatives
        ],
        k=data["privacy_k"],
    )


def _plots(rows: list[dict], summary: dict) -> list[dict]:
    out = []
    for allocation, key, label in (
        ("randomised", "randomised", _("With a randomised comparison group")),
        ("assigned", "controlled", _("With a comparison group (non-randomised comparison)")),
        (None, "uncontrolled", _("Uncontrolled pre/post")),
    ):
        mine = [r for r in rows if r["allocation"] == allocation]
        if mine:
            out.append(
                {
                    "label": label,
                    "pooled": summary[key],
                    "svg": Markup(
                        charts.forest_plot(
                            mine,
                            summary[key],
                            title=label,
                            pooled_label=_("Pooled (random effects)"),
                        )
                    ),
                }
            )
    return out
