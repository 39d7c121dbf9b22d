"""flask-smorest Api with the DESIGN.md error shape, and the base schema."""

import flask_smorest
import marshmallow as ma
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, is_json_request

from crossover.web import json_body

# Every integer column is a PostgreSQL INTEGER; a number outside it must be a 422, not a DataError.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
COLUMN_RANGE = ma.validate.Range(INT_MIN, INT_MAX)

# webargs reports validation errors per request location; clients want the field names.
_LOCATIONS = {"json", "query", "querystring", "form", "files", "headers", "view_args", "path"}


def _flatten_locations(errors: dict) -> dict:
    if errors and set(errors) <= _LOCATIONS and all(isinstance(v, dict) for v in errors.values()):
        flat: dict = {}
        for location_errors in errors.values():
            flat.update(location_errors)
        return flat
    return errors


class Api(flask_smorest.Api):
    """Every API error is {code, status, message, errors}, with werkzeug's headers kept."""

    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        headers = dict(headers or {})
        for key, value in error.get_headers():
            if key.lower() in {"allow", "www-authenticate", "retry-after"}:
                headers[key] = value
        payload.setdefault("message", error.description or error.name)
        if code == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        if code == 400 and "json" in (payload.get("errors") or {}):
            payload["message"] = "The request body is not valid JSON."
        payload["errors"] = _flatten_locations(payload.get("errors") or {})
        if code == 422 and payload["message"] == error.description and payload["errors"]:
            names = ", ".join(sorted(payload["errors"]))
            payload["message"] = f"Invalid input: {names}."
        return payload, code, headers


class Schema(ma.Schema):
    """Base schema: unknown fields are an error, so typos are reported, not ignored; every
    integer field is bounded to the INTEGER column unless it declares a narrower range."""

    class Meta:
        unknown = ma.RAISE
        ordered = True

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        _bound_integers(field_obj)


class LabelSchema(Schema):
    """What every list, table and export names a coded value by: its key and both labels."""

    key = ma.fields.String()
    label_ja = ma.fields.String()
    label_en = ma.fields.String()


def _within_column(validator) -> bool:
    return (
        isinstance(validator, ma.validate.Range)
        and validator.min is not None
        and validator.max is not None
        and validator.min >= INT_MIN
        and validator.max <= INT_MAX
    )


def _bound_integers(field: ma.fields.Field) -> None:
    """Give an Integer field (or one inside a List or Dict) the column range if it has none."""
    if isinstance(field, ma.fields.Integer) and not any(map(_within_column, field.validators)):
        field.validators.append(COLUMN_RANGE)
    for inner in (getattr(field, "inner", None), getattr(field, "value_field", None)):
        if inner is not None:
            _bound_integers(inner)


class Id(ma.fields.Integer):
    """A reference to a row: a whole number (no "5" strings) within the INTEGER primary keys."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, validate=ma.validate.Range(1, INT_MAX), **kwargs)


class ArgumentsParser(FlaskParser):
    """webargs' Flask parser, taking a JSON body as the input check already parsed it."""

    def _raw_load_json(self, req):  # webargs' hook for reading the body (load_json calls it)
        if not is_json_request(req):
            return webargs_core.missing
        parsed = json_body.kept(req.environ)
        return super()._raw_load_json(req) if parsed is json_body.NOT_PARSED else parsed


class _Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ArgumentsParser()


def Blueprint(name: str, import_name: str, **kwargs) -> flask_smorest.Blueprint:
    """An API blueprint; its url_prefix is relative to /api/v1."""
    prefix = kwargs.pop("url_prefix", "")
    return _Blueprint(name, import_name, url_prefix=f"/api/v1{prefix}", **kwargs)
