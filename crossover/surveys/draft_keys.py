"""The browser key that a company-round draft is saved under.

A company round's link must give its answers back only to the person answering (DESIGN.md
"Privacy and access": a link that reached someone else — a forwarded mail, a shared phone, an
owner who once held links — must not read what the employee has answered so far). So a draft is
saved with the SHA-256 of a random key kept in an HttpOnly cookie of the browser that saved it,
and is given back only to a request carrying that key. Another browser with the same link sees
no draft; saving there replaces the draft under its own key. Only the hash is stored.
"""

import hashlib
import secrets

from flask import after_this_request, current_app, g, request

COOKIE = "crossover_draft_key"
MAX_AGE = 60 * 60 * 24 * 120  # longer than any round's window


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def current_hash() -> str | None:
    """The hash of this request's draft key, if it brought one."""
    key = g.get("draft_key") or request.cookies.get(COOKIE)
    return _hash(key) if key and 16 <= len(key) <= 128 else None


def ensure() -> str:
    """This browser's draft key hash, setting the cookie (HttpOnly, SameSite=Lax) when new."""
    found = current_hash()
    if found is not None:
        return found
    key = secrets.token_urlsafe(32)
    g.draft_key = key

    @after_this_request
    def set_cookie(response):
        response.set_cookie(
            COOKIE,
            key,
            max_age=MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        )
        return response

    return _hash(key)
