"""Focus areas: marking one on a closed round, its actions, a pilot started from it, and the
follow-through the next closed round gives it.

Only the organisation's owners reach them (another organisation's ids answer 404, other roles
403, as for the company survey itself). Every figure is a published one (crossover.focus.figures).
"""

from datetime import timedelta

from flask_babel import gettext as _
import sqlalchemy as sa

from crossover import audit
from crossover.auth.models import Role, User
from crossover.catalogue.bands import AGE_BAND_LABELS, TENURE_BAND_LABELS
from crossover.catalogue.services import option_keys
from crossover.company import publication, round_state
from crossover.company.access import owned_round, owned_survey
from crossover.company.models import CompanySurvey, SurveyRound
from crossover.company.rounds import rounds_of
from crossover.config import local_today, privacy_k
from crossover.extensions import db
from crossover.focus import figures
from crossover.focus.figures import NotPublished, Target
from crossover.focus.models import FocusAction, FocusArea
from crossover.instruments.labels import subscale_label
from crossover.instruments.models import Instrument
from crossover.pilots.models import Pilot
from crossover.pilots.registration import register_pilot
from crossover.web.errors import Conflict, Forbidden, Invalid, NotFound

PILOT_WEEKS_AHEAD = 4  # a draft pilot from a focus area starts in four weeks, runs twelve
PILOT_WEEKS = 12
PILOT_PLANNED_N = 30


def _invalid(error: NotPublished) -> Invalid:
    return Invalid(error.message, {error.field: [error.message], "rule": [error.rule]})


def target_of(focus: FocusArea) -> Target:
    return Target(focus.scale, focus.item, focus.age_band, focus.tenure_band, focus.unit)


# --- look-ups ---------------------------------------------------------------------------------


def owned_focus(focus_id: int, actor: User) -> FocusArea:
    """A focus area of the actor's organisation; others answer 404, non-owners 403."""
    if actor.role is not Role.OWNER:
        raise Forbidden(_("Only the company's own owners see its focus areas."))
    found = db.session.scalar(
        sa.select(FocusArea).where(
            FocusArea.id == focus_id, FocusArea.organization_id == actor.organization_id
        )
    )
    if found is None:
        raise NotFound(_("No focus area %(id)s.", id=focus_id))
    return found


def owned_action(focus: FocusArea, action_id: int) -> FocusAction:
    found = next((a for a in focus.actions if a.id == action_id), None)
    if found is None:
        raise NotFound(_("No action %(id)s in this focus area.", id=action_id))
    return found


def focus_of_survey(survey: CompanySurvey) -> list[FocusArea]:
    return list(
        db.session.scalars(
            sa.select(FocusArea)
            .where(FocusArea.company_survey_id == survey.id)
            .order_by(FocusArea.created_at, FocusArea.id)
        )
    )


def focus_of_round(survey_round: SurveyRound) -> list[FocusArea]:
    return list(
        db.session.scalars(
            sa.select(FocusArea)
            .where(FocusArea.round_id == survey_round.id)
            .order_by(FocusArea.created_at, FocusArea.id)
        )
    )


def followed_by(survey_round: SurveyRound) -> list[FocusArea]:
    """Focus areas whose follow-through is this round: those of the closed round before it."""
    rounds = rounds_of(survey_round.survey)
    earlier = [r for r in rounds[: rounds.index(survey_round)] if round_state.is_closed(r)]
    if not earlier:
        return []
    return focus_of_round(earlier[-1])


def pilots_of(focus: FocusArea) -> list[Pilot]:
    return list(
        db.session.scalars(
            sa.select(Pilot).where(Pilot.focus_area_id == focus.id).order_by(Pilot.id)
        )
    )


# --- marking a focus area ---------------------------------------------------------------------


def _check_target(data: dict, instrument: Instrument) -> Target:
    scale, item = data.get("scale"), data.get("item")
    if (scale is None) == (item is None):
        message = _("Choose either a scale or an item to work on.")
        raise Invalid(message, {"scale": [message]})
    if scale is not None and scale not in ["total", *instrument.subscales]:
        message = _(
            "Use one of the scales: %(scales)s.",
            scales=", ".join(["total", *instrument.subscales]),
        )
        raise Invalid(message, {"scale": [message]})
    if item is not None and item not in {i.key for i in instrument.items}:
        message = _("The round's questionnaire has no item %(item)s.", item=item)
        raise Invalid(message, {"item": [message]})
    target = Target(scale, item, data.get("age_band"), data.get("tenure_band"), data.get("unit"))
    try:
        figures.check_bands(target)
    except NotPublished as error:
        raise _invalid(error) from None
    return target


def create_focus(round_id: int, data: dict, *, actor: User) -> FocusArea:
    """Mark a focus area on a closed round (409 while open), from its published figures only
    (422 for a group or figure the results withhold)."""
    survey_round = owned_round(round_id, actor)
    round_state.check_closed(survey_round)
    instrument = db.session.get(Instrument, survey_round.instrument_id)
    target = _check_target(data, instrument)
    published = publication.published(survey_round)
    try:
        baseline = figures.published_figure(published, target)
    except NotPublished as error:
        raise _invalid(error) from None
    focus = FocusArea(
        organization_id=survey_round.organization_id,
        company_survey_id=survey_round.company_survey_id,
        round_id=survey_round.id,
        scale=target.scale,
        item=target.item,
        age_band=target.age_band,
        tenure_band=target.tenure_band,
        unit=target.unit,
        note=(data.get("note") or "").strip(),
        baseline={**baseline, "comparable": figures.comparable(published)},
        created_by_id=actor.id,
    )
    db.session.add(focus)
    db.session.flush()
    audit.record(actor, "focus.create", "focus_area", focus.id, round=survey_round.id)
    db.session.commit()
    return focus


def delete_focus(focus: FocusArea, *, actor: User) -> None:
    """Remove a focus area with its actions; one that started a pilot stays (the pilot's
    preregistration names it)."""
    if pilots_of(focus):
        raise Conflict(
            _("A pilot was started from this focus area; its preregistration names it."),
            {"focus": [_("A pilot was started from this focus area.")]},
        )
    audit.record(actor, "focus.delete", "focus_area", focus.id)
    db.session.delete(focus)
    db.session.commit()


# --- actions ----------------------------------------------------------------------------------


def _check_dates(action: FocusAction) -> None:
    if action.ends_on < action.starts_on:
        message = _("The end date must not be before the start date.")
        raise Invalid(message, {"ends_on": [message]})


def add_action(focus: FocusArea, data: dict, *, actor: User) -> FocusAction:
    action = FocusAction(
        focus_area_id=focus.id,
        what=data["what"].strip(),
        who=data["who"].strip(),
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        status=data.get("status") or "planned",
    )
    _check_dates(action)
    focus.actions.append(action)
    db.session.flush()
    audit.record(actor, "focus.action.create", "focus_action", action.id, focus=focus.id)
    db.session.commit()
    return action


def update_action(action: FocusAction, data: dict, *, actor: User) -> FocusAction:
    for field in ("what", "who", "starts_on", "ends_on", "status"):
        if field in data:
            value = data[field]
            setattr(action, field, value.strip() if field in ("what", "who") else value)
    _check_dates(action)
    audit.record(actor, "focus.action.update", "focus_action", action.id, fields=sorted(data))
    db.session.commit()
    return action


def delete_action(focus: FocusArea, action: FocusAction, *, actor: User) -> None:
    audit.record(actor, "focus.action.delete", "focus_action", action.id, focus=focus.id)
    focus.actions.remove(action)
    db.session.delete(action)
    db.session.commit()


# --- a pilot from a focus area ----------------------------------------------------------------


def focus_words(focus: FocusArea) -> str:
    """What and where, in the page's language: "Agency, aged 45-49 × 11-20 years of service"."""
    if focus.item:
        what = _("Item %(item)s", item=focus.item)
    elif focus.scale == "total":
        what = _("Total score")
    else:
        what = subscale_label(focus.scale)
    where = [
        *([str(AGE_BAND_LABELS[focus.age_band])] if focus.age_band else []),
        *([str(TENURE_BAND_LABELS[focus.tenure_band])] if focus.tenure_band else []),
        *([_("unit %(unit)s", unit=focus.unit)] if focus.unit else []),
    ]
    return _(
        "%(what)s, %(where)s",
        what=what,
        where=" × ".join(where) if where else _("whole company"),
    )


def describe(focus: FocusArea, round_label: str) -> str:
    """The focus area in one sentence (the pilot's rationale quotes it)."""
    return _(
        "Focus area %(id)s of round %(round)s: %(words)s.",
        id=focus.id,
        round=round_label,
        words=focus_words(focus),
    )


def _rationale(focus: FocusArea, survey_round: SurveyRound) -> str:
    baseline = focus.baseline
    text = describe(focus, survey_round.label)
    if baseline.get("mean") is not None:
        text += " " + _(
            "Baseline: mean %(mean).2f over %(n)s respondents.",
            mean=baseline["mean"],
            n=baseline["n"],
        )
    if focus.note:
        text += " " + focus.note
    return text


