"""Mail on pages: the helpers templates use for a pilot's or a round's mail progress, failure
reasons in words and times in the service's calendar (lent to every page by init_app)."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from crossover.outbox import mailer, services
from crossover.web.ui import local_time

FAILURE_LABELS = {
    mailer.REFUSED: _l("the SMTP server refused the connection (nothing listens there)"),
    mailer.TIMEOUT: _l("the SMTP server did not answer in time"),
    mailer.CONNECTION: _l("the connection to the SMTP server broke, or signing in failed"),
    mailer.TEMPORARY: _l("the SMTP server declined for now (4xx); it is tried again"),
    mailer.REJECTED: _l("the SMTP server refused this message (5xx); it is not tried again"),
    mailer.BAD_ADDRESS: _l("the e-mail address cannot be used"),
    mailer.GAVE_UP: _l("temporary failures too many times; no more tries"),
    mailer.LINK_EXPIRED: _l("the link expired before it could be sent"),
}


def mail_progress(**scope: int):
    """One scope's mail, by a mail source's key (pilot_id=…, round_id=…)."""
    return services.progress(**scope)


def failure_label(kind: str) -> str:
    return str(FAILURE_LABELS.get(kind, kind))


def mail_time(moment) -> str:
    return local_time(moment) if moment else "—"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        mail_progress=mail_progress, failure_label=failure_label, mail_time=mail_time
    )
