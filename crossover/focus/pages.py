"""Owner pages of focus areas: a round's focus areas with a form to mark one, and one page per
focus area telling its story in order: baseline → actions and pilots → what changed."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.catalogue import services as catalogue
from crossover.catalogue.bands import AGE_BAND_LABELS, AGE_BANDS, TENURE_BAND_LABELS, TENURE_BANDS
from crossover.company import publication, round_state
from crossover.company.access import owned_round
from crossover.company.models import SurveyRound
from crossover.company.rounds import rounds_of
from crossover.config import privacy_k
from crossover.evidence import progress
from crossover.evidence import services as evidence
from crossover.extensions import db
from crossover.focus import services
from crossover.focus.models import ACTION_STATUSES
from crossover.focus.schemas import FocusActionInputSchema, FocusCreateSchema
from crossover.instruments.models import Instrument
from crossover.pilots.models import PilotStatus
from crossover.web.errors import DomainError
from crossover.web.forms import blank_to_none, flash_error, load

pages_bp = Blueprint("focus", __name__, url_prefix="/company")
ACTION_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}


def _page_errors(error: DomainError) -> dict:
    """The form's field messages (the API's `rule` code is for clients, not for the page)."""
    error.errors = {key: value for key, value in error.errors.items() if key != "rule"}
    return flash_error(error)


# --- a round's focus areas ------------------------------------------------------------------


@pages_bp.route("/rounds/<id:round_id>/focus")
@page_auth(Role.OWNER)
def round_focus(round_id: int):
    """The round's focus areas, and a form to mark one (closed rounds only)."""
    return _render_round(owned_round(round_id, actor()))


def _render_round(survey_round, form=None, errors=None, status=200):
    if not round_state.is_closed(survey_round):
        flash(_("Focus areas are marked on a closed round's published results."), "info")
        return redirect(url_for("company.round_detail", round_id=survey_round.id))
    published = publication.published(survey_round)
    instrument = db.session.get(Instrument, survey_round.instrument_id)
    results = published["results"]
    rounds = rounds_of(survey_round.survey)  # read once for every focus area followed
    return render_template(
        "focus/round.html",
        survey_round=survey_round,
        focus_areas=[(f, services.focus_words(f)) for f in services.focus_of_round(survey_round)],
        followed=[
            (f, services.focus_words(f), services.follow_through(f, rounds))
            for f in services.followed_by(survey_round)
        ],
        subscales=instrument.subscales,
        items=[i["key"] for i in results.get("item_distribution") or []],
        units=[u["key"] for u in results["participation"]["by_unit"] if not u["suppressed"]],
        age_bands=AGE_BANDS,
        tenure_bands=TENURE_BANDS,
        age_labels=AGE_BAND_LABELS,
        tenure_labels=TENURE_BAND_LABELS,
        k=privacy_k(),
        form=form or {},
        errors=errors or {},
    ), status


@pages_bp.post("/rounds/<id:round_id>/focus")
@page_auth(Role.OWNER)
def focus_create(round_id: int):
    """Mark a focus area: a scale or an item, optionally in a published group."""
    survey_round = owned_round(round_id, actor())
    what = request.form.get("what", "")
    kind, _sep, key = what.partition(":")
    body = {
        "scale": key if kind == "scale" else None,
        "item": key if kind == "item" else None,
        "age_band": blank_to_none(request.form.get("age_band")),
        "tenure_band": blank_to_none(request.form.get("tenure_band")),
        "unit": blank_to_none(request.form.get("unit")),
        "note": request.form.get("note", "").strip(),
    }
    try:
        focus = services.create_focus(
            survey_round.id, load(FocusCreateSchema(), body), actor=actor()
        )
    except DomainError as error:
        return _render_round(survey_round, request.form, _page_errors(error), 422)
    flash(_("Focus area marked. Add what you will do about it."), "success")
    return redirect(url_for("focus.focus_detail", focus_id=focus.id))


# --- one focus area -------------------------------------------------------------------------


@pages_bp.route("/focus/<id:focus_id>")
@page_auth(Role.OWNER)
def focus_detail(focus_id: int):
    """One focus area: baseline → actions and pilots → what changed."""
    return _render_focus(services.owned_focus(focus_id, actor()))


def _render_focus(focus, form=None, errors=None, status=200):
    view = services.focus_view(focus)
    pilots = services.pilots_of(focus)
    closed = any(p.status is PilotStatus.CLOSED for p in pilots)
    results = evidence.all_results(privacy_k()) if closed else []
    return render_template(
        "focus/detail.html",
        focus=focus,
        view=view,
        title=services.focus_words(focus),
        view_subscales=_subscales(focus),
        action_labels=ACTION_LABELS,
        pilot_rows=progress.pilot_rows(pilots, results),
        initiatives=list(db.session.scalars(catalogue.initiatives_query())),
        statuses=ACTION_STATUSES,
        k=privacy_k(),
        form=form or {},
        errors=errors or {},
    ), status


def _subscales(focus) -> list[str]:
    survey_round = db.session.get(SurveyRound, focus.round_id)
    return db.session.get(Instrument, survey_round.instrument_id).subscales


@pages_bp.post("/focus/<id:focus_id>/actions")
@page_auth(Role.OWNER)
def action_create(focus_id: int):
    """Add an action to the focus area."""
    focus = services.owned_focus(focus_id, actor())
    body = {
        "what": request.form.get("what", "").strip(),
        "who": request.form.get("who", "").strip(),
        "starts_on": blank_to_none(request.form.get("starts_on")),
        "ends_on": blank_to_none(request.form.get("ends_on")),
        "status": request.form.get("status") or "planned",
    }
    try:
        services.add_action(focus, load(FocusActionInputSchema(), body), actor=actor())
    except DomainError as error:
        return _render_focus(focus, request.form, _page_errors(error), 422)
    flash(_("Action added."), "success")
    return redirect(url_for("focus.focus_detail", focus_id=focus.id) + "#actions")


@pages_bp.post("/focus/<id:focus_id>/actions/<id:action_id>/status")
@page_auth(Role.OWNER)
def action_status(focus_id: int, action_id: int):
    """Move an action on (planned → in progress → done, or dropped)."""
    focus = services.owned_focus(focus_id, actor())
    action = services.owned_action(focus, action_id)
    status = request.form.get("status", "")
    if status not in ACTION_STATUSES:
        flash(_("Choose a status."), "error")
    else:
        services.update_action(action, {"status": status}, actor=actor())
        flash(_("Action updated."), "success")
    return redirect(url_for("focus.focus_detail", focus_id=focus.id) + "#actions")


@pages_bp.post("/focus/<id:focus_id>/pilot")
@page_auth(Role.OWNER)
def pilot_create(focus_id: int):
    """Start a draft pilot from the focus area, then finish it on the pilot's page."""
    focus = services.owned_focus(focus_id, actor())
    raw = request.form.get("initiative_id", "")
    if not raw.isascii() or not raw.isdigit():
        flash(_("Choose an initiative."), "error")
        return _render_focus(
            focus, request.form, {"initiative_id": [_("Choose an initiative.")]}, 422
        )
    try:
        pilot = services.start_pilot(focus, {"initiative_id": int(raw)}, actor=actor())
    except DomainError as error:
        return _render_focus(focus, request.form, _page_errors(error), 422)
    flash(_("Draft pilot started from the focus area. Check it before preregistering."), "success")
    return redirect(url_for("pilots.pilot_detail", pilot_id=pilot.id))
