"""Accounts: organizations, users, password checks and bearer tokens."""
from datetime import timedelta
import hashlib
import re
import secrets

from flask import current_app
import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from crossover import audit
from crossover.auth.models import ApiToken, Organization, Role, User
from crossover.db import utcnow
from crossover.errors import Conflict, Invalid, NotFound, Unauthorized
from crossover.extensions import db

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10
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
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            "Password too short.",
            {"password": [f"Use at least {MIN_PASSWORD_LENGTH} characters."]},
        )
    if role is Role.OWNER and org is None:
        raise Invalid("An owner needs an organization.", {"org": ["Required for owners."]})
    if db.session.scalar(sa.select(User).where(User.email == email)):
        raise Conflict(f"User {email} already exists.", {"email": ["Already registered."]})
    method = current_app.config["PASSWORD_HASH_METHOD"]
    user = User(
        email=email,
        password_hash=generate_password_hash(password, method=method),
        role=role,
        organization=org,
    )
    db.session.add(user)
    db.session.commit()
    return user


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
