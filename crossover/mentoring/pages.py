"""Owner pages: browse and grow the shared mentor pool; log sessions and end matches."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.mentoring import services
from crossover.mentoring.schemas import MentorInputSchema, SessionInputSchema
from crossover.pilots import pages as pilot_pages
from crossover.pilots.access import get_owned_pilot
from crossover.web.confirmation import confirmation_page, is_confirmed
from crossover.web.errors import DomainError
from crossover.web.forms import FormNumbers, flash_error, load, whole_number

pages_bp = Blueprint("mentoring", __name__)
MATCH = "/matches/<id:match_id>"


def _tags(text: str) -> list[str]:
    return [t.strip() for t in text.replace("、", ",").split(",") if t.strip()]


@pages_bp.route("/mentors", methods=["GET", "POST"])
@page_auth(Role.OWNER, Role.ADMIN)
def mentor_list():
    """Browse the pool; owners register their organization's mentors here."""
    errors: dict = {}
    form = request.form
    if request.method == "POST":
        if actor().role is not Role.OWNER:
            return redirect(url_for("mentoring.mentor_list"))
        try:
            numbers = FormNumbers(form)
            data = load(
                MentorInputSchema(),
                {
                    "name": form.get("name", ""),
                    "expertise": _tags(form.get("expertise", "")),
                    "languages": form.getlist("languages") or ["ja"],
                    "capacity": numbers.whole("capacity", _l("Capacity (participants at once)")),
                },
                numbers.errors,
            )
            mentor = services.register_mentor(data, actor=actor())
            flash(_("Mentor %(name)s registered.", name=mentor.name), "success")
            return redirect(url_for("mentoring.mentor_list"))
        except DomainError as error:
            errors = flash_error(error)
    mentors = services.list_mentors(
        q=request.args.get("q") or None, language=request.args.get("language") or None
    )
    return render_template(
        "mentoring/list.html",
        mentors=mentors,
        counted={m.id for m in mentors if services.sees_match_count(m, actor())},
        errors=errors,
        form=form,
        q=request.args.get("q", ""),
    ), (422 if errors else 200)


@pages_bp.post(f"{MATCH}/sessions")
@page_auth(Role.OWNER)
def session_log(match_id: int):
    """Log a session on a match from the pilot page."""
    found = services.get_owned_match(match_id, actor())
    try:
        numbers = FormNumbers(request.form)
        data = load(
            SessionInputSchema(),
            {
                "held_on": request.form.get("held_on", ""),
                "minutes": numbers.whole("minutes", _l("Minutes")),
                "mode": request.form.get("mode", ""),
                "topics": _tags(request.form.get("topics", "")),
            },
            numbers.errors,
        )
        services.log_session(found, data, actor=actor())
        flash(_("Session logged."), "success")
    except DomainError as error:
        flash_error(error)
    return redirect(url_for("pilots.pilot_detail", pilot_id=found.pilot_id))  # message at the top


@pages_bp.post(f"{MATCH}/end")
@page_auth(Role.OWNER)
def match_end(match_id: int):
    """End a match (after a confirmation: it cannot be reopened)."""
    found = services.get_owned_match(match_id, actor())
    if found.ended_at is None and not is_confirmed(request.form):
        return confirmation_page(
            # The dialog's own words (pilots/detail.html), typographic apostrophe included.
            message=_(
                "End this match? No more sessions can be logged on it, and the mentor’s place "  # noqa: RUF001
                "is given back."
            ),
            action=url_for("mentoring.match_end", match_id=found.id),
            confirm_label=_("End match"),
            cancel_url=url_for("pilots.pilot_detail", pilot_id=found.pilot_id),
        )
    found = services.end_match(found, actor=actor())
    flash(_("Match ended."), "success")
    return redirect(url_for("pilots.pilot_detail", pilot_id=found.pilot_id))  # message at the top


@pages_bp.post("/pilots/<id:pilot_id>/match")
@page_auth(Role.OWNER)
def pilot_match(pilot_id: int):
    """Match a participant with a mentor of another organization."""
    pilot = get_owned_pilot(pilot_id, actor())
    enrollment_id = whole_number(request.form.get("enrollment_id"))
    mentor_id = whole_number(request.form.get("mentor_id"))
    if enrollment_id is None or mentor_id is None:
        flash(_("Choose a participant and a mentor."), "error")
        return redirect(url_for("pilots.pilot_detail", pilot_id=pilot_id))
    try:
        services.match(pilot, enrollment_id, mentor_id, actor=actor())
        flash(_("Matched."), "success")
    except DomainError as error:
        return pilot_pages.show_failed_form(pilot_id, error)  # in place, typed choice kept
    return redirect(url_for("pilots.pilot_detail", pilot_id=pilot_id))