def start_pilot(focus: FocusArea, data: dict, *, actor: User) -> Pilot:
    """A draft pilot pre-filled from the focus area: primary outcome its subscale (the total for
    an item or a group's total), eligibility its age and tenure bands, the survey's
    instrument, and the focus area named in the preregistration's rationale."""
    survey = owned_survey(focus.company_survey_id, actor)
    survey_round = db.session.get(SurveyRound, focus.round_id)
    instrument = db.session.get(Instrument, survey.instrument_id)
    outcome = focus.scale if focus.scale in instrument.subscales else "total"
    if focus.age_band and focus.age_band not in option_keys("age_band"):
        message = _(
            "Pilots enrol the age bands %(bands)s; this focus area's band %(band)s is not one "
            "of them.",
            bands=", ".join(sorted(option_keys("age_band"))),
            band=focus.age_band,
        )
        raise Invalid(message, {"age_band": [message]})
    starts_on = data.get("starts_on") or local_today() + timedelta(weeks=PILOT_WEEKS_AHEAD)
    payload = {
        "initiative_id": data["initiative_id"],
        "instrument_id": instrument.id,
        "title": data.get("title") or describe(focus, survey_round.label)[:200],
        "format": data.get("format") or "other",
        "planned_n": data.get("planned_n") or PILOT_PLANNED_N,
        "starts_on": starts_on,
        "ends_on": data.get("ends_on") or starts_on + timedelta(weeks=PILOT_WEEKS),
        "eligibility": {
            "age_bands": [focus.age_band] if focus.age_band else [],
            "career_phases": [],
            "tenure_bands": [focus.tenure_band] if focus.tenure_band else [],
        },
        "preregistration": {"outcome": outcome},
        "focus_area_id": focus.id,
        "rationale": _rationale(focus, survey_round),
    }
    if payload["ends_on"] < payload["starts_on"]:
        message = _("The end date must not be before the start date.")
        raise Invalid(message, {"ends_on": [message]})
    return register_pilot(payload, actor=actor)


# --- follow-through ---------------------------------------------------------------------------


def _next_closed(survey_round: SurveyRound, rounds: list[SurveyRound]) -> SurveyRound | None:
    later = rounds[rounds.index(survey_round) + 1 :]
    return next((r for r in later if round_state.is_closed(r)), None)


def _panel(focus: FocusArea, earlier: SurveyRound, later: SurveyRound) -> dict | None:
    """The trend's panel change, where the publication has it: the whole company's total of two
    consecutive closed rounds."""
    if focus.scale != "total" or target_of(focus).group != "company":
        return None
    from crossover.company.trend import trend

    found = trend(earlier.survey)
    for entry in found["changes"]:
        if (entry["from"], entry["to"]) == (earlier.label, later.label):
            panel = entry["panel"]
            return None if panel.get("suppressed") or panel.get("n") is None else panel
    return None


def follow_through(focus: FocusArea, rounds: list[SurveyRound] | None = None) -> dict:
    """The next closed round's published figure for the focus area, and its change since the
    baseline (not comparable where either round is under the trend's thresholds)."""
    survey_round = db.session.get(SurveyRound, focus.round_id)
    rounds = rounds if rounds is not None else rounds_of(survey_round.survey)
    later = _next_closed(survey_round, rounds)
    if later is None:
        return {"round": None}
    head = {"round": {"id": later.id, "label": later.label}}
    later_publication = publication.published(later)
    baseline = focus.baseline
    try:
        figure = figures.published_figure(later_publication, target_of(focus))
    except NotPublished as error:
        return {**head, "figure": None, "withheld": error.rule, "message": error.message}
    earlier_instrument = db.session.get(Instrument, survey_round.instrument_id)
    later_instrument = db.session.get(Instrument, later.instrument_id)
    same_scale = (earlier_instrument.scale_min, earlier_instrument.scale_max) == (
        later_instrument.scale_min,
        later_instrument.scale_max,
    )
    comparable = bool(baseline.get("comparable")) and figures.comparable(later_publication)
    return {
        **head,
        "figure": figure,
        "withheld": None,
        "comparable": comparable and same_scale,
        "break": earlier_instrument.id != later_instrument.id,
        "change": figures.change(baseline, figure) if same_scale else None,
        "panel": _panel(focus, survey_round, later) if same_scale else None,
    }


def focus_view(focus: FocusArea, rounds: list[SurveyRound] | None = None) -> dict:
    """A focus area with its actions, its pilots and its follow-through (the API's answer)."""
    survey_round = db.session.get(SurveyRound, focus.round_id)
    return {
        "id": focus.id,
        "company_survey_id": focus.company_survey_id,
        "round": {"id": survey_round.id, "label": survey_round.label},
        "scale": focus.scale,
        "item": focus.item,
        "age_band": focus.age_band,
        "tenure_band": focus.tenure_band,
        "unit": focus.unit,
        "note": focus.note,
        "baseline": focus.baseline,
        "privacy_k": privacy_k(),
        "actions": focus.actions,
        "pilots": [
            {"id": p.id, "title": p.title, "status": p.status.value, "outcome": p.outcome}
            for p in pilots_of(focus)
        ],
        "follow_through": follow_through(focus, rounds),
        "created_at": focus.created_at,
    }
