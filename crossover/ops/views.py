"""/healthz, /readyz and /metrics, outside the JSON API (and its OpenAPI document), and the
per-request hooks: request id, JSON log line, latency histogram."""

import hmac
import logging
import re
import time

from flask import Blueprint, Flask, current_app, g, jsonify, request
import sqlalchemy as sa

from crossover.extensions import db, limiter
from crossover.ops import logs, metrics
from crossover.web.errors import DomainError

pages_bp = Blueprint("ops", __name__)
CONVERTER = re.compile(r"<(?:[^<>]*:)?(\w+)>")
request_log = logging.getLogger(logs.REQUEST_LOGGER)


@pages_bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process answers (no sign-in, no database)."""
    return jsonify(status="ok")


def _redis_urls() -> dict[str, str]:
    config = current_app.config
    urls = {}
    for name, key in (("queue", "QUEUE_URL"), ("rate-limits", "RATELIMIT_STORAGE_URI")):
        url = str(config.get(key) or "")
        if url.startswith(("redis://", "rediss://")):
            urls[name] = url
    return urls


def _check_database() -> str | None:
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return None
    except Exception as error:
        return type(error).__name__


def _check_redis(url: str) -> str | None:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
        return None
    except Exception as error:
        return type(error).__name__


@pages_bp.get("/readyz")
@limiter.exempt
def readyz():
    """200 when the database and (if configured) Redis answer; 503 naming what failed."""
    checks = {"database": _check_database()}
    for name, url in _redis_urls().items():
        checks[f"redis ({name})"] = _check_redis(url)
    failed = {name: error for name, error in checks.items() if error}
    body = {
        "status": "unavailable" if failed else "ok",
        "checks": {name: (error or "ok") for name, error in checks.items()},
    }
    if failed:
        body["failed"] = sorted(failed)
    return jsonify(body), 503 if failed else 200


def _metrics_allowed() -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    token = token.strip()
    expected = str(current_app.config.get("METRICS_TOKEN") or "")
    if expected and hmac.compare_digest(token.encode(), expected.encode()):
        return True
    from crossover.auth import services as auth
    from crossover.auth.models import Role

    try:
        user, _record = auth.user_for_token(token)
    except DomainError:
        return False
    return user.role is Role.ADMIN


@pages_bp.get("/metrics")
@limiter.exempt
def prometheus_metrics():
    """Prometheus text for an admin's API token or CROSSOVER_METRICS_TOKEN."""
    if not _metrics_allowed():
        return (
            "An admin's API token or CROSSOVER_METRICS_TOKEN is needed (Authorization: Bearer).\n",
            401,
            {"WWW-Authenticate": "Bearer", "Content-Type": "text/plain; charset=utf-8"},
        )
    # The worker is an app extension (crossover.worker.init_app), read like db: ops sits below it.
    body, content_type = metrics.render(current_app.extensions["worker"])
    return body, 200, {"Content-Type": content_type, "Cache-Control": "no-store"}


def _start_request() -> None:
    g.request_id = logs.choose_request_id(request.headers.get("X-Request-ID"))
    g.request_started = time.perf_counter()


def _finish_request(response):
    started = g.pop("request_started", None)
    if started is None:
        return response
    seconds = time.perf_counter() - started
    rule = "(unmatched)"
    if request.url_rule is not None:  # /s/<string(maxlength=128):token> → /s/<token>
        rule = CONVERTER.sub(r"<\1>", request.url_rule.rule)
    endpoint = request.endpoint or "(unmatched)"
    if endpoint != "ops.prometheus_metrics":
        metrics.observe_request(endpoint, request.method, response.status_code, seconds)
    response.headers["X-Request-ID"] = g.request_id
    request_log.info(
        logs.line(
            "request",
            request_id=g.request_id,
            method=request.method,
            route=rule,  # the rule, not the path: paths carry survey and account tokens
            endpoint=endpoint,
            status=response.status_code,
            duration_ms=round(seconds * 1000, 2),
        )
    )
    return response


def init_app(app: Flask) -> None:
    # First of all before-request hooks, so a request another hook refuses is logged too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)
    if not app.testing:
        logs.configure_request_logging()
