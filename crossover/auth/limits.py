"""Failed sign-ins are limited across the sign-in page and the token endpoint together.

Two shared limits, both counting only failed attempts (401) and both checked before the
password is: one per client address *and* account, so one person's mistakes do not lock out
colleagues behind the same proxy, and a looser one per address over all accounts, against
trying one password on many accounts. Counters live in RATELIMIT_STORAGE_URI (Redis with
several workers, so the limit holds in total).
"""

import hashlib

from flask import current_app, request
from flask_limiter.util import get_remote_address

from crossover.extensions import limiter

MAX_EMAIL_LENGTH = 254


def _submitted_email() -> str:
    if request.form:
        email = request.form.get("email", "")
    else:
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # absurdly nested JSON: the view will refuse it
            body = None
        email = body.get("email", "") if isinstance(body, dict) else ""
    return str(email).strip().lower()[:MAX_EMAIL_LENGTH]


def address_and_account() -> str:
    """The limit key: client address plus the hashed, normalised e-mail that was tried."""
    account = hashlib.sha256(_submitted_email().encode("utf-8", "replace")).hexdigest()
    return f"{get_remote_address()}/{account}"


def _failed(response) -> bool:
    return response.status_code == 401


LIMITED = "Too many failed sign-in attempts; wait a few minutes and try again."


sign_in_limit = limiter.shared_limit(
    lambda: current_app.config["AUTH_RATE_LIMIT"],
    scope="sign-in",
    key_func=address_and_account,
    deduct_when=_failed,
    methods=["POST"],
    error_message=LIMITED,
)

sign_in_address_limit = limiter.shared_limit(
    lambda: current_app.config["AUTH_ADDRESS_RATE_LIMIT"],
    scope="sign-in-address",
    key_func=get_remote_address,
    deduct_when=_failed,
    methods=["POST"],
    error_message=LIMITED,
)


# "Forgot password" mails a link: every request counts (not only failures), so the form
# cannot be used to flood someone's inbox or to probe many addresses from one place.
password_reset_limit = limiter.shared_limit(
    lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"],
    scope="password-reset",
    key_func=address_and_account,
    methods=["POST"],
    error_message="Too many password-reset requests; wait a while and try again.",
)

password_reset_address_limit = limiter.shared_limit(
    lambda: current_app.config["PASSWORD_RESET_ADDRESS_RATE_LIMIT"],
    scope="password-reset-address",
    key_func=get_remote_address,
    methods=["POST"],
    error_message="Too many password-reset requests; wait a while and try again.",
)
