"""The admin's mail page: the state of mail, each job's last run and, with
CROSSOVER_MAIL_BACKEND=dev, the messages kept instead of sent, with their links.

An operations page on the outbox's tables; its blueprint keeps the name "outbox" so its endpoint
(outbox.mail) stays as it was.
"""

import re

from flask import Blueprint, render_template, request
import sqlalchemy as sa

from crossover.auth.access import page_auth
from crossover.auth.models import Role
from crossover.db import page_of
from crossover.extensions import db
from crossover.outbox import mailer
from crossover.outbox.models import JobRun, MailboxMessage, OutboxMessage

pages_bp = Blueprint("outbox", __name__)
PAGE_SIZE = 50
URL = re.compile(r"https?://[^\s<>\"']+")


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
