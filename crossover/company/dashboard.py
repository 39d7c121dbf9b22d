"""The company survey's pages: a round's results, the trend across rounds, the disclosure CSV
with the session, and the consortium's distribution of company means."""

from collections.abc import Callable
from types import SimpleNamespace

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
import numpy as np

from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.catalogue.bands import AGE_BAND_LABELS, TENURE_BAND_LABELS
from crossover.company import (
    charts,
    consortium,
    disclosure,
    publication,
    results,
    round_state,
    trend,
)
from crossover.company.access import owned_round, owned_survey
from crossover.company.models import CompanySurvey
from crossover.company.results_api import request_language
from crossover.config import local_today
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.web.ui import extra_context, number

pages_bp = Blueprint("company_dashboard", __name__)

# What rooms built on the company survey add to its trend page (focus areas followed by a later
# round, crossover.focus.follow_up): they import this room, so they register here. Each takes the
# survey and returns template variables.
trend_context: list[Callable[[CompanySurvey], dict]] = []

# |r| thresholds of the words used for a correlation (lower bounds, strongest first).
CORRELATION_WORDS = (
    (0.7, _l("a strong")),
    (0.5, _l("a fairly strong")),
    (0.3, _l("a moderate")),
    (0.1, _l("a weak")),
)
ALPHA = 0.05
MAP_WORDS = {
    "large_fall": _l("Far below the company mean"),
    "medium_fall": _l("Below the company mean"),
    "small_fall": _l("Slightly below the company mean"),
    "none": _l("Close to the company mean"),
    "small_rise": _l("Slightly above the company mean"),
    "medium_rise": _l("Above the company mean"),
    "large_rise": _l("Far above the company mean"),
}
NOT_COMPARABLE = {
    "response_rate": _l("under half of those invited answered"),
    "respondents": _l("under 30 respondents"),
}
BAND_WORDS = {
    "below_q1": _l("Below the first quartile"),
    "q1_to_median": _l("Between the first quartile and the median"),
    "median_to_q3": _l("Between the median and the third quartile"),
    "above_q3": _l("At or above the third quartile"),
}


def correlation_words(r: float | None) -> str:
    """'a fairly strong positive correlation' and the like, by |r| (see CORRELATION_WORDS)."""
    if r is None:
        return "—"
    strength = next((words for low, words in CORRELATION_WORDS if abs(r) >= low), None)
    if strength is None:
        return _("almost no correlation")
    if r > 0:
        return _("%(strength)s positive correlation", strength=strength)
    return _("%(strength)s negative correlation", strength=strength)


def engagement_answer(engagement: dict) -> str:
    """The answer to "does supporting career ownership lower engagement?", from r's sign and p."""
    r, p = engagement["pearson_r"], engagement["p_pearson"]
    if r is None or p is None:
        return _("The data cannot answer this question.")
    if p < ALPHA and r > 0:
        return _(
            "No: in this round, people with higher career ownership also report higher "
            "engagement. Supporting career ownership goes together with engagement, not against it."
        )
    if p < ALPHA:
        return _(
            "In this round, people with higher career ownership report lower engagement. Look at "
            "where this happens before drawing conclusions."
        )
    return _(
        "This round shows no clear relation either way between career ownership and engagement."
    )


def _coloured(group: dict, total: dict) -> dict:
    """A map cell or margin with its background and text colours (grey when not shown)."""
    gap = None
    if not group["suppressed"] and group["n"]:
        gap = charts.standardised_gap(group["mean"], total.get("mean"), total.get("sd"))
    background, text = charts.cell_colours(gap)
    return {**group, "background": background, "text": text}


def _map_view(result: dict) -> dict:
    """The map's rows and columns that have anyone, cells keyed by (age, tenure), with colours."""
    total, grid = result["total"], result["map"]
    return {
        "rows": [_coloured(r, total) for r in grid["rows"] if r["suppressed"] or r["n"]],
        "columns": [_coloured(c, total) for c in grid["columns"] if c["suppressed"] or c["n"]],
        "cells": {
            (cell["age_band"], cell["tenure_band"]): _coloured(cell, total)
            for cell in grid["cells"]
        },
    }


def share(value: float | None) -> str:
    """A share as a percentage to one decimal (the disclosure's rule)."""
    return "—" if value is None else f"{number(100 * value, 1)}%"


def points(value: float) -> str:
    """A change of share in percentage points, signed."""
    text = number(100 * value, 1)
    return _("%(value)s pt", value=text if text.startswith("-") or text == "0.0" else f"+{text}")


def answer_bands(scale_min: int, scale_max: int) -> dict[str, str]:
    """The answers of each band on the scale ("4–5", "3", "1–2" on 1–5), for the page's words."""
    values = np.arange(scale_min, scale_max + 1)
    layout = SimpleNamespace(scale_min=scale_min, scale_max=scale_max)
    codes = results.item_bands(layout, values)

    def span(code: int) -> str:
        chosen = values[codes == code]
        if not chosen.size:
            return "—"
        low, high = int(chosen.min()), int(chosen.max())
        return str(low) if low == high else f"{low}–{high}"

    return {"favourable": span(1), "neutral": span(0), "unfavourable": span(-1)}


