"""Who is asking: bearer tokens for the API, sessions for pages, and role checks."""
from functools import wraps

from flask import abort, g, request
from flask_login import current_user, login_required

from crossover.auth.models import Role, User
from crossover.auth.services import user_for_token
from crossover.errors import Forbidden, Unauthorized
from crossover.extensions import db, login_manager


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send 'Authorization: Bearer <token>' (POST /api/v1/auth/token).")
    return token.strip()


def api_auth(*roles: Role):
    """Require a valid bearer token and, when given, one of the roles (else 403)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user, token = user_for_token(_bearer_token())
            if roles and user.role not in roles:
                raise Forbidden("Your role may not do this.")
            g.user, g.api_token = user, token
            return view(*args, **kwargs)

        return wrapper

    return decorator


def page_auth(*roles: Role):
    """Require a signed-in session and, when given, one of the roles (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if roles and current_user.role not in roles:
                abort(403)
            g.user = current_user._get_current_object()
            return view(*args, **kwargs)

        return wrapper

    return decorator


def actor() -> User:
    """The user of the current request (API or page)."""
    return g.user
