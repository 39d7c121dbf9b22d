"""Actions on a pilot's page for its people: enrol one, enrol a CSV file, send the
due invitations, erase a contact."""

from flask import flash, request, url_for
from flask_babel import gettext as _

from crossover import audit
from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.extensions import db
from crossover.outbox import mailer
from crossover.outbox import services as outbox
from crossover.outbox.flashes import flash_delivery, flash_mail_off
from crossover.pilots import access, enrolment, enrolment_csv
from crossover.pilots.pages import PILOT, back_to_pilot, pages_bp, show_failed_form
from crossover.pilots.schemas import EnrollmentInputSchema
from crossover.web.confirmation import confirmation_page, is_confirmed
from crossover.web.errors import DomainError, Invalid
from crossover.web.forms import blank_to_none, checked, load
from crossover.web.ui import label, local_time


@pages_bp.post(f"{PILOT}/enroll")
@page_auth(Role.OWNER)
def pilot_enroll(pilot_id: int):
    """Enrol one person from the form."""
    pilot = access.get_owned_pilot(pilot_id, actor())
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
        enrollment = enrolment.enroll(pilot, data, actor=actor())
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
    return back_to_pilot(pilot_id)


@pages_bp.post(f"{PILOT}/enroll-csv")
@page_auth(Role.OWNER)
def pilot_enroll_csv(pilot_id: int):
    """Enrol everyone in an uploaded CSV, or nobody."""
    pilot = access.get_owned_pilot(pilot_id, actor())
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise Invalid(_("Choose a CSV file."), {"file": [_("Required.")]})
        result = enrolment_csv.enroll_csv(pilot, upload.read(), actor=actor())
        flash(_("%(n)d people enrolled.", n=result.enrolled), "success")
    except enrolment_csv.DuplicateUpload as duplicate:
        flash(
            _(
                "This file was already uploaded on %(when)s and enrolled %(n)d people; nobody was "
                "enrolled again.",
                when=local_time(duplicate.upload.uploaded_at),
                n=duplicate.upload.enrolled,
            ),
            "error",
        )
    except DomainError as error:
        return show_failed_form(pilot_id, error)
    return back_to_pilot(pilot_id)


@pages_bp.post(f"{PILOT}/send-invitations")
@page_auth(Role.OWNER)
def pilot_send_invitations(pilot_id: int):
    """Queue this pilot's due invitations and reminders for the worker and answer at once (each
    once; a reminder only near the close of a wave still unanswered)."""
    pilot_id = access.get_owned_pilot(pilot_id, actor()).id
    if mailer.mail_state() == mailer.MAIL_OFF:
        flash_mail_off()
        return back_to_pilot(pilot_id)
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
    return back_to_pilot(pilot_id)


@pages_bp.post("/enrollments/<id:enrollment_id>/erase")
@page_auth(Role.OWNER)
def enrollment_erase(enrollment_id: int):
    """Erase a participant's contact data (after a confirmation: it cannot be undone)."""
    enrollment = access.get_owned_enrollment(enrollment_id, actor())
    if not is_confirmed(request.form):
        return confirmation_page(
            message=f"{_('Erase this contact?')} ({enrollment.code})",
            action=url_for("pilots.enrollment_erase", enrollment_id=enrollment.id),
            confirm_label=_("Erase contact"),
            cancel_url=url_for("pilots.pilot_detail", pilot_id=enrollment.pilot_id),
        )
    enrolment.erase_contact(enrollment, actor=actor())
    flash(
        _("Contact data of %(code)s erased; the answers stay, anonymous.", code=enrollment.code),
        "success",
    )
    return back_to_pilot(enrollment.pilot_id)
