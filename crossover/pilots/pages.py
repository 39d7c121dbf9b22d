"""Owner pages: register and edit a pilot (with the power planner), lifecycle, enrolment,
invitation links and status, matching and session logs."""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crossover import audit
from crossover.analysis import (
    paired_n_for_power,
    paired_power,
    two_arm_n_for_power,
    two_arm_power,
)
from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.catalogue import services as catalogue
from crossover.config import local_today
from crossover.extensions import db
from crossover.instruments.services import list_instruments
from crossover.mentoring import services as mentoring
from crossover.outbox import mailer
from crossover.outbox import services as outbox
from crossover.outbox.flashes import flash_delivery, flash_mail_off
from crossover.pilots import enrollment_views as links
from crossover.pilots import services
from crossover.pilots.cells import cell_of
from crossover.pilots.models import PilotStatus
from crossover.pilots.schemas import (
    EnrollmentInputSchema,
    PilotCreateSchema,
    PilotUpdateSchema,
    WaveWindowSchema,
)
from crossover.web.confirmation import confirmation_page, is_confirmed
from crossover.web.errors import DomainError, Invalid
from crossover.web.forms import (
    FormNumbers,
    blank_to_none,
    checked,
    decimal_number,
    flash_error,
    load,
    whole_number,
)
from crossover.web.ui import label

pages_bp = Blueprint("pilots", __name__)
PILOT = "/pilots/<id:pilot_id>"


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


NO_PLAN = {"needed": None, "power": None}
NO_TWO_ARM_PLAN = {"per_arm": None, "total": None, "power": None}
# The planner's pre-post correlation until the owner gives one: a cautious value for a
# questionnaire re-measured a few months later (ANCOVA gains more the higher it is).
DEFAULT_RHO = 0.5


def _planner(min_dz: float, alpha: float, direction: str, planned_n: int) -> dict:
    """Server-side figures for the power planner (the page updates them live)."""
    try:
        needed = paired_n_for_power(min_dz, alpha, 0.8, direction).pairs_needed
        power = paired_power(planned_n, min_dz, alpha, direction).power if planned_n >= 2 else None
        return {"needed": needed, "power": power}
    except (ValueError, TypeError):
        return NO_PLAN


def _two_arm_planner(d: float, rho: float, alpha: float, direction: str, per_arm: int) -> dict:
    """People per arm for a randomised pilot analysed by ANCOVA, and the planned n's power."""
    try:
        needed = two_arm_n_for_power(d, rho, alpha, 0.8, direction)
        power = two_arm_power(per_arm, d, rho, alpha, direction).power if per_arm >= 2 else None
        return {"per_arm": needed.per_arm_needed, "total": needed.total_needed, "power": power}
    except (ValueError, TypeError):
        return NO_TWO_ARM_PLAN


def _randomised_comparison(form) -> bool:
    """The two-arm figure applies to a comparison arm drawn by lot (the default allocation)."""
    return checked(form, "has_comparison") and form.get("allocation") != "assigned"


def _form_planner(form) -> dict:
    """The planner for a form as typed; an unreadable number leaves the figures blank."""
    min_dz = decimal_number(form.get("min_dz") or "0.2")
    alpha = decimal_number(form.get("alpha") or "0.05")
    planned_n = whole_number(form.get("planned_n") or "0")
    rho = decimal_number(form.get("rho") or str(DEFAULT_RHO))
    if min_dz is None or alpha is None or planned_n is None:
        plan = dict(NO_PLAN, two_arm=NO_TWO_ARM_PLAN)
    else:
        direction = form.get("direction") or "increase"
        plan = dict(_planner(min_dz, alpha, direction, planned_n))
        plan["two_arm"] = (
            NO_TWO_ARM_PLAN
            if rho is None
            else _two_arm_planner(min_dz, rho, alpha, direction, planned_n)
        )
    return dict(plan, show_two_arm=_randomised_comparison(form))


# What the evidence adds to the list (n and verdict per pilot): it imports pilots, so it registers
# here (crossover.evidence.contributions). Each takes the listed pilots, returns template variables.
list_context: list[Callable[[list], dict]] = []


@pages_bp.route("/pilots")
@page_auth(Role.OWNER, Role.ADMIN)
def pilot_list():
    """List the organization's pilots (all pilots for admins)."""
    pilots = services.list_pilots(actor())
    extras: dict = {}
    for provider in list_context:
        extras.update(provider(pilots))
    return render_template("pilots/list.html", pilots=pilots, **extras)


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
            pilot = services.register_pilot(data, actor=actor())
            flash(_("Pilot registered as a draft."), "success")
            return redirect(url_for("pilots.pilot_detail", pilot_id=pilot.id))
        except Invalid as error:
            errors = flash_error(error)
    return render_template(
        "pilots/form.html",
        form=form,
        errors=errors,
        planner=_form_planner(form),
        pilot=None,
        **_choices(),
    ), (422 if errors else 200)


