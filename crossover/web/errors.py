"""Domain exceptions and the handlers that turn every error into JSON (API) or a page."""

from flask import Flask, current_app, render_template, request
from sqlalchemy import exc as sa_exc
from werkzeug import exceptions as http

from crossover.extensions import api, db


class DomainError(Exception):
    """A broken business rule; services raise it, handlers map it to an HTTP status."""

    status = 400

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Unauthorized(DomainError):
    status = 401


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    status = 422


def _as_http_exception(error: DomainError) -> http.HTTPException:
    http_error = http.default_exceptions[error.status](description=error.message)
    http_error.data = {"message": error.message, "errors": error.errors}
    return http_error


def handle_domain_error(error: DomainError):
    # A handler must return, not raise: Flask turns an exception raised here into a 500.
    db.session.rollback()
    return handle_http_error(_as_http_exception(error))


def handle_http_error(error: http.HTTPException):
    """Answer JSON under /api and a rendered page elsewhere."""
    if error.code and error.code >= 500:
        db.session.rollback()
    if request.path.startswith("/api/"):
        return api.handle_http_exception(error)
    from crossover.web.messages import translate  # pages only: the message in the reader's language

    message = (getattr(error, "data", None) or {}).get("message") or error.description
    # A participant's survey link (/s/<token>): no account, so no way into the staff pages.
    template = "errors/participant.html" if request.path.startswith("/s/") else "errors/error.html"
    return render_template(template, code=error.code, message=translate(message)), error.code


UNCHECKED_INPUT = "Input reached the database unchecked"


def handle_data_error(error: sa_exc.DataError):
    """Defence in depth: the database refused a value (out of range, NUL, too long).

    crossover.web.input and the schemas should have refused it at the edge, so this is a
    missing check: logged as an error (the fuzz test fails on it), answered 400, not 500."""
    db.session.rollback()
    current_app.logger.error("%s: %s", UNCHECKED_INPUT, error.orig, exc_info=error)
    return handle_http_error(
        http.BadRequest(description="A value could not be stored; check the input.")
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(http.HTTPException, handle_http_error)
    app.register_error_handler(sa_exc.DataError, handle_data_error)
