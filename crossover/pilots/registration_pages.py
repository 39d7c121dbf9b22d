"""Pages that register a pilot and edit it, the power planner beside the form."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.catalogue import services as catalogue
from crossover.instruments.services import list_instruments
from crossover.pilots import access, registration
from crossover.pilots.models import PilotStatus
from crossover.pilots.pages import PILOT, pages_bp
from crossover.pilots.power_planner import DEFAULT_RHO, form_planner
from crossover.pilots.schemas import PilotCreateSchema, PilotUpdateSchema
from crossover.web.errors import DomainError, Invalid
from crossover.web.forms import FormNumbers, blank_to_none, checked, flash_error, load


def _choices() -> dict:
    return {
        "age_bands": catalogue.options("age_band"),
        "career_phases": catalogue.options("career_phase"),
        "formats": catalogue.options("format"),
        "instruments": list_instruments(actor()),
        "initiatives": catalogue.list_initiatives({}, page=1, page_size=1000)[0],
    }


def _pilot_form_data(form, numbers: FormNumbers, *, include_design: bool) -> dict:
    """Turn the HTML form into the API's JSON shape; unreadable numbers are left in `numbers`."""
    data: dict = {"title": form.get("title", "")}
    if not include_design:
        return data
    preregistration = {
        "outcome": form.get("outcome", "total"),
        "direction": form.get("direction", "increase"),
        "alpha": numbers.decimal("alpha", _l("Alpha"), "preregistration.alpha"),
        "test": form.get("test", "paired_t"),
        "min_dz": numbers.decimal(
            "min_dz", _l("Smallest effect of interest (dz)"), "preregistration.min_dz"
        ),
    }
    data.update(
        {
            "initiative_id": numbers.whole("initiative_id", _l("Initiative")),
            "instrument_id": numbers.whole("instrument_id", _l("Questionnaire")),
            "format": form.get("format", ""),
            "has_comparison": checked(form, "has_comparison"),
            "planned_n": numbers.whole("planned_n", _l("Planned pairs (n)")),
            "starts_on": blank_to_none(form.get("starts_on")),
            "ends_on": blank_to_none(form.get("ends_on")),
            "eligibility": {
                "age_bands": form.getlist("age_bands"),
                "career_phases": form.getlist("career_phases"),
            },
            "followup_days": numbers.whole_list(
                "followup_days", _l("Follow-ups (days after the end, comma-separated)")
            ),
            "preregistration": {k: v for k, v in preregistration.items() if v is not None},
        }
    )
    if data["has_comparison"] and form.get("allocation"):
        data["preregistration"]["allocation"] = form.get("allocation")
    return {k: v for k, v in data.items() if v is not None}


@pages_bp.route("/pilots/new", methods=["GET", "POST"])
@page_auth(Role.OWNER)
def pilot_new():
    """Register a pilot with its preregistration, helped by the power planner."""
    form = (
        request.form
        if request.method == "POST"
        else {
            "initiative_id": request.args.get("initiative_id", ""),
            "planned_n": "30",
            "min_dz": "0.2",
            "alpha": "0.05",
            "direction": "increase",
            "test": "paired_t",
            "followup_days": "30, 60",
            "format": "mentoring",
            "outcome": "total",
            "allocation": "randomised",
            "rho": str(DEFAULT_RHO),
        }
    )
    errors: dict = {}
    if request.method == "POST":
        try:
            numbers = FormNumbers(request.form)
            raw = _pilot_form_data(request.form, numbers, include_design=True)
            # Nothing ticked on a new pilot means the format's default, not "everyone".
            raw["eligibility"] = {k: v for k, v in raw["eligibility"].items() if v}
            data = load(PilotCreateSchema(), raw, numbers.errors)
            pilot = registration.register_pilot(data, actor=actor())
            flash(_("Pilot registered as a draft."), "success")
            return redirect(url_for("pilots.pilot_detail", pilot_id=pilot.id))
        except Invalid as error:
            errors = flash_error(error)
    return render_template(
        "pilots/form.html",
        form=form,
        errors=errors,
        planner=form_planner(form),
        pilot=None,
        **_choices(),
    ), (422 if errors else 200)


@pages_bp.route(f"{PILOT}/edit", methods=["GET", "POST"])
@page_auth(Role.OWNER)
def pilot_edit(pilot_id: int):
    """Edit a pilot: everything while it is a draft, only the title afterwards."""
    pilot = access.get_owned_pilot(pilot_id, actor())
    is_draft = pilot.status is PilotStatus.DRAFT
    form = request.form if request.method == "POST" else _form_from_pilot(pilot)
    errors: dict = {}
    if request.method == "POST":
        try:
            numbers = FormNumbers(request.form)
            data = load(
                PilotUpdateSchema(),
                _pilot_form_data(request.form, numbers, include_design=is_draft),
                numbers.errors,
            )
            registration.update_pilot(pilot, data, actor=actor())
            flash(_("Pilot saved."), "success")
            return redirect(url_for("pilots.pilot_detail", pilot_id=pilot.id))
        except DomainError as error:
            errors = flash_error(error)
    return render_template(
        "pilots/form.html",
        form=form,
        errors=errors,
        planner=form_planner(form),
        pilot=pilot,
        **_choices(),
    ), (422 if errors else 200)


def _form_from_pilot(pilot) -> dict:
    return {
        "title": pilot.title,
        "initiative_id": str(pilot.initiative_id),
        "instrument_id": str(pilot.instrument_id),
        "format": pilot.format.value,
        "has_comparison": "on" if pilot.has_comparison else "",
        "allocation": pilot.allocation.value if pilot.allocation else "randomised",
        "rho": str(DEFAULT_RHO),
        "planned_n": str(pilot.planned_n),
        "starts_on": pilot.starts_on.isoformat(),
        "ends_on": pilot.ends_on.isoformat(),
        "age_bands": pilot.eligible_age_bands,
        "career_phases": pilot.eligible_career_phases,
        "followup_days": ", ".join(map(str, pilot.followup_days)),
        "outcome": pilot.outcome,
        "direction": pilot.direction.value,
        "alpha": str(pilot.alpha),
        "test": pilot.primary_test.value,
        "min_dz": str(pilot.min_dz),
    }
