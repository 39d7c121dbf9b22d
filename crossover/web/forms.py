"""Helpers for HTML forms: load them with the API's schemas so both validate the same way."""

import re

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
import marshmallow as ma

from crossover.web import messages
from crossover.web.errors import DomainError, Invalid


def load(schema: ma.Schema, data: dict, errors: dict[str, list[str]] | None = None) -> dict:
    """Validate form data with a marshmallow schema; errors become Invalid naming each field.

    `errors` found before (unreadable numbers) are reported with the schema's, and win: the
    schema only saw the field missing."""
    errors = errors or {}
    try:
        loaded = schema.load(data)
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
        raise Invalid(
            _("Please correct the marked fields."), {**_flatten(messages), **errors}
        ) from None
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors)
    return loaded


def _flatten(messages: dict, prefix: str = "") -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return flat


def flash_error(error: DomainError) -> dict[str, list[str]]:
    """Flash the error in the page's language, naming fields by their labels; returns the
    field messages translated, for the form to show beside each field."""
    flash(messages.summary(error.message, error.errors), "error")
    return messages.translate_errors(error.errors)


def checked(form, name: str) -> bool:
    return form.get(name) in {"on", "true", "1", "yes"}


def blank_to_none(value: str | None) -> str | None:
    return value if value not in (None, "") else None


# ASCII digits only ("³" and "٣" are digits to Python), one optional sign, at most nine
# digits: every value fits an INTEGER column and no conversion can fail or take long.
_WHOLE = re.compile(r"[+-]?[0-9]{1,9}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,9}(?:\.[0-9]{0,9})?|\.[0-9]{1,9})")
NOT_WHOLE = _l("%(label)s: enter a whole number in digits (0-9).")
NOT_DECIMAL = _l("%(label)s: enter a number in digits (0-9).")
NOT_WHOLE_LIST = _l("%(label)s: enter whole numbers in digits (0-9), separated by commas.")


def whole_number(text: str | None) -> int | None:
    """A whole number typed into a form, or None if the text is not one ('--5', '³', '1e3')."""
    text = (text or "").strip()
    return int(text) if _WHOLE.fullmatch(text) else None


def decimal_number(text: str | None) -> float | None:
    """A decimal number typed into a form ('0.05', '.4', '-1'), or None if the text is not one."""
    text = (text or "").strip()
    return float(text) if _DECIMAL.fullmatch(text) else None


class FormNumbers:
    """Reads a form's number fields; each unreadable one is kept as an error naming its label."""

    def __init__(self, form):
        self.form = form
        self.errors: dict[str, list[str]] = {}

    def _read(self, name: str, label, parse, message, key: str | None):
        text = (self.form.get(name) or "").strip()
        if not text:
            return None
        value = parse(text)
        if value is None:
            self.errors[key or name] = [str(message) % {"label": label}]
        return value

    def whole(self, name: str, label, key: str | None = None) -> int | None:
        """The field as an int; None when blank or unreadable (then an error is recorded)."""
        return self._read(name, label, whole_number, NOT_WHOLE, key)

    def decimal(self, name: str, label, key: str | None = None) -> float | None:
        """The field as a float; None when blank or unreadable (then an error is recorded)."""
        return self._read(name, label, decimal_number, NOT_DECIMAL, key)

    def whole_list(self, name: str, label) -> list[int]:
        """A comma-separated list of whole numbers ('30, 60'); any unreadable part is an error."""
        parts = [part.strip() for part in (self.form.get(name) or "").split(",") if part.strip()]
        values = [whole_number(part) for part in parts]
        if None in values:
            self.errors[name] = [str(NOT_WHOLE_LIST) % {"label": label}]
        return [v for v in values if v is not None]
