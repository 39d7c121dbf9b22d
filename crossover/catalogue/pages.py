"""The catalogue as a 7×3 grid, a cell's initiatives, and initiative detail."""
from flask import Blueprint, render_template, request

from crossover.auth.access import page_auth
from crossover.catalogue import services
from crossover.errors import Invalid

pages_bp = Blueprint("catalogue", __name__)


@pages_bp.route("/")
@page_auth()
def grid():
    """Show the grid with a count per cell."""
    data = services.grid()
    counts = {(c["venue"], c["level"]): c["initiatives"] for c in data["cells"]}
    return render_template("catalogue/grid.html", venues=data["venues"], levels=data["levels"], counts=counts)


@pages_bp.route("/initiatives")
@page_auth()
def initiative_list():
    """List the initiatives of one cell, or matching a search."""
    filters = {k: request.args[k] for k in ("venue", "level", "q") if request.args.get(k)}
    try:
        items, total = services.list_initiatives(filters, page=1, page_size=200)
    except Invalid:
        items, total = [], 0
    venues = {v.key: v for v in services.venues()}
    levels = {lv.key: lv for lv in services.levels()}
    return render_template(
        "catalogue/list.html", items=items, total=total, filters=filters,
        venue=venues.get(filters.get("venue")), level=levels.get(filters.get("level")),
    )


@pages_bp.route("/initiatives/<id:initiative_id>")
@page_auth()
def initiative_detail(initiative_id: int):
    """Show one initiative."""
    initiative = services.get_initiative(initiative_id)
    effects = {o.key: o for o in services.options("effect")}
    return render_template("catalogue/detail.html", initiative=initiative, effects=effects)
