"""Actions on a pilot's page that move it along its lifecycle (confirmed first when the
move cannot be undone) and save its wave schedule."""

from flask import flash, request, url_for
from flask_babel import gettext as _

from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.pilots import access, enrolment, lifecycle, registration
from crossover.pilots.pages import (
    PILOT,
    back_to_pilot,
    next_consequence,
    pages_bp,
    show_failed_form,
)
from crossover.pilots.schemas import WaveWindowSchema
from crossover.web.confirmation import confirmation_page, is_confirmed
from crossover.web.errors import DomainError
from crossover.web.forms import blank_to_none, flash_error, load
from crossover.web.ui import label


def _confirm_transition(pilot, to: str):
    """The no-JavaScript confirmation of an irreversible move, or None when none is needed."""
    next_status = lifecycle.NEXT_STATUS.get(pilot.status)
    if next_status is None or to != next_status.value:
        return None  # not the next step: the service refuses it as before
    consequence = next_consequence(pilot, enrolment.count_participants(pilot))
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
    pilot = access.get_owned_pilot(pilot_id, actor())
    to = request.form.get("to", "")
    if not is_confirmed(request.form) and (page := _confirm_transition(pilot, to)) is not None:
        return page
    try:
        pilot = lifecycle.transition(pilot, to, actor=actor())
        flash(
            _("The pilot is now %(status)s.", status=label("pilot_status", pilot.status.value)),
            "success",
        )
    except ValueError:
        flash(_("Unknown status."), "error")
    except DomainError as error:
        flash_error(error)
    return back_to_pilot(pilot_id)


@pages_bp.post(f"{PILOT}/schedule")
@page_auth(Role.OWNER)
def pilot_schedule(pilot_id: int):
    """Save the wave schedule."""
    pilot = access.get_owned_pilot(pilot_id, actor())
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
        registration.update_pilot(pilot, {"schedule": windows}, actor=actor())
        flash(_("Schedule saved."), "success")
    except DomainError as error:
        return show_failed_form(pilot_id, error)
    return back_to_pilot(pilot_id)
