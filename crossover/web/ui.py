"""Template helpers shared by every page: navigation and translated enum labels."""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crossover import waves

LABELS = {
    "initiative_status": {
        "idea": _l("Idea"),
        "piloting": _l("Piloting"),
        "validated": _l("Validated"),
        "retired": _l("Retired"),
    },
    "pilot_status": {
        "draft": _l("Draft"),
        "recruiting": _l("Recruiting"),
        "running": _l("Running"),
        "closed": _l("Closed"),
    },
    "direction": {
        "increase": _l("Increase"),
        "decrease": _l("Decrease"),
        "two-sided": _l("Either way (two-sided)"),
    },
    "test": {"paired_t": _l("Paired t-test"), "wilcoxon": _l("Wilcoxon signed-rank test")},
    "arm": {"participant": _l("Participant"), "comparison": _l("Comparison (wait-list)")},
    "wave": {waves.INTAKE: _l("Intake"), waves.PRE: _l("Pre"), waves.POST: _l("Post")},
    "invitation": {
        "not_open": _l("Not open yet"),
        "open": _l("Open"),
        "answered": _l("Answered"),
        # Not "Closed": that is the pilot's status; a wave that closed unanswered was missed.
        "closed": _l("Missed (closed unanswered)"),
    },
    "mode": {"online": _l("Online"), "in_person": _l("In person")},
    "verdict": {
        "small_success": _l("Small success"),
        "promising": _l("Promising"),
        "no_evidence": _l("No evidence"),
        "adverse": _l("Adverse"),
        "insufficient_data": _l("Not enough data"),
    },
}

# (endpoint, label, roles that see it); endpoints of domains not yet registered are skipped.
NAV = [
    ("pilots.pilot_list", _l("Pilots"), {"owner", "admin"}),
    ("company.survey_list", _l("Company surveys"), {"owner"}),
    ("mentoring.mentor_list", _l("Mentors"), {"owner", "admin"}),
    ("evidence.board", _l("Evidence"), {"reviewer", "admin"}),
    ("company_dashboard.consortium", _l("Company survey distribution"), {"reviewer", "admin"}),
    ("instruments.instrument_list", _l("Questionnaires"), {"owner", "admin"}),
    ("accounts.team", _l("Team"), {"owner"}),
    ("accounts.organizations", _l("Organizations"), {"admin"}),
    ("accounts.users", _l("Users"), {"admin"}),
    ("audit.events", _l("Audit log"), {"admin"}),
    ("outbox.mail", _l("Mail"), {"admin"}),
    ("accounts.account", _l("Account"), {"owner", "admin", "reviewer"}),
]


def label(kind: str, value: str) -> str:
    """The translated label of an enum value; follow-up waves read 'Follow-up +30 d'."""
    if kind == "wave" and (days := waves.followup_days_of(value)) is not None:
        return str(_l("Follow-up +%(days)s d", days=days))
    return str(LABELS.get(kind, {}).get(value, value))


def status_label(value: str) -> str:
    return label("initiative_status", value)


def nav_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    return [
        {"url": url_for(endpoint), "label": str(text)}
        for endpoint, text, roles in NAV
        if current_user.role.value in roles and endpoint in current_app.view_functions
    ]


def extra_context(providers: list[Callable[..., dict]], *args) -> dict:
    """The template variables that rooms above a page's own add to it.

    A room cannot import the rooms built on it, so those register a provider in the page's list
    as they are imported (e.g. the evidence board's figures on the catalogue grid, focus areas on
    the company trend); each takes the page's objects and returns extra variables.
    """
    extras: dict = {}
    for provider in providers:
        extras.update(provider(*args))
    return extras


def local_time(moment: datetime) -> str:
    """A timestamp in the service's calendar (TIMEZONE, Asia/Tokyo), to the minute."""
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime("%Y-%m-%d %H:%M")


def number(value, digits: int = 2) -> str:
    """A figure for a table; withheld or undefined values show as an em dash, and a value that
    rounds to zero prints as 0.00, never -0.00."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}"
    return f"{0:.{digits}f}" if float(text) == 0 else text


def score_number(value) -> str:
    """A score, a change of score or its interval: two decimals."""
    return number(value, 2)


def effect_number(value) -> str:
    """An effect size (dz, g, d, r) or its interval: three decimals."""
    return number(value, 3)


def p_value(value) -> str:
    """p for a table cell: '<' and its figure joined by a no-break space so they never wrap."""
    if value is None:
        return "—"
    return "<\u00a00.001" if value < 0.001 else f"{value:.3f}"


def p_statement(value) -> str:
    """'p < 0.001' or 'p = 0.012': the comparison sign belongs to the figure, never
    'p = < 0.001'."""
    if value is None:
        return "p = —"
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def percent(value) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        status_label=status_label,
        nav_items=nav_items,
        label=label,
        waves=waves,
    )
    app.jinja_env.filters.update(
        num=number,
        score=score_number,
        effect=effect_number,
        pval=p_value,
        pstat=p_statement,
        pct=percent,
    )
