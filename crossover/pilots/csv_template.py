"""The enrolment CSV template of one pilot: its eligible bands and phases, its arms, as notes
above the header row the enrolment upload reads."""

from flask_babel import gettext as _

from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.catalogue.services import option_notes
from crossover.pilots.access import get_owned_pilot
from crossover.pilots.models import Arm, Pilot
from crossover.pilots.pages import pages_bp
from crossover.web.csv_template import Note, template_csv
from crossover.web.downloads import csv_download
from crossover.web.ui import label

ENROLMENT_COLUMNS = ["age_band", "career_phase", "consent", "arm", "email"]


def _arm_notes(pilot: Pilot) -> list[Note]:
    if pilot.randomised:
        return [("arm", "", _("Leave blank: each person's arm is drawn by lot."))]
    arms = [Arm.PARTICIPANT, Arm.COMPARISON] if pilot.has_comparison else [Arm.PARTICIPANT]
    notes = [("arm", a.value, label("arm", a.value)) for a in arms]
    return [*notes, ("arm", "", _("Blank: %(label)s", label=label("arm", "participant")))]


def enrolment_notes(pilot: Pilot) -> list[Note]:
    """The valid codes of an enrolment file for this pilot (its eligible bands and phases)."""
    return [
        *option_notes("age_band", "age_band", pilot.eligible_age_bands),
        *option_notes("career_phase", "career_phase", pilot.eligible_career_phases),
        ("consent", "yes", _("Consented (required; はい and 同意 are read as yes too)")),
        *_arm_notes(pilot),
        ("email", "", _("Optional: an e-mail address for invitations")),
    ]


@pages_bp.route("/pilots/<id:pilot_id>/enrolment-template.csv")
@page_auth(Role.OWNER)
def enrolment_template(pilot_id: int):
    """The enrolment CSV template of one pilot."""
    pilot = get_owned_pilot(pilot_id, actor())
    title = _("Enrolment template: %(title)s", title=pilot.title)
    body = template_csv(title, enrolment_notes(pilot), ENROLMENT_COLUMNS)
    return csv_download(f"enrolment-template-pilot-{pilot.id}.csv", body)
