"""Account mail (setup and password-reset links), recorded in the outbox and sent at once.

Sent only when CROSSOVER_ACCOUNT_MAIL is on (an SMTP server is configured); otherwise the
row is still recorded, marked `not-configured`, and the creator hands the link over.
"""

from flask import current_app, render_template
from flask_babel import force_locale

from crossover.db import utcnow
from crossover.extensions import db
from crossover.outbox.mailer import send_mail
from crossover.outbox.models import OutboxMessage

NOT_CONFIGURED = "not-configured"


def _render(kind: str, url: str) -> tuple[str, str]:
    with force_locale("ja"):  # staff are written to in Japanese, with an English line
        subject = render_template("outbox/account_subject.txt", kind=kind).strip()
        body = render_template("outbox/account_body.txt", kind=kind, url=url)
    return subject, body


def send_link(account_link_id: int, kind: str, recipient: str, url: str) -> str:
    """Record the message, send it when mail is configured; returns the row's status."""
    subject, body = _render(kind, url)
    # The link itself is not kept in the outbox: the body stored is without it.
    row = OutboxMessage(
        account_link_id=account_link_id,
        kind=kind,
        recipient=recipient,
        subject=subject,
        body=body.replace(url, "<link>"),
        attempts=0,
    )
    db.session.add(row)
    if not current_app.config.get("ACCOUNT_MAIL"):
        row.status = NOT_CONFIGURED
        db.session.commit()
        return row.status
    row.attempts = 1
    try:
        send_mail(recipient, subject, body)
        row.status, row.sent_at = "sent", utcnow()
    except Exception as error:  # smtplib and sockets raise many kinds; the link is shown anyway
        row.status, row.error = "failed", f"{type(error).__name__}: {error}"[:2000]
    db.session.commit()
    return row.status
