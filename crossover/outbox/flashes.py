"""The message a page shows after 「送信」 (pilots and rounds): what was queued, or plainly
that mail is off."""

from flask import flash
from flask_babel import gettext as _


def flash_mail_off() -> None:
    flash(
        _(
            "Mail is off: SMTP is not configured (CROSSOVER_SMTP_HOST), so nothing was sent. "
            "Hand the survey links over yourself, or ask your administrator to set up SMTP."
        ),
        "error",
    )


def flash_delivery(invitations: int, reminders: int, nudged: bool = True) -> None:
    """Say how many invitations and reminders were queued for the worker."""
    if not invitations and not reminders:
        flash(
            _(
                "Nothing is due: every open invitation was already sent, and no reminder is due "
                "yet."
            ),
            "success",
        )
        return
    flash(
        _(
            "Queued %(i)d invitation(s) and %(r)d reminder(s); the worker sends them in the "
            "background. Progress is shown below.",
            i=invitations,
            r=reminders,
        ),
        "success",
    )
    if not nudged:
        flash(
            _("The queue could not be reached: the worker's next scheduled run sends them."),
            "error",
        )
