"""Accounts: organizations, users, password checks, browser sessions and bearer tokens."""

from datetime import timedelta
import hashlib
import re
import secrets

from flask import current_app
import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from crossover import audit
from crossover.auth.models import ApiToken, Organization, Role, User, UserSession
from crossover.db import utcnow
from crossover.extensions import db
from crossover.web.errors import Conflict, Invalid, NotFound, Unauthorized

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 12
# Checked against when the e-mail is unknown, so both paths cost the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def create_org(slug: str, name: str) -> Organization:
    """Create a member organization with a unique slug."""
    if not SLUG_RE.match(slug):
        raise Invalid("Invalid slug.", {"slug": ["Use 2-63 lowercase letters, digits or '-'."]})
    if db.session.scalar(sa.select(Organization).where(Organization.slug == slug)):
        raise Conflict(f"Organization {slug!r} already exists.", {"slug": ["Already exists."]})
    org = Organization(slug=slug, name=name.strip() or slug)
    db.session.add(org)
    db.session.commit()
    return org


def get_org_by_slug(slug: str) -> Organization:
    org = db.session.scalar(sa.select(Organization).where(Organization.slug == slug))
    if org is None:
        raise NotFound(f"No organization {slug!r}.", {"org": ["Unknown organization."]})
    return org


def create_user(email: str, password: str, role: Role, org: Organization | None = None) -> User:
    """Create a user; owners must belong to an organization."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise Invalid("Invalid e-mail address.", {"email": ["Not a valid e-mail address."]})
    check_password(password, email)
    if role is Role.OWNER and org is None:
        raise Invalid("An owner needs an organization.", {"org": ["Required for owners."]})
    if db.session.scalar(sa.select(User).where(User.email == email)):
        raise Conflict(f"User {email} already exists.", {"email": ["Already registered."]})
    user = User(
        email=email,
        password_hash=_hash_password(password),
        role=role,
        organization=org,
    )
    db.session.add(user)
    db.session.commit()
    return user


def password_problem(password: str, email: str) -> str | None:
    """Why a password is too weak (English; pages translate it), or None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return TOO_SHORT
    if email and email.strip().lower() in password.lower():
        return CONTAINS_EMAIL
    return None


TOO_SHORT = f"Use at least {MIN_PASSWORD_LENGTH} characters."
CONTAINS_EMAIL = "Do not use your e-mail address in the password."


def check_password(password: str, email: str) -> None:
    """Refuse a weak password with the reason, naming the field."""
    if problem := password_problem(password, email):
        raise Invalid("The password is too weak.", {"password": [problem]})


def _hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def get_user_by_email(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"No user {email!r}.", {"email": ["Unknown user."]})
    return user


def set_password(user: User, password: str, action: str = "auth.password_set") -> None:
    """Give the user a new password; every session and token they had ends."""
    check_password(password, user.email)
    user.password_hash = _hash_password(password)
    _revoke_sessions(user)
    _revoke_tokens(user)
    audit.record(user, action, "user", user.id)
    db.session.commit()


def deactivate_user(user: User, actor: User | None = None) -> None:
    """Disable the account and end every session and token it had."""
    user.active = False
    _revoke_sessions(user)
    _revoke_tokens(user)
    audit.record(actor or user, "auth.user_deactivated", "user", user.id, email=user.email)
    db.session.commit()


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    """Create a bearer token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    days = current_app.config["API_TOKEN_DAYS"]
    record = ApiToken(
        user=user, token_hash=_hash_token(token), expires_at=utcnow() + timedelta(days=days)
    )
    db.session.add(record)
    db.session.flush()
    audit.record(user, "auth.token_issued", "api_token", record.id)
    db.session.commit()
    return token, record


def user_for_token(token: str) -> tuple[User, ApiToken]:
    """Resolve a bearer token to its active user, or raise Unauthorized."""
    record = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if record is None or record.revoked_at is not None or record.expires_at <= utcnow():
        raise Unauthorized("The token is unknown, expired or revoked.")
    if not record.user.active:
        raise Unauthorized("The account is disabled.")
    return record.user, record


def revoke_token(record: ApiToken) -> None:
    record.revoked_at = utcnow()
    audit.record(record.user, "auth.token_revoked", "api_token", record.id)
    db.session.commit()


def revoke_tokens(user: User) -> None:
    """Revoke every live bearer token of the user."""
    _revoke_tokens(user)
    db.session.commit()


def _revoke_tokens(user: User) -> None:
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def start_session(user: User) -> str:
    """Record a new browser session for the user and return its id (only the hash is stored)."""
    now = utcnow()
    # Expired rows are of no use any more; clearing the user's own keeps the table small.
    db.session.execute(
        sa.delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now)
    )
    session_id = secrets.token_urlsafe(32)
    hours = current_app.config["SESSION_LIFETIME_HOURS"]
    db.session.add(
        UserSession(
            user=user, session_hash=_hash_token(session_id), expires_at=now + timedelta(hours=hours)
        )
    )
    db.session.commit()
    return session_id


def user_for_session(user_id: int, session_id: str) -> User | None:
    """The active user of a live (not revoked, not expired) session, in one query; else None."""
    return db.session.scalar(
        sa.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.session_hash == _hash_token(session_id),
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > utcnow(),
            User.active.is_(True),
        )
    )


def end_session(session_id: str) -> None:
    """Revoke one browser session (signing out)."""
    db.session.execute(
        sa.update(UserSession)
        .where(
            UserSession.session_hash == _hash_token(session_id), UserSession.revoked_at.is_(None)
        )
        .values(revoked_at=utcnow())
    )
    db.session.commit()


def end_sessions(user: User) -> None:
    """Revoke every live browser session of the user (signed out everywhere)."""
    _revoke_sessions(user)
    db.session.commit()


def _revoke_sessions(user: User) -> None:
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
