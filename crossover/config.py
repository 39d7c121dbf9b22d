"""Configuration defaults, overridden by the environment."""

import os
from typing import ClassVar

from flask import Flask


class Defaults:
    # A relative SQLite path is resolved inside app.instance_path by Flask-SQLAlchemy.
    SQLALCHEMY_DATABASE_URI = "sqlite:///crossover.sqlite"
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {}
    SECRET_KEY = "dev"
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # 2 MiB: generous for a CSV of a few thousand rows
    # Company survey rosters alone: 200,000 rows (crossover.company.rosters) of ~160 bytes.
    ROSTER_MAX_CONTENT_LENGTH = 32 * 1024 * 1024

    API_TITLE = "crossover"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS: ClassVar[dict] = {
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}}
    }

    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_TRANSLATION_DIRECTORIES = "translations"
    LANGUAGES = ("ja", "en")

    # Sessions: the cookie carries an id whose server-side record ends at sign-out, on
    # deactivation or a new password, and at the latest this many hours after sign-in.
    SESSION_LIFETIME_HOURS = 12
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set CROSSOVER_SESSION_COOKIE_SECURE=true behind HTTPS
    REMEMBER_COOKIE_HTTPONLY = True  # "remember me" is not offered; flags kept strict anyway
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Reverse proxies in front of the app whose X-Forwarded-For is trusted for the client address.
    PROXY_COUNT = 0

    # Use redis://… with several workers: memory:// counts in each process apart.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: limits are counted in memory (per process) until it is back, requests are
    # still served (Flask-Limiter's documented fallback).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Failed sign-ins (page and token endpoint together) per client address and account …
    AUTH_RATE_LIMIT = "10 per minute"
    # … and per client address over all accounts (against trying one password on many).
    AUTH_ADDRESS_RATE_LIMIT = "100 per hour"
    # "Forgot password" requests (all of them) per address and e-mail, and per address.
    PASSWORD_RESET_RATE_LIMIT = "3 per hour"
    PASSWORD_RESET_ADDRESS_RATE_LIMIT = "20 per hour"

    API_TOKEN_DAYS = 30
    PASSWORD_HASH_METHOD = "scrypt"  # tests use a cheap pbkdf2 round count
    PRIVACY_K = 5
    # Mail: smtp (through CROSSOVER_SMTP_HOST; without a host, mail is off and pages say so) or
    # dev (kept in a mail box an admin reads: scripts/serve.sh's demo, never production).
    MAIL_BACKEND = "smtp"
    SMTP_HOST = ""
    SMTP_PORT = 25
    SMTP_USERNAME = ""
    SMTP_PASSWORD = ""
    SMTP_STARTTLS = False
    SMTP_TIMEOUT_SECONDS = 30
    MAIL_FROM = "crossover <no-reply@crossover.invalid>"
    # Mail setup and password-reset links (when mail is on); off, the links are only shown to
    # whoever created them.
    ACCOUNT_MAIL = True
    # The background worker's queue: a SQLite file in instance/ by default, redis://… for
    # workers on several machines, memory:// to run jobs in place (tests).
    QUEUE_URL = ""
    OUTBOX_INTERVAL_SECONDS = 300  # the schedule: due mail queued and sent (whole minutes)
    OUTBOX_BATCH_SIZE = 100  # messages claimed, and sent over one connection, at a time
    # A claimed batch not recorded within this time is taken over by another worker (its own
    # worker died): at most one batch per killed worker goes out twice.
    OUTBOX_LEASE_SECONDS = 600
    OUTBOX_RETRY_SECONDS = 60  # first wait after a temporary failure, doubled each time
    OUTBOX_MAX_ATTEMPTS = 8  # then the message has failed for good
    METRICS_TOKEN = ""  # a bearer token for /metrics besides admins' API tokens
    REMINDER_DAYS_BEFORE_CLOSE = 3
    TIMEZONE = "Asia/Tokyo"  # survey windows are calendar days where the participants live
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    # Threads numpy's BLAS may use per call. Requests already run side by side, one worker per
    # core: BLAS threads on top of them fight for the same cores (a big company's privacy search
    # took 1.3 s with two BLAS threads under load, 0.06 s with one).
    BLAS_THREADS = 1


def apply_environment(app: Flask) -> None:
    """Read DATABASE_URL and CROSSOVER_* variables into the config."""
    app.config.from_prefixed_env("CROSSOVER")
    if url := os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = url


def derive_cookie_flags(app: Flask) -> None:
    """The remember-me cookie follows the session cookie's Secure flag unless set itself."""
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])


def check_production_secret(app: Flask) -> None:
    """Refuse to serve with the development secret outside debug and tests."""
    if (
        app.config["SECRET_KEY"] == "dev"
        and not (app.debug or app.testing)
        and os.environ.get("CROSSOVER_ALLOW_DEV_SECRET") != "1"
    ):
        raise RuntimeError(
            "Set CROSSOVER_SECRET_KEY (or CROSSOVER_ALLOW_DEV_SECRET=1 for a local demo)."
        )


def check_production_mail(app: Flask) -> None:
    """Refuse the development mail box where sessions are HTTPS-only (production)."""
    if str(app.config["MAIL_BACKEND"]).lower() == "dev" and app.config["SESSION_COOKIE_SECURE"]:
        raise RuntimeError(
            "CROSSOVER_MAIL_BACKEND=dev keeps mail instead of sending it: not for production "
            "(CROSSOVER_SESSION_COOKIE_SECURE is set). Configure CROSSOVER_SMTP_HOST instead."
        )


def limit_blas_threads(app: Flask) -> None:
    """Apply BLAS_THREADS to the process (numpy's BLAS is one per process, as is the limit)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=int(app.config["BLAS_THREADS"]), user_api="blas")


def local_today():
    """Today's date in the service's time zone (survey windows are whole local days)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from flask import current_app

    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def privacy_k() -> int:
    """The smallest group any figure is shown for (CROSSOVER_PRIVACY_K), never below 3."""
    from flask import current_app

    return max(3, int(current_app.config["PRIVACY_K"]))
