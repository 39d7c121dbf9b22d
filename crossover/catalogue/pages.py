"""The catalogue as a 7×3 grid, a cell's initiatives, initiative detail and editing."""

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.catalogue import services
from crossover.catalogue.schemas import InitiativeCreateSchema, InitiativeUpdateSchema
from crossover.web.errors import Forbidden, Invalid
from crossover.web.forms import flash_error, load
from crossover.web.ui import extra_context

pages_bp = Blueprint("catalogue", __name__)

# What domains above the catalogue add to its pages: pilots and evidence import the catalogue, so
# they register here as they are imported (crossover.evidence.catalogue_view) rather than being
# imported by it. Each returns extra template variables.
grid_context: list[Callable[[], dict]] = []
initiative_context: list[Callable[[object], dict]] = []


@pages_bp.route("/")
@page_auth()
def grid():
    """Show the grid with a count per cell, and what registered domains know of each cell."""
    data = services.grid()
    counts = {(c["venue"], c["level"]): c["initiatives"] for c in data["cells"]}
    return render_template(
        "catalogue/grid.html",
        venues=data["venues"],
        levels=data["levels"],
        counts=counts,
        **extra_context(grid_context),
    )


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
        "catalogue/list.html",
        items=items,
        total=total,
        filters=filters,
        venue=venues.get(filters.get("venue")),
        level=levels.get(filters.get("level")),
    )


@pages_bp.route("/initiatives/<id:initiative_id>")
@page_auth()
def initiative_detail(initiative_id: int):
    """Show one initiative."""
    initiative = services.get_initiative(initiative_id)
    effects = {o.key: o for o in services.options("effect")}
    return render_template(
        "catalogue/detail.html",
        initiative=initiative,
        effects=effects,
        may_edit=services.may_edit(initiative, actor()),
        **extra_context(initiative_context, initiative),
    )


TEXT_FIELDS = ("title_ja", "title_en", "description_ja", "description_en")


def _form_from_initiative(initiative) -> dict:
    return {
        "venue": initiative.venue.key,
        "level": initiative.level.key,
        "status": initiative.status.value,
        "effects": initiative.effects,
        **{f: getattr(initiative, f) for f in TEXT_FIELDS},
    }


def _initiative_form_data(form) -> dict:
    """Turn the HTML form into the API's JSON shape."""
    return {
        "venue": form.get("venue", ""),
        "level": form.get("level", ""),
        "status": form.get("status", ""),
        "effects": form.getlist("effects"),
        **{f: form.get(f, "") for f in TEXT_FIELDS},
    }


def _in_use(error: services.InitiativeInUse) -> dict[str, list[str]]:
    flash(
        _(
            "A pilot of another organization uses this initiative, so you can no longer move, "
            "retire or rewrite it. Ask an admin if it must change."
        ),
        "error",
    )
    return {field: [_("Used by another organization's pilot.")] for field in error.fields}


@pages_bp.route("/initiatives/<id:initiative_id>/edit", methods=["GET", "POST"])
@page_auth(Role.OWNER, Role.ADMIN)
def initiative_edit(initiative_id: int):
    """Edit an initiative: admins any entry, owners their organization's own (see the service)."""
    initiative = services.get_initiative(initiative_id)
    if not services.may_edit(initiative, actor()):
        raise Forbidden(
            _("Only admins edit shipped initiatives; owners edit their organization's own.")
        )
    form = request.form if request.method == "POST" else _form_from_initiative(initiative)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        try:
            services.update_initiative(
                initiative,
                load(InitiativeUpdateSchema(), _initiative_form_data(form)),
                actor=actor(),
            )
            flash(_("Initiative saved."), "success")
            return redirect(url_for("catalogue.initiative_detail", initiative_id=initiative_id))
        except services.InitiativeInUse as error:
            errors, status = _in_use(error), error.status
        except Invalid as error:
            errors, status = flash_error(error), error.status
    return render_template(
        "catalogue/form.html",
        initiative=initiative,
        form=form,
        errors=errors,
        venues=services.venues(),
        levels=services.levels(),
        effects=services.options("effect"),
    ), status


@pages_bp.route("/initiatives/new", methods=["GET", "POST"])
@page_auth(Role.OWNER, Role.ADMIN)
def initiative_new():
    """Propose a catalogue entry (owners: as an idea of their organization; admins: any status)."""
    chosen_cell = {key: request.args.get(key, "") for key in ("venue", "level")}
    form = request.form if request.method == "POST" else {**chosen_cell, "status": "idea"}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        data = _initiative_form_data(form)
        if actor().role is Role.OWNER:
            data["status"] = "idea"  # a proposal; admins judge the evidence
        try:
            loaded = load(InitiativeCreateSchema(), data)
            created = services.create_initiative(loaded, actor=actor())
            flash(_("Initiative added to the catalogue."), "success")
            return redirect(url_for("catalogue.initiative_detail", initiative_id=created.id))
        except Invalid as error:
            errors, status = error.errors, error.status
            flash_error(error)
    return render_template(
        "catalogue/form.html",
        initiative=None,
        form=form,
        errors=errors,
        venues=services.venues(),
        levels=services.levels(),
        effects=services.options("effect"),
    ), status
