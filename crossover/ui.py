"""Template helpers shared by every page: navigation and translated enum labels."""
from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LABELS = {
    "initiative_status": {
        "idea": _l("Idea"), "piloting": _l("Piloting"), "validated": _l("Validated"), "retired": _l("Retired"),
    },
    "pilot_status": {
        "draft": _l("Draft"), "recruiting": _l("Recruiting"), "running": _l("Running"), "closed": _l("Closed"),
    },
    "direction": {"increase": _l("Increase"), "decrease": _l("Decrease"), "two-sided": _l("Either way (two-sided)")},
    "test": {"paired_t": _l("Paired t-test"), "wilcoxon": _l("Wilcoxon signed-rank test")},
    "arm": {"participant": _l("Participant"), "comparison": _l("Comparison (wait-list)")},
    "wave": {"intake": _l("Intake"), "pre": _l("Pre"), "post": _l("Post")},
    "invitation": {
        "not_open": _l("Not open yet"), "open": _l("Open"), "closed": _l("Closed"), "answered": _l("Answered"),
    },
    "mode": {"online": _l("Online"), "in_person": _l("In person")},
    "verdict": {
        "small_success": _l("Small success"), "promising": _l("Promising"), "no_evidence": _l("No evidence"),
        "adverse": _l("Adverse"), "insufficient_data": _l("Not enough data"),
    },
}

# (endpoint, label, roles that see it); endpoints of domains not yet registered are skipped.
NAV = [
    ("pilots.pilot_list", _l("Pilots"), {"owner", "admin"}),
    ("mentoring.mentor_list", _l("Mentors"), {"owner", "admin"}),
    ("evidence.board", _l("Evidence"), {"reviewer", "admin"}),
    ("instruments.instrument_list", _l("Questionnaires"), {"owner", "admin"}),
    ("accounts.team", _l("Team"), {"owner"}),
    ("accounts.organizations", _l("Organizations"), {"admin"}),
    ("accounts.users", _l("Users"), {"admin"}),
    ("audit.events", _l("Audit log"), {"admin"}),
    ("accounts.account", _l("Account"), {"owner", "admin", "reviewer"}),
]


def label(kind: str, value: str) -> str:
    """The translated label of an enum value; follow-up waves read 'Follow-up +30 d'."""
    if kind == "wave" and value.startswith("followup_"):
        return str(_l("Follow-up +%(days)s d", days=value.removeprefix("followup_")))
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


def number(value, digits: int = 2) -> str:
    """A figure for a table; withheld or undefined values show as an em dash."""
    return "—" if value is None else f"{value:.{digits}f}"


def p_value(value) -> str:
    if value is None:
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def percent(value) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(status_label=status_label, nav_items=nav_items, label=label)
    app.jinja_env.filters.update(num=number, pval=p_value, pct=percent)
