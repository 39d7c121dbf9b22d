"""The participant survey at /s/<token>: phone-first form, confirmation step, thank-you page."""

from contextlib import suppress

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale

from crossover import waves
from crossover.config import local_today, privacy_k
from crossover.surveys import services
from crossover.web.errors import DomainError, Invalid
from crossover.web.forms import whole_number

pages_bp = Blueprint("surveys", __name__)
TOKEN = "/s/<string(minlength=1, maxlength=128):token>"


def _payload(form, view: dict) -> dict:
    """The form as the API's JSON shape; unparseable numbers are left for validation to name."""
    if not waves.asks_scale(view["wave"]):
        return {"concerns": form.getlist("concerns"), "note": form.get("note", "")}
    answers = {}
    for item in view["items"]:
        raw = form.get(f"answer_{item['key']}", "")
        if raw != "":
            number = whole_number(raw)
            answers[item["key"]] = raw if number is None else number
    return {"answers": answers}


def _keep_draft(invitation, payload: dict) -> None:
    """Save what was answered so far, so the link resumes here even without JavaScript."""
    with suppress(Invalid):  # the full check that follows names every invalid answer on the page
        services.save_draft(invitation, payload)


def _render(template: str, view: dict, token: str, status: int = 200, **context):
    # today: a closed page must not say a survey "was open until" a date still to come
    return render_template(
        f"surveys/{template}.html", view=view, token=token, today=local_today(), **context
    ), status


@pages_bp.route(TOKEN, methods=["GET", "POST"])
def survey(token: str):
    """Show the survey; review the answers; store them."""
    invitation = services.find_invitation(token)
    view = services.survey_view(invitation, str(get_locale()))
    if view["status"] != "open":
        return _render("unavailable", view, token)
    if request.method == "GET":
        if view["draft"] is None and "start" not in request.args:
            return _render("opening", view, token, k=privacy_k())
        return _render("form", view, token, payload=view["draft"] or {}, errors={})
    payload = _payload(request.form, view)
    step = request.form.get("step", "review")
    if step in ("review", "edit"):
        _keep_draft(invitation, payload)
    if step == "edit":
        return _render("form", view, token, payload=payload, errors={})
    try:
        if step == "submit":
            services.submit(invitation, payload)
            return redirect(url_for("surveys.thanks", token=token))
        services.prepare(invitation, payload)
        return _render("confirm", view, token, payload=payload)
    except Invalid as error:
        return _render("form", view, token, 422, payload=payload, errors=error.errors)
    except DomainError:
        # Answered meanwhile (another tab, a double tap) or closed: show the friendly page.
        return _render("unavailable", services.survey_view(invitation, str(get_locale())), token)


@pages_bp.route(f"{TOKEN}/thanks")
def thanks(token: str):
    """Thank the participant once the response is stored."""
    invitation = services.find_invitation(token)
    view = services.survey_view(invitation, str(get_locale()))
    if view["status"] != "answered":
        return redirect(url_for("surveys.survey", token=token))
    return _render("thanks", view, token, next_wave=services.next_open_wave(invitation))
