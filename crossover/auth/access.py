"""Who is asking: bearer tokens for the API, sessions for pages, and role checks."""

from functools import wraps

from flask import abort, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from crossover.auth.models import Role, User
from crossover.auth.services import end_session, start_session, user_for_session, user_for_token
from crossover.extensions import login_manager
from crossover.web.errors import Forbidden, Unauthorized

SESSION_KEY = "sid"  # the browser session's id in Flask's signed cookie

login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "warning"
login_manager.localize_callback = str  # flash the text translated now, not a lazy object


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    # The signed cookie alone is not enough: its server-side session must still be live.
    session_id = session.get(SESSION_KEY)
    if not user_id.isdigit() or not isinstance(session_id, str):
        return None
    return user_for_session(int(user_id), session_id)


def sign_in(user: User) -> None:
    """Start a server-side session for the user and mark the browser signed in."""
    if isinstance(previous := session.get(SESSION_KEY), str):
        end_session(previous)  # signing in again (or as someone else) retires the old session
    session[SESSION_KEY] = start_session(user)
    login_user(user)


def sign_out() -> None:
    """End this browser's server-side session and forget the user."""
    if isinstance(session_id := session.pop(SESSION_KEY, None), str):
        end_session(session_id)
    logout_user()


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
