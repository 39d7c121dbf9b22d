"""Account mail (setup and password-reset links), queued in the outbox for the worker.

Queued only when account mail is on (CROSSOVER_ACCOUNT_MAIL, and mail itself: an SMTP host or
the development mail box); otherwise the row is still recorded, marked `not-configured`, and the
creator hands the link over. The link stays in the queued body until the message is out.
"""

from flask import current_app, render_template
from flask_babel import force_locale

from crossover.extensions import db
from crossover.outbox import mailer
from crossover.outbox.models import QUEUED, OutboxMessage

NOT_CONFIGURED = "not-configured"


def account_mail_on() -> bool:
    """Whether setup and reset links can be mailed at all."""
    return bool(current_app.config.get("ACCOUNT_MAIL")) and mailer.mail_state() != mailer.MAIL_OFF


def _render(kind: str, url: str) -> tuple[str, str]:
    with force_locale("ja"):  # staff are written to in Japanese, with an English line
        subject = render_template("outbox/account_subject.txt", kind=kind).strip()
        body = render_template("outbox/account_body.txt", kind=kind, url=url)
    return subject, body


def send_link(account_link_id: int, kind: str, recipient: str, url: str) -> str:
    """Record the message and queue it when mail is on; returns the row's status (queued, or
    sent/failed when the worker has already run it, or not-configured)."""
    subject, body = _render(kind, url)
    row = OutboxMessage(
        account_link_id=account_link_id,
        kind=kind,
        recipient=recipient,
        subject=subject,
        body=body,
        attempts=0,
        status=QUEUED,
    )
    db.session.add(row)
    if not account_mail_on():
        row.status, row.body = NOT_CONFIGURED, body.replace(url, "<link>")
        db.session.commit()
        return row.status
    db.session.commit()
    current_app.extensions["worker"].nudge("deliver")
    db.session.refresh(row)
    return row.status
