"""The company survey's roster and engagement-score CSV templates: the valid codes as notes above
the header row each upload reads."""

from flask_babel import gettext as _

from crossover.auth.access import page_auth
from crossover.auth.models import Role
from crossover.catalogue.bands import AGE_BAND_LABELS, AGE_BANDS, TENURE_BAND_LABELS, TENURE_BANDS
from crossover.catalogue.services import option_notes
from crossover.company.pages import pages_bp
from crossover.web.csv_template import Note, template_csv
from crossover.web.downloads import csv_download

ROSTER_COLUMNS = [
    "employee_ref",
    "age_band",
    "tenure_band",
    "unit",
    "career_phase",
    "email",
    "engagement",
]
ENGAGEMENT_COLUMNS = ["employee_ref", "engagement"]


def roster_notes() -> list[Note]:
    return [
        ("employee_ref", "", _("Required: your own employee ID (not stored, only a keyed code)")),
        *[("age_band", band, str(AGE_BAND_LABELS[band])) for band in AGE_BANDS],
        *[("tenure_band", band, str(TENURE_BAND_LABELS[band])) for band in TENURE_BANDS],
        ("unit", "", _("Required: the unit's name, up to 100 characters")),
        *option_notes("career_phase", "career_phase"),
        ("career_phase", "", _("Optional")),
        ("email", "", _("Optional: an e-mail address for invitations")),
        ("engagement", "", _("Optional: the person's score from your engagement survey")),
    ]


@pages_bp.route("/roster-template.csv")
@page_auth(Role.OWNER)
def roster_template():
    """The company survey's roster CSV template."""
    body = template_csv(_("Roster template"), roster_notes(), ROSTER_COLUMNS)
    return csv_download("roster-template.csv", body)


@pages_bp.route("/engagement-template.csv")
@page_auth(Role.OWNER)
def engagement_template():
    """The company survey's engagement-score CSV template."""
    notes = [
        ("employee_ref", "", _("Required: the employee ID used in the roster")),
        (
            "engagement",
            "",
            _("A number: the person's score from your engagement survey, on any scale"),
        ),
    ]
    body = template_csv(_("Engagement score template"), notes, ENGAGEMENT_COLUMNS)
    return csv_download("engagement-template.csv", body)
