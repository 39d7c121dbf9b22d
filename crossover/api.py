"""flask-smorest Api with the DESIGN.md error shape, and the base schema."""
import flask_smorest
import marshmallow as ma

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
    """Base schema: unknown fields are an error, so typos are reported, not ignored."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


def Blueprint(name: str, import_name: str, **kwargs) -> flask_smorest.Blueprint:
    """An API blueprint; its url_prefix is relative to /api/v1."""
    prefix = kwargs.pop("url_prefix", "")
    return flask_smorest.Blueprint(name, import_name, url_prefix=f"/api/v1{prefix}", **kwargs)
