"""Template helpers shared by every page: navigation and translated enum labels."""
from flask import Flask, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

STATUS_LABELS = {
    "idea": _l("Idea"),
    "piloting": _l("Piloting"),
    "validated": _l("Validated"),
    "retired": _l("Retired"),
}

# (endpoint, label, roles that see it); endpoints of domains not yet registered are skipped.
NAV = [
    ("pilots.pilot_list", _l("Pilots"), {"owner", "admin"}),
    ("mentoring.mentor_list", _l("Mentors"), {"owner", "admin"}),
    ("evidence.board", _l("Evidence"), {"reviewer", "admin"}),
]


def status_label(value: str) -> str:
    return str(STATUS_LABELS.get(value, value))


def nav_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    from flask import current_app

    items = []
    for endpoint, label, roles in NAV:
        if current_user.role.value in roles and endpoint in current_app.view_functions:
            items.append({"url": url_for(endpoint), "label": str(label)})
    return items


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(status_label=status_label, nav_items=nav_items)
