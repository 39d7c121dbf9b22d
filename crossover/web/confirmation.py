"""Irreversible steps ask first. With JavaScript a dialog asks (static/js/confirm.js reads the
form's data-confirm and adds ``confirmed=1``); without it, the action answers with a page that
says the same and posts the form again with ``confirmed=1``. One step either way, never none."""

from flask import render_template

CONFIRMED_FIELD = "confirmed"


def is_confirmed(form) -> bool:
    return form.get(CONFIRMED_FIELD) == "1"


def confirmation_page(
    *, message: str, action: str, confirm_label: str, cancel_url: str, fields: dict | None = None
):
    """The no-JavaScript confirmation: the dialog's words, a confirm button and a way back.

    Nothing has changed when this is shown, so it answers 200."""
    return render_template(
        "confirm.html",
        message=message,
        action=action,
        confirm_label=confirm_label,
        cancel_url=cancel_url,
        fields=fields or {},
        confirmed_field=CONFIRMED_FIELD,
    )
