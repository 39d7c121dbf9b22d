"""Mail on pages: the progress block of a pilot's or a round's mail, the admin's mail page
(the state of mail, each job's last run and, with CROSSOVER_MAIL_BACKEND=dev, the messages
kept instead of sent, with their links)."""

import re
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
import sqlalchemy as sa

from crossover.auth.access import page_auth
from crossover.auth.models import Role
from crossover.db import page_of
from crossover.extensions import db
from crossover.outbox import mailer, services
from crossover.outbox.models import JobRun, MailboxMessage, OutboxMessage

pages_bp = Blueprint("outbox", __name__)
PAGE_SIZE = 50
URL = re.compile(r"https?://[^\s<>\"']+")

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


def local_time(moment) -> str:
    """A timestamp in the service's calendar, to the minute."""
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime("%Y-%m-%d %H:%M")


@pages_bp.app_template_global("mail_progress")
def mail_progress(**scope: int):
    """One scope's mail, by a mail source's key (pilot_id=…, round_id=…)."""
    return services.progress(**scope)


@pages_bp.app_template_global("failure_label")
def failure_label(kind: str) -> str:
    return str(FAILURE_LABELS.get(kind, kind))


@pages_bp.app_template_global("mail_time")
def mail_time(moment) -> str:
    return local_time(moment) if moment else "—"


@pages_bp.get("/admin/mail")
@page_auth(Role.ADMIN)
def mail():
    """The state of mail, the jobs' last runs and the development mail box."""
    try:
        page = max(1, min(int(request.args.get("page", 1)), 10**6))
    except ValueError:
        page = 1
    total = db.session.scalar(sa.select(sa.func.count()).select_from(MailboxMessage))
    messages = page_of(
        db.session,
        sa.select(MailboxMessage).order_by(MailboxMessage.id.desc()),
        page,
        PAGE_SIZE,
    )
    statuses = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "outbox/mail.html",
        state=mailer.mail_state(),
        statuses=statuses,
        runs=db.session.scalars(sa.select(JobRun).order_by(JobRun.name)).all(),
        messages=[(m, URL.findall(m.body)) for m in messages],
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )
