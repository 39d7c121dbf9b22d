"""Template CSVs for every upload page: the header row the upload reads, and above it the valid
codes of each column with their labels in the page's language.

The code lines start with "#": crossover.csv_upload skips such lines before the header, so a
template filled in below its header (and saved by Excel as UTF-8, cp932 or Unicode text) uploads
as it is. Each note is split into cells (column, code, meaning) so that a spreadsheet shows the
codes as a small table.
"""

import csv
import io

from flask import Blueprint
from flask_babel import get_locale
from flask_babel import gettext as _

from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.catalogue.services import options
from crossover.company.bands import AGE_BAND_LABELS, AGE_BANDS, TENURE_BAND_LABELS, TENURE_BANDS
from crossover.downloads import csv_download
from crossover.pilots.models import Arm, Pilot
from crossover.pilots.services import get_owned_pilot
from crossover.ui import label

pages_bp = Blueprint("csv_templates", __name__)

ENROLMENT_COLUMNS = ["age_band", "career_phase", "consent", "arm", "email"]
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


def _template(title: str, notes: list[tuple[str, str, str]], columns: list[str]) -> str:
    """The file: a title note, how to fill it in, one note per (column, code, meaning), the
    header row. UTF-8 with a BOM, which Excel opens as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f"# {title}"])
    writer.writerow(
        [
            "# "
            + _(
                "Lines starting with # are notes and are not read. Write one person per row "
                "below the header row (the last line); keep the header as it is."
            )
        ]
    )
    writer.writerow([f"# {_('Column')}", _("Code"), _("Meaning")])
    for column, code, meaning in notes:
        writer.writerow([f"# {column}", code, meaning])
    writer.writerow(columns)
    return out.getvalue()


def _option_notes(column: str, kind: str, allowed: list[str] | None = None) -> list:
    lang = str(get_locale())
    return [
        (column, o.key, getattr(o, f"label_{lang}"))
        for o in options(kind)
        if not allowed or o.key in allowed
    ]


def _arm_notes(pilot: Pilot) -> list:
    if pilot.randomised:
        return [("arm", "", _("Leave blank: each person's arm is drawn by lot."))]
    arms = [Arm.PARTICIPANT, Arm.COMPARISON] if pilot.has_comparison else [Arm.PARTICIPANT]
    notes = [("arm", a.value, label("arm", a.value)) for a in arms]
    return [*notes, ("arm", "", _("Blank: %(label)s", label=label("arm", "participant")))]


def enrolment_notes(pilot: Pilot) -> list[tuple[str, str, str]]:
    """The valid codes of an enrolment file for this pilot (its eligible bands and phases)."""
    return [
        *_option_notes("age_band", "age_band", pilot.eligible_age_bands),
        *_option_notes("career_phase", "career_phase", pilot.eligible_career_phases),
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
    body = _template(title, enrolment_notes(pilot), ENROLMENT_COLUMNS)
    return csv_download(f"enrolment-template-pilot-{pilot.id}.csv", body)


def roster_notes() -> list[tuple[str, str, str]]:
    return [
        ("employee_ref", "", _("Required: your own employee ID (not stored, only a keyed code)")),
        *[("age_band", band, str(AGE_BAND_LABELS[band])) for band in AGE_BANDS],
        *[("tenure_band", band, str(TENURE_BAND_LABELS[band])) for band in TENURE_BANDS],
        ("unit", "", _("Required: the unit's name, up to 100 characters")),
        *_option_notes("career_phase", "career_phase"),
        ("career_phase", "", _("Optional")),
        ("email", "", _("Optional: an e-mail address for invitations")),
        ("engagement", "", _("Optional: the person's score from your engagement survey")),
    ]


@pages_bp.route("/company/roster-template.csv")
@page_auth(Role.OWNER)
def roster_template():
    """The company survey's roster CSV template."""
    body = _template(_("Roster template"), roster_notes(), ROSTER_COLUMNS)
    return csv_download("roster-template.csv", body)


@pages_bp.route("/company/engagement-template.csv")
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
    body = _template(_("Engagement score template"), notes, ENGAGEMENT_COLUMNS)
    return csv_download("engagement-template.csv", body)