@pages_bp.route(f"{PILOT}/edit", methods=["GET", "POST"])
@page_auth(Role.OWNER)
def pilot_edit(pilot_id: int):
    """Edit a pilot: everything while it is a draft, only the title afterwards."""
    pilot = services.get_owned_pilot(pilot_id, actor())
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
            services.update_pilot(pilot, data, actor=actor())
            flash(_("Pilot saved."), "success")
            return redirect(url_for("pilots.pilot_detail", pilot_id=pilot.id))
        except DomainError as error:
            errors = flash_error(error)
    return render_template(
        "pilots/form.html",
        form=form,
        errors=errors,
        planner=_form_planner(form),
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


@pages_bp.route(PILOT)
@page_auth(Role.OWNER, Role.ADMIN)
def pilot_detail(pilot_id: int):
    """A pilot's page: lifecycle, schedule, enrolment, invitations, matches."""
    return _render_detail(services.get_pilot(pilot_id, actor()))


def _render_detail(pilot, form=None, errors: dict | None = None, status: int = 200):
    """The pilot page; after a failed form, that form's typed values and errors (in place, 422)."""
    is_owner = actor().role is Role.OWNER
    page = _page_number(request.args.get("page"))
    enrollments, total = links.enrollment_page(pilot, page) if is_owner else ([], 0)
    matches = mentoring.list_matches(pilot) if is_owner else []
    matched = {m.enrollment_id for m in matches}
    search = _picker_search(request.args)
    unmatched = services.unmatched_participants(pilot, matched, search=search) if is_owner else []
    # Counted only when the cap is reached: below it the picker already shows everyone.
    unmatched_total = (
        services.count_unmatched(pilot, matched, search)
        if len(unmatched) >= services.PICKER_SIZE
        else len(unmatched)
    )
    mentors = [
        m
        for m in mentoring.list_mentors(available=True)
        if m.organization_id != pilot.organization_id
    ]
    age_bands = catalogue.options("age_band")
    participants = services.count_participants(pilot) if is_owner else 0
    return render_template(
        "pilots/detail.html",
        pilot=pilot,
        cell=cell_of(pilot),
        is_owner=is_owner,
        enrollments=enrollments,
        matches=matches,
        unmatched=unmatched,
        unmatched_total=unmatched_total,
        search=search,
        total=total,
        page=page,
        pages=max(1, -(-total // links.ENROLLMENT_PAGE_SIZE)),
        participants=participants,
        consequence=_next_consequence(pilot, participants) if is_owner else "",
        mentors=mentors,
        next_status=services.NEXT_STATUS.get(pilot.status),
        age_bands=age_bands,
        career_phases=catalogue.options("career_phase"),
        default_age_band=_first_eligible(age_bands, pilot.eligible_age_bands),
        planner=_planner(pilot.min_dz, pilot.alpha, pilot.direction.value, pilot.planned_n),
        form=form or {},
        errors=errors or {},
    ), status


def _picker_search(args) -> services.PickerSearch:
    """The match picker's search as typed (?find_code=&find_age_band=&find_phase=); a value
    that is no known option is ignored rather than refused: it is a search, not a save."""
    return services.PickerSearch(
        code=(args.get("find_code") or "").strip()[:32],
        age_band=_known(args.get("find_age_band"), "age_band"),
        career_phase=_known(args.get("find_phase"), "career_phase"),
    )


def _known(value: str | None, kind: str) -> str:
    return value if value and value in {o.key for o in catalogue.options(kind)} else ""


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
    return _render_detail(services.get_pilot(pilot_id, actor()), request.form, errors, 422)


def _back(pilot_id: int):
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


def _next_consequence(pilot, participants: int) -> str:
    next_status = services.NEXT_STATUS.get(pilot.status)
    if next_status is None:
        return ""
    return transition_consequence(pilot, next_status.value, participants, local_today())


def _confirm_transition(pilot, to: str):
    """The no-JavaScript confirmation of an irreversible move, or None when none is needed."""
    next_status = services.NEXT_STATUS.get(pilot.status)
    if next_status is None or to != next_status.value:
        return None  # not the next step: the service refuses it as before
    consequence = _next_consequence(pilot, services.count_participants(pilot))
    if not consequence:
        return None
    return confirmation_page(
        message=f"{consequence} {_('Continue?')}",
        action=url_for("pilots.pilot_transition", pilot_id=pilot.id),
        confirm_label=_("Move to: %(status)s", status=label("pilot_status", to)),
        cancel_url=url_for("pilots.pilot_detail", pilot_id=pilot.id),
        fields={"to": to},
    )


@pages_bp.post(f"{PILOT}/transition")
@page_auth(Role.OWNER)
def pilot_transition(pilot_id: int):
    """Move the pilot to its next lifecycle state (after a confirmation when irreversible)."""
    pilot = services.get_owned_pilot(pilot_id, actor())
    to = request.form.get("to", "")
    if not is_confirmed(request.form) and (page := _confirm_transition(pilot, to)) is not None:
        return page
    try:
        pilot = services.transition(pilot, to, actor=actor())
        flash(
            _("The pilot is now %(status)s.", status=label("pilot_status", pilot.status.value)),
            "success",
        )
    except ValueError:
        flash(_("Unknown status."), "error")
    except DomainError as error:
        flash_error(error)
    return _back(pilot_id)


@pages_bp.post(f"{PILOT}/schedule")
@page_auth(Role.OWNER)
def pilot_schedule(pilot_id: int):
    """Save the wave schedule."""
    pilot = services.get_owned_pilot(pilot_id, actor())
    try:
        windows = [
            load(
                WaveWindowSchema(),
                {
                    "wave": w.wave,
                    "opens_on": blank_to_none(request.form.get(f"opens_{w.wave}")),
                    "closes_on": request.form.get(f"closes_{w.wave}", ""),
                },
            )
            for w in pilot.waves
        ]
        services.update_pilot(pilot, {"schedule": windows}, actor=actor())
        flash(_("Schedule saved."), "success")
    except DomainError as error:
        return show_failed_form(pilot_id, error)
    return _back(pilot_id)


@pages_bp.post(f"{PILOT}/enroll")
@page_auth(Role.OWNER)
def pilot_enroll(pilot_id: int):
    """Enrol one person from the form."""
    pilot = services.get_owned_pilot(pilot_id, actor())
    try:
        data = load(
            EnrollmentInputSchema(),
            {
                "age_band": request.form.get("age_band", ""),
                "career_phase": request.form.get("career_phase", ""),
                "tenure_band": blank_to_none(request.form.get("tenure_band")),
                "consent": checked(request.form, "consent"),
                "arm": request.form.get("arm") or None,
                "email": blank_to_none(request.form.get("email")),
            },
        )
        enrollment = services.enroll(pilot, data, actor=actor())
        if pilot.randomised:  # the owner learns the drawn arm only now
            flash(
                _(
                    "Enrolled as %(code)s; the draw gave the %(arm)s arm.",
                    code=enrollment.code,
                    arm=label("arm", enrollment.arm.value),
                ),
                "success",
            )
        else:
            flash(_("Enrolled as %(code)s.", code=enrollment.code), "success")
    except DomainError as error:
        return show_failed_form(pilot_id, error)
    return _back(pilot_id)


def _local_time(moment: datetime) -> str:
    """A timestamp in the service's calendar (Asia/Tokyo), to the minute."""
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime("%Y-%m-%d %H:%M")


@pages_bp.post(f"{PILOT}/enroll-csv")
@page_auth(Role.OWNER)
def pilot_enroll_csv(pilot_id: int):
    """Enrol everyone in an uploaded CSV, or nobody."""
    pilot = services.get_owned_pilot(pilot_id, actor())
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise Invalid(_("Choose a CSV file."), {"file": [_("Required.")]})
        result = services.enroll_csv(pilot, upload.read(), actor=actor())
        flash(_("%(n)d people enrolled.", n=result.enrolled), "success")
    except services.DuplicateUpload as duplicate:
        flash(
            _(
                "This file was already uploaded on %(when)s and enrolled %(n)d people; nobody was "
                "enrolled again.",
                when=_local_time(duplicate.upload.uploaded_at),
                n=duplicate.upload.enrolled,
            ),
            "error",
        )
    except DomainError as error:
        return show_failed_form(pilot_id, error)
    return _back(pilot_id)


@pages_bp.post(f"{PILOT}/send-invitations")
@page_auth(Role.OWNER)
def pilot_send_invitations(pilot_id: int):
    """Queue this pilot's due invitations and reminders for the worker and answer at once (each
    once; a reminder only near the close of a wave still unanswered)."""
    pilot_id = services.get_owned_pilot(pilot_id, actor()).id
    if mailer.mail_state() == mailer.MAIL_OFF:
        flash_mail_off()
        return _back(pilot_id)
    due = outbox.request_send(pilot_id=pilot_id)
    audit.record(
        actor(),
        "pilot.send_invitations",
        "pilot",
        pilot_id,
        invitations=due["invitation"],
        reminders=due["reminder"],
    )
    db.session.commit()
    nudged = outbox.nudge_send(pilot_id=pilot_id) if due else True
    flash_delivery(due["invitation"], due["reminder"], nudged)
    return _back(pilot_id)


@pages_bp.post("/enrollments/<id:enrollment_id>/erase")
@page_auth(Role.OWNER)
def enrollment_erase(enrollment_id: int):
    """Erase a participant's contact data (after a confirmation: it cannot be undone)."""
    enrollment = services.get_owned_enrollment(enrollment_id, actor())
    if not is_confirmed(request.form):
        return confirmation_page(
            message=f"{_('Erase this contact?')} ({enrollment.code})",
            action=url_for("pilots.enrollment_erase", enrollment_id=enrollment.id),
            confirm_label=_("Erase contact"),
            cancel_url=url_for("pilots.pilot_detail", pilot_id=enrollment.pilot_id),
        )
    services.erase_contact(enrollment, actor=actor())
    flash(
        _("Contact data of %(code)s erased; the answers stay, anonymous.", code=enrollment.code),
        "success",
    )
    return _back(enrollment.pilot_id)
