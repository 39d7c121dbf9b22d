"""Helpers for HTML forms: load them with the API's schemas so both validate the same way."""
from flask import flash
from flask_babel import gettext as _
import marshmallow as ma

from crossover.errors import DomainError, Invalid


def load(schema: ma.Schema, data: dict) -> dict:
    """Validate form data with a marshmallow schema; errors become Invalid naming each field."""
    try:
        return schema.load(data)
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
        raise Invalid(_("Please correct the marked fields."), _flatten(messages)) from None


def _flatten(messages: dict, prefix: str = "") -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return flat


def flash_error(error: DomainError) -> None:
    details = "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in error.errors.items())
    flash(f"{error.message} {details}".strip(), "error")


def checked(form, name: str) -> bool:
    return form.get(name) in {"on", "true", "1", "yes"}


def blank_to_none(value: str | None) -> str | None:
    return value if value not in (None, "") else None


def as_int(value: str | None):
    """Form fields arrive as text; whole numbers become int, anything else is left to the schema."""
    text = (value or "").strip()
    return int(text) if text.lstrip("-").isdigit() else text
