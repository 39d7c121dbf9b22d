"""Owner pages of pilots: the blueprint, the list, and a pilot's page (its enrolment,
match picker, planner and what the next lifecycle move would fix). The forms it posts
to are in registration_pages, lifecycle_pages and enrolment_pages, registered by
crossover.pilots."""

from collections.abc import Callable

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.catalogue import services as catalogue
from crossover.config import local_today
from crossover.pilots import access, enrolment, lifecycle
from crossover.pilots import enrollment_views as links
from crossover.pilots.cells import cell_of
from crossover.pilots.models import Pilot
from crossover.pilots.power_planner import paired_planner
from crossover.web.errors import DomainError
from crossover.web.forms import flash_error, whole_number
from crossover.web.ui import extra_context

pages_bp = Blueprint("pilots", __name__)
PILOT = "/pilots/<id:pilot_id>"


# What mentoring adds to a pilot's page (its matches and picker): it imports pilots, so it registers
# here (crossover.mentoring.pilot_matches). Each takes the pilot and whether the reader owns it.
detail_context: list[Callable[[Pilot, bool], dict]] = []

# What the evidence adds to the list (n and verdict per pilot): it imports pilots, so it registers
# here (crossover.evidence.contributions). Each takes the listed pilots, returns template variables.
list_context: list[Callable[[list], dict]] = []


@pages_bp.route("/pilots")
@page_auth(Role.OWNER, Role.ADMIN)
def pilot_list():
    """List the organization's pilots (all pilots for admins)."""
    pilots = access.list_pilots(actor())
    return render_template("pilots/list.html", pilots=pilots, **extra_context(list_context, pilots))


@pages_bp.route(PILOT)
@page_auth(Role.OWNER, Role.ADMIN)
def pilot_detail(pilot_id: int):
    """A pilot's page: lifecycle, schedule, enrolment, invitations, matches."""
    return _render_detail(access.get_pilot(pilot_id, actor()))


def _render_detail(pilot, form=None, errors: dict | None = None, status: int = 200):
    """The pilot page; after a failed form, that form's typed values and errors (in place, 422)."""
    is_owner = actor().role is Role.OWNER
    page = _page_number(request.args.get("page"))
    enrollments, total = links.enrollment_page(pilot, page) if is_owner else ([], 0)
    age_bands = catalogue.options("age_band")
    participants = enrolment.count_participants(pilot) if is_owner else 0
    return render_template(
        "pilots/detail.html",
        pilot=pilot,
        cell=cell_of(pilot),
        is_owner=is_owner,
        enrollments=enrollments,
        total=total,
        page=page,
        pages=max(1, -(-total // links.ENROLLMENT_PAGE_SIZE)),
        participants=participants,
        consequence=next_consequence(pilot, participants) if is_owner else "",
        next_status=lifecycle.NEXT_STATUS.get(pilot.status),
        age_bands=age_bands,
        career_phases=catalogue.options("career_phase"),
        default_age_band=_first_eligible(age_bands, pilot.eligible_age_bands),
        planner=paired_planner(pilot.min_dz, pilot.alpha, pilot.direction.value, pilot.planned_n),
        form=form or {},
        errors=errors or {},
        **extra_context(detail_context, pilot, is_owner),
    ), status


def _page_number(text: str | None) -> int:
    """?page=N as typed; anything else (or beyond a sane bound) is page 1."""
    number = whole_number(text)
    return number if number is not None and 1 <= number <= 100_000 else 1


def _first_eligible(options, eligible: list[str]) -> str:
    """The enrolment form's default: an option the pilot accepts (not 40-44 for a 45+ pilot)."""
    keys = [o.key for o in options]
    return next((k for k in keys if not eligible or k in eligible), keys[0] if keys else "")


def show_failed_form(pilot_id: int, error: DomainError):
    """Show the pilot page again with the error at the top and the typed values kept."""
    errors = flash_error(error)
    return _render_detail(access.get_pilot(pilot_id, actor()), request.form, errors, 422)


def back_to_pilot(pilot_id: int):
    """Redirect to the pilot's page, where the flashed message is shown."""
    # No #anchor: the message is at the top of the page, and a jump would scroll past it.
    return redirect(url_for("pilots.pilot_detail", pilot_id=pilot_id))


def transition_consequence(pilot, to: str, participants: int, today) -> str:
    """What a move cannot undo, said before it happens: on the page, in the dialog and on the
    no-JavaScript confirmation page. Empty when the move needs no confirmation."""
    if to == "recruiting":
        return _(
            "Leaving draft freezes the preregistration: the design, outcome and test can no "
            "longer be changed."
        )
    if to != "closed":
        return ""
    parts = [
        _("Closing ends the pilot: no more answers are collected and the report becomes final.")
    ]
    if today < pilot.ends_on:
        parts.append(_("It closes early: the planned end is %(date)s.", date=pilot.ends_on))
    if participants < pilot.planned_n:
        parts.append(
            _(
                "Only %(n)s of the %(planned)s planned participants are enrolled.",
                n=participants,
                planned=pilot.planned_n,
            )
        )
    return " ".join(parts)


def next_consequence(pilot, participants: int) -> str:
    """What the pilot's next lifecycle move cannot undo (empty for a closed pilot)."""
    next_status = lifecycle.NEXT_STATUS.get(pilot.status)
    if next_status is None:
        return ""
    return transition_consequence(pilot, next_status.value, participants, local_today())
