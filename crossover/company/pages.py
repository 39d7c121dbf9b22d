"""Owner pages of company surveys: the list, a survey's rounds, and a round's roster, engagement
scores, participation counts, invitation delivery, sending and closing. Results live on the
round's results page. No page ever shows a company-round link or who answered."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.catalogue.bands import AGE_BAND_LABELS, TENURE_BAND_LABELS
from crossover.company import rosters, round_state, services
from crossover.company.access import owned_round, owned_survey
from crossover.company.api import allow_large_roster, participation_view
from crossover.company.rounds import rounds_of
from crossover.company.schemas import CompanySurveyCreateSchema, RoundCreateSchema
from crossover.config import privacy_k
from crossover.instruments.services import list_instruments
from crossover.outbox import mailer
from crossover.outbox.flashes import flash_delivery, flash_mail_off
from crossover.web import messages
from crossover.web.errors import DomainError, Invalid
from crossover.web.forms import FormNumbers, blank_to_none, flash_error, load, whole_number

pages_bp = Blueprint("company", __name__, url_prefix="/company")
SURVEY = "/surveys/<id:survey_id>"
ROUND = "/rounds/<id:round_id>"
SHOWN_LINE_ERRORS = 200  # a 100,000-row file with a systematic mistake stays a readable page

pages_bp.url_value_preprocessor(
    allow_large_roster({"company.roster_upload", "company.engagement_upload"})
)

STATUS_LABELS = {
    "not_open": _l("Not open yet"),
    "open": _l("Open"),
    "closed": _l("Closed"),
}


# --- surveys -------------------------------------------------------------------------------------


@pages_bp.route("/surveys")
@page_auth(Role.OWNER)
def survey_list():
    """The organisation's company surveys, and a form to start one."""
    return _render_list()


def _render_list(form=None, errors=None, status=200):
    return render_template(
        "company/list.html",
        surveys=[(s, rounds_of(s)) for s in services.list_surveys(actor())],
        instruments=list_instruments(actor()),
        form=form or {},
        errors=errors or {},
    ), status


@pages_bp.post("/surveys")
@page_auth(Role.OWNER)
def survey_create():
    """Start a company survey."""
    numbers = FormNumbers(request.form)
    try:
        instrument_id = numbers.whole("instrument_id", _l("Questionnaire"))
        data = load(
            CompanySurveyCreateSchema(),
            {"title": request.form.get("title", "").strip(), "instrument_id": instrument_id},
            numbers.errors,
        )
        survey = services.create_survey(data, actor=actor())
    except DomainError as error:
        return _render_list(request.form, flash_error(error), 422)
    flash(
        _("Company survey “%(title)s” started. Add its first round.", title=survey.title), "success"
    )
    return redirect(url_for("company.survey_detail", survey_id=survey.id))


@pages_bp.route(SURVEY)
@page_auth(Role.OWNER)
def survey_detail(survey_id: int):
    """A company survey's rounds, and a form to add one."""
    return _render_survey(owned_survey(survey_id, actor()))


def _render_survey(survey, form=None, errors=None, status=200):
    rounds = rounds_of(survey)
    return render_template(
        "company/survey.html",
        survey=survey,
        rounds=[(r, services.round_counts(r)) for r in rounds],
        closed_ids={r.id for r in rounds if round_state.is_closed(r)},
        k=privacy_k(),
        form=form or {},
        errors=errors or {},
    ), status


@pages_bp.post(f"{SURVEY}/rounds")
@page_auth(Role.OWNER)
def round_create(survey_id: int):
    """Add a round to the survey."""
    survey = owned_survey(survey_id, actor())
    try:
        data = load(
            RoundCreateSchema(),
            {
                "label": request.form.get("label", "").strip(),
                "opens_on": blank_to_none(request.form.get("opens_on")),
                "closes_on": blank_to_none(request.form.get("closes_on")),
            },
        )
        round_ = services.create_round(survey, data, actor=actor())
    except DomainError as error:
        return _render_survey(survey, request.form, flash_error(error), 422)
    flash(_("Round %(label)s added. Upload its roster.", label=round_.label), "success")
    return redirect(url_for("company.round_detail", round_id=round_.id))


# --- a round -------------------------------------------------------------------------------------


def _page_number(text: str | None) -> int:
    number = whole_number(text)
    return number if number is not None and 1 <= number <= 100_000 else 1


@pages_bp.route(ROUND)
@page_auth(Role.OWNER)
def round_detail(round_id: int):
    """A round: roster and engagement uploads, invitation status, sending."""
    return _render_round(owned_round(round_id, actor()))


def _upload_error(error: DomainError) -> tuple[list[tuple[str, list[str]]], int]:
    """Flash the headline; the file's problems in line order (at most SHOWN_LINE_ERRORS,
    translated) go beside the form, with how many more there were."""
    flash(messages.translate(error.message), "error")
    items = list(error.errors.items())
    shown = messages.translate_errors(dict(items[:SHOWN_LINE_ERRORS]))
    return list(shown.items()), max(0, len(items) - SHOWN_LINE_ERRORS)


def _render_round(round_, errors=None, which=None, status=200):
    page = _page_number(request.args.get("page"))
    rows, total = services.invitation_page(round_, page)
    shown, hidden = errors or ([], 0)
    return render_template(
        "company/round.html",
        round=round_,
        survey=round_.survey,
        counts=services.round_counts(round_),
        participation=participation_view(round_),
        status=services.round_status(round_),
        roster_fixed=round_state.is_closed(round_) or round_state.invitations_started(round_),
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // services.INVITATION_PAGE_SIZE)),
        status_labels=STATUS_LABELS,
        age_labels=AGE_BAND_LABELS,
        tenure_labels=TENURE_BAND_LABELS,
        upload_errors=shown if which else [],
        hidden_errors=hidden if which else 0,
        which=which,
        max_rows=rosters.MAX_ROSTER_ROWS,
    ), status


def _uploaded_file() -> bytes:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid(_("Choose a CSV file."), {"file": [_("Required.")]})
    return upload.read()


@pages_bp.post(f"{ROUND}/roster")
@page_auth(Role.OWNER)
def roster_upload(round_id: int):
    """Add a roster CSV; its rows get their links only by e-mail."""
    round_ = owned_round(round_id, actor())
    try:
        result = rosters.import_roster(round_, _uploaded_file(), actor=actor())
    except rosters.DuplicateRosterUpload as duplicate:
        flash(
            _(
                "This file was already uploaded for this round and added %(n)d employees; "
                "nobody was added again.",
                n=duplicate.upload.added,
            ),
            "error",
        )
        return redirect(url_for("company.round_detail", round_id=round_id))
    except DomainError as error:
        return _render_round(round_, _upload_error(error), "roster", error.status)
    flash(
        _(
            "%(n)d employees added. Each gets their own survey link by e-mail when the round "
            "opens; %(without)d without an e-mail address get no link.",
            n=result.added,
            without=result.without_email,
        ),
        "success",
    )
    return redirect(url_for("company.round_detail", round_id=round_id))


@pages_bp.post(f"{ROUND}/engagement")
@page_auth(Role.OWNER)
def engagement_upload(round_id: int):
    """Set engagement scores from a CSV of employee_ref, engagement."""
    round_ = owned_round(round_id, actor())
    try:
        result = rosters.upload_engagement(round_, _uploaded_file(), actor=actor())
    except DomainError as error:
        return _render_round(round_, _upload_error(error), "engagement", error.status)
    flash(
        _(
            "Engagement scores set for %(matched)d employees; %(unmatched)d listed employees are "
            "not on this round's roster.",
            **result,
        ),
        "success",
    )
    return redirect(url_for("company.round_detail", round_id=round_id))


@pages_bp.post(f"{ROUND}/send-invitations")
@page_auth(Role.OWNER)
def send_invitations(round_id: int):
    """Queue the round's due invitations and reminders for the worker, by the outbox's rules."""
    round_ = owned_round(round_id, actor())
    if mailer.mail_state() == mailer.MAIL_OFF:
        flash_mail_off()
    else:
        counts = services.send_invitations(round_, actor=actor())
        flash_delivery(counts["invitations"], counts["reminders"], counts["nudged"])
    return redirect(url_for("company.round_detail", round_id=round_id))


@pages_bp.post(f"{ROUND}/close")
@page_auth(Role.OWNER)
def round_close(round_id: int):
    """Close the round before its window ends (asked to confirm on the page)."""
    round_ = owned_round(round_id, actor())
    try:
        services.close_round(round_, actor=actor())
    except DomainError as error:
        flash(messages.translate(error.message), "error")
        return redirect(url_for("company.round_detail", round_id=round_id))
    flash(_("Round %(label)s is closed; its results are published.", label=round_.label), "success")
    return redirect(url_for("company.round_detail", round_id=round_id))


@pages_bp.post(f"{ROUND}/roster/<id:member_id>/erase")
@page_auth(Role.OWNER)
def contact_erase(round_id: int, member_id: int):
    """Erase one roster row's e-mail address."""
    services.erase_contact(owned_round(round_id, actor()), member_id, actor=actor())
    flash(_("The e-mail address was erased; the answers stay, under a code."), "success")
    return redirect(
        url_for("company.round_detail", round_id=round_id, page=request.args.get("page"))
    )
