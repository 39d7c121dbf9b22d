"""The pilot report page: headline verdict, numbers, paired chart, subscales, follow-ups,
concerns."""

from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from crossover.auth.access import actor, page_auth
from crossover.auth.models import Role
from crossover.config import local_today
from crossover.pilots.access import get_owned_pilot, get_pilot
from crossover.reports import charts, export, services
from crossover.reports.gather import gather
from crossover.reports.paired import pairs
from crossover.reports.verdicts import effect_label

pages_bp = Blueprint("reports", __name__)


@pages_bp.route("/pilots/<id:pilot_id>/report")
@page_auth(Role.OWNER, Role.REVIEWER, Role.ADMIN)
def pilot_report(pilot_id: int):
    """Show a pilot's report."""
    pilot = get_pilot(pilot_id, actor())
    if not services.may_read_figures(pilot, actor()):
        return render_template("reports/not_closed.html", pilot=pilot)  # no figures until it closes
    data = gather(pilot)
    own_counts = services.sees_own_counts(pilot, actor())
    report = services.build_report(pilot, data, reviewer_counts=not own_counts)
    chart = None
    if not report["primary"]["suppressed"]:
        _ids, pre, post = pairs(data, pilot.outcome)
        primary = report["primary"]
        chart = Markup(
            charts.paired_chart(
                pre,
                post,
                scale_min=pilot.instrument.scale_min,
                scale_max=pilot.instrument.scale_max,
                mean_change=primary["mean_change"],
                ci=(primary["ci_low"], primary["ci_high"]),
                labels={
                    "title": _("Each participant's score before and after"),
                    "pre": _("Pre"),
                    "post": _("Post"),
                    "change": _("Mean change (95% CI)"),
                },
                show_people=actor().role is Role.OWNER,  # reviewers see aggregates only
            )
        )
    return render_template(
        "reports/report.html",
        pilot=pilot,
        report=report,
        chart=chart,
        is_owner=actor().role is Role.OWNER,
        effect_name=effect_label,
        printed_on=local_today(),
    )


@pages_bp.route("/pilots/<id:pilot_id>/export.csv")
@page_auth(Role.OWNER)
def pilot_export(pilot_id: int):
    """The report page's download: the export with the session, labelled for people
    (audit-logged)."""
    pilot = get_owned_pilot(pilot_id, actor())
    body = export.export_csv(pilot, actor=actor(), readable=True, lang=str(get_locale()))
    return export.csv_response(pilot, body, f"-{get_locale()}")
