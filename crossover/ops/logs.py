"""Structured logs: one JSON line per request and per job, with a request id.

Lines name the route's rule (`/s/<token>`), never the path itself, and carry counts and ids,
never tokens or e-mail addresses.
"""

import json
import logging
import re
import sys
import uuid

from flask import g, has_request_context

from crossover.db import utcnow

GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
REQUEST_LOGGER = "crossover.requests"


def new_id() -> str:
    return uuid.uuid4().hex


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    return g.get("request_id") if has_request_context() else None


def choose_request_id(given: str | None) -> str:
    """A proxy's X-Request-ID when it looks like one; a new id otherwise."""
    return given if given and GIVEN_ID.match(given) else new_id()


def line(event: str, **fields) -> str:
    """One JSON log line."""
    record = {"ts": utcnow().isoformat(timespec="milliseconds"), "event": event, **fields}
    return json.dumps(record, ensure_ascii=False, default=str, separators=(",", ":"))


class _MessageOnly(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if message.startswith("{"):
            return message
        return line("log", level=record.levelname, logger=record.name, message=message)


def _attach(name: str) -> None:
    logger = logging.getLogger(name)
    if any(getattr(h, "crossover_json", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_MessageOnly())
    handler.crossover_json = True
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def configure_request_logging() -> None:
    """Request lines to stderr (gunicorn and flask run pass it on). The development server's
    own access lines print paths, survey tokens included: they give way to these."""
    _attach(REQUEST_LOGGER)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def configure_worker_logging() -> None:
    """Job lines to stderr; huey's own messages at warning and above."""
    _attach("crossover.jobs")
    huey = logging.getLogger("huey")
    if not huey.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_MessageOnly())
        huey.addHandler(handler)
    huey.setLevel(logging.WARNING)
