"""The message a page shows after sending due invitations and reminders (pilots and rounds)."""

from flask import flash
from flask_babel import gettext as _


def flash_delivery(invitations: int, reminders: int, failed: int) -> None:
    if not invitations and not reminders and not failed:
        flash(
            _(
                "Nothing is due: every open invitation was already sent, and no reminder is due "
                "yet."
            ),
            "success",
        )
    elif invitations or reminders:
        flash(
            _(
                "Sent %(i)d invitation(s) and %(r)d reminder(s).",
                i=invitations,
                r=reminders,
            ),
            "success",
        )
    if failed:
        flash(
            _("%(n)d message(s) could not be sent; they will be tried again next time.", n=failed),
            "error",
        )