def _owner_page(endpoint: str, **values) -> str | None:
    """The URL of the owners' survey or round page (crossover.company.pages), when registered."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


def _item_texts(instrument_id: int) -> dict[str, str]:
    instrument = db.session.get(Instrument, instrument_id)
    ja = str(get_locale()) == "ja"
    return {item.key: item.text_ja if ja else item.text_en for item in instrument.items}


@pages_bp.route("/company/rounds/<id:round_id>/results", endpoint="round")
@page_auth(Role.OWNER, Role.REVIEWER, Role.ADMIN)
def round_page(round_id: int):
    """A round's results: participation, scores, the map and the engagement relation."""
    survey_round = owned_round(round_id, actor())
    if not round_state.is_closed(survey_round):
        flash(
            _(
                "Results of round %(label)s are published once it closes; until then only "
                "participation counts are shown.",
                label=survey_round.label,
            ),
            "info",
        )
        return redirect(url_for("company.round_detail", round_id=survey_round.id))
    result = publication.round_results(survey_round)
    head = result["round"]
    engagement = result["engagement"]
    scatter = None
    if not engagement["suppressed"] and engagement["bins"]:
        scatter = Markup(
            charts.scatter_chart(
                engagement["bins"],
                engagement["line"],
                scale_min=head["scale_min"],
                scale_max=head["scale_max"],
                labels={
                    "title": _("Career ownership by engagement score, with the fitted line"),
                    "x": _("Engagement score"),
                    "y": _("Career ownership (mean)"),
                },
            )
        )
    return render_template(
        "company/dashboard_round.html",
        result=result,
        head=head,
        k=head["privacy_k"],
        grid=_map_view(result),
        legend=charts.map_legend({key: str(words) for key, words in MAP_WORDS.items()}),
        age_labels=AGE_BAND_LABELS,
        tenure_labels=TENURE_BAND_LABELS,
        scatter=scatter,
        correlation_words=correlation_words,
        answer=engagement_answer(engagement) if not engagement["suppressed"] else None,
        item_texts=_item_texts(head["instrument_id"]),
        bands=answer_bands(head["scale_min"], head["scale_max"]),
        share=share,
        points=points,
        back_url=_owner_page("company.round_detail", round_id=survey_round.id),
        focus_url=_owner_page("focus.round_focus", round_id=survey_round.id),
    )


@pages_bp.route("/company/rounds/<id:round_id>/disclosure.csv")
@page_auth(Role.OWNER)
def disclosure_csv(round_id: int):
    """The disclosure export with the session (audit-logged, never cached)."""
    survey_round = owned_round(round_id, actor())
    lang = request_language()
    body = disclosure.export_csv(survey_round, actor=actor(), lang=lang)
    return disclosure.csv_response(survey_round, body, lang)


@pages_bp.route("/company/rounds/<id:round_id>/disclosure", endpoint="disclosure_page")
@page_auth(Role.OWNER)
def disclosure_page(round_id: int):
    """A printable A4 page of the round and the rounds before it, with the definitions and how
    to cite them in a human-capital report: the disclosure CSV's figures, on paper."""
    survey_round = owned_round(round_id, actor())
    if not round_state.is_closed(survey_round):
        return redirect(url_for("company_dashboard.round", round_id=survey_round.id))
    rows = disclosure.rows_for(survey_round)
    rounds = disclosure.rounds_up_to(survey_round)
    survey = db.session.get(CompanySurvey, survey_round.company_survey_id)
    entries = {entry["id"]: entry for entry in trend.trend(survey)["rounds"]}
    result = publication.round_results(survey_round)
    instrument = db.session.get(Instrument, survey_round.instrument_id)
    this = rows[-1]
    return render_template(
        "company/disclosure_print.html",
        survey=survey,
        survey_round=survey_round,
        instrument=instrument,
        rows=[
            {**row, "not_comparable": entries[r.id]["not_comparable"]}
            for row, r in zip(rows, rounds, strict=True)
        ],
        this=this,
        total=result["total"],
        definitions=disclosure.definitions(survey_round, rounds),
        k=result["round"]["privacy_k"],
        printed_on=local_today().isoformat(),
        reasons=NOT_COMPARABLE,
        columns={key: str(title) for key, title in disclosure.COLUMNS},
    )


@pages_bp.route("/company/surveys/<id:survey_id>/trend", endpoint="trend")
@page_auth(Role.OWNER, Role.REVIEWER, Role.ADMIN)
def trend_page(survey_id: int):
    """Round means with their CIs, breaks, and each change between consecutive rounds."""
    survey = owned_survey(survey_id, actor())
    data = trend.trend(survey)
    instrument = db.session.get(Instrument, survey.instrument_id)
    chart = None
    if data["rounds"]:
        chart = Markup(
            charts.trend_chart(
                data["rounds"],
                scale_min=instrument.scale_min,
                scale_max=instrument.scale_max,
                labels={
                    "title": _(
                        "Mean career ownership per round, with %(level)s confidence intervals",
                        level="95%",
                    ),
                    "y": _("Mean score"),
                    "break": _("Instrument changed"),
                    "withheld": _("n < %(k)s", k=data["survey"]["privacy_k"]),
                },
            )
        )
    return render_template(
        "company/dashboard_trend.html",
        data=data,
        **extra_context(trend_context, survey),
        survey=survey,
        chart=chart,
        alpha=ALPHA,
        reasons=NOT_COMPARABLE,
        back_url=_owner_page("company.survey_detail", survey_id=survey.id),
    )


@pages_bp.route("/consortium/company-surveys", endpoint="consortium")
@page_auth(Role.OWNER, Role.REVIEWER, Role.ADMIN)
def consortium_page():
    """Reviewers and admins: the spread of company means per round label; an owner: its band."""
    view = consortium.consortium_view(actor())
    chart = None
    is_owner = actor().role is Role.OWNER
    if not is_owner and any(row["shown"] and row["q1"] is not None for row in view["labels"]):
        chart = Markup(
            charts.box_plots(
                view["labels"],
                scale_min=1,
                scale_max=5,
                labels={
                    "title": _("Spread of company means per round"),
                    "axis": _("Company mean score"),
                },
            )
        )
    return render_template(
        "company/consortium.html",
        view=view,
        chart=chart,
        is_owner=is_owner,
        band_words=BAND_WORDS,
    )
