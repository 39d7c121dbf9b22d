"""Accounts made without the command line: organisations, invited users, one-time links.

A new user gets no password: a one-time `setup` link (7 days) lets them choose one; a
`reset` link (forgot password) works the same way for a shorter time. Only the link's
hash is stored; a link works once, and a newer link of the same purpose retires older ones.
"""

from dataclasses import dataclass
from datetime import timedelta
import hashlib
import secrets

from flask import current_app
import sqlalchemy as sa

from crossover import audit
from crossover.auth import services as auth
from crossover.auth.accounts import mail as account_mail
from crossover.auth.models import AccountLink, Organization, Role, User
from crossover.db import utcnow
from crossover.extensions import db
from crossover.web.errors import Conflict, Forbidden, Invalid, NotFound

SETUP = "setup"
RESET = "reset"
LINK_LIFETIME = {SETUP: timedelta(days=7), RESET: timedelta(hours=2)}
UNUSABLE_PASSWORD = "!"  # never matches: the user has not chosen a password yet


@dataclass(frozen=True)
class IssuedLink:
    url: str
    mail_status: str  # queued | sent | failed | not-configured


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(token: str, purpose: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/account/{purpose}/{token}"


# ---- organisations ------------------------------------------------------------------


def list_orgs():
    return sa.select(Organization).order_by(Organization.slug)


def create_org(actor: User, slug: str, name: str) -> Organization:
    try:
        org = auth.create_org(slug, name)
    except sa.exc.IntegrityError:  # two requests raced past the check
        db.session.rollback()
        raise Conflict(
            f"Organization {slug!r} already exists.", {"slug": ["Already exists."]}
        ) from None
    audit.record(actor, "auth.org_created", "organization", org.id, slug=org.slug)
    db.session.commit()
    return org


# ---- users ----------------------------------------------------------------------------


def visible_users(actor: User):
    """Admins see everyone; owners see the owners of their own organisation."""
    query = sa.select(User).order_by(User.email)
    if actor.role is Role.OWNER:
        query = query.where(User.organization_id == actor.organization_id, User.role == Role.OWNER)
    return query


def get_visible_user(actor: User, user_id: int) -> User:
    user = db.session.scalar(visible_users(actor).where(User.id == user_id))
    if user is None:
        raise NotFound("No such user.", {"id": ["Unknown user."]})
    return user


def _target_org(actor: User, role: Role, org_slug: str | None) -> Organization | None:
    if actor.role is Role.OWNER:
        if role is not Role.OWNER or (org_slug and org_slug != actor.organization.slug):
            raise Forbidden("Owners may add owners of their own organization only.")
        return actor.organization
    if actor.role is not Role.ADMIN:
        raise Forbidden("Your role may not do this.")
    if role is Role.OWNER and not org_slug:
        raise Invalid("An owner needs an organization.", {"organization": ["Required for owners."]})
    if not org_slug:
        return None
    org = db.session.scalar(sa.select(Organization).where(Organization.slug == org_slug))
    if org is None:
        raise Invalid("Unknown organization.", {"organization": ["Unknown organization."]})
    return org


def invite_user(
    actor: User, email: str, role: Role, org_slug: str | None
) -> tuple[User, IssuedLink]:
    """Create an account without a password and issue its one-time setup link."""
    org = _target_org(actor, role, org_slug)
    email = email.strip().lower()
    if not auth.EMAIL_RE.match(email):
        raise Invalid("Invalid e-mail address.", {"email": ["Not a valid e-mail address."]})
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(f"User {email} already exists.", {"email": ["Already registered."]})
    user = User(email=email, password_hash=UNUSABLE_PASSWORD, role=role, organization=org)
    db.session.add(user)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(
            f"User {email} already exists.", {"email": ["Already registered."]}
        ) from None
    audit.record(actor, "auth.user_created", "user", user.id, email=email, role=role.value)
    return user, issue_link(user, SETUP, actor)


def update_user(actor: User, user: User, active: bool | None, role: Role | None) -> User:
    """Deactivate (ending every token and session at once), reactivate, or change a role."""
    if role is not None and role is not user.role:
        if actor.role is not Role.ADMIN:
            raise Forbidden("Only admins change roles.")
        if user.id == actor.id:
            raise Conflict("You cannot change your own role.", {"role": ["Not your own."]})
        if role is Role.OWNER and user.organization_id is None:
            raise Invalid(
                "An owner needs an organization.", {"role": ["This user has no organization."]}
            )
        audit.record(
            actor, "auth.role_changed", "user", user.id, old=user.role.value, new=role.value
        )
        user.role = role
    if active is False and user.active:
        if user.id == actor.id:
            raise Conflict("You cannot deactivate your own account.", {"active": ["Not your own."]})
        auth.deactivate_user(user, actor)
    elif active is True and not user.active:
        user.active = True
        audit.record(actor, "auth.user_reactivated", "user", user.id)
    db.session.commit()
    return user


# ---- one-time links ---------------------------------------------------------------------


def issue_link(user: User, purpose: str, actor: User | None = None) -> IssuedLink:
    """Retire the user's older links of this purpose, store a new one's hash, mail it."""
    now = utcnow()
    db.session.execute(
        sa.update(AccountLink)
        .where(
            AccountLink.user_id == user.id,
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
            AccountLink.expires_at > now,
        )
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    link = AccountLink(
        user=user,
        purpose=purpose,
        token_hash=_hash(token),
        created_at=now,
        created_by_id=getattr(actor, "id", None),
        expires_at=now + LINK_LIFETIME[purpose],
    )
    db.session.add(link)
    db.session.flush()
    url = link_url(token, purpose)
    db.session.commit()
    return IssuedLink(url, account_mail.send_link(link.id, purpose, user.email, url))


def resend_setup_link(actor: User, user: User) -> IssuedLink:
    if user.password_hash != UNUSABLE_PASSWORD:
        raise Conflict("This user has already set a password.", {"id": ["Password already set."]})
    if not user.active:
        raise Conflict("This account is deactivated.", {"active": ["Deactivated."]})
    audit.record(actor, "auth.setup_link_issued", "user", user.id)
    return issue_link(user, SETUP, actor)


def request_reset(email: str) -> None:
    """Mail a reset link if an active account has this address; say nothing either way."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()[:254]))
    if user is None or not user.active:
        return
    audit.record(user, "auth.reset_requested", "user", user.id)
    issue_link(user, RESET)


def live_link(token: str, purpose: str) -> AccountLink | None:
    """The unused, unexpired link of this purpose for an active user, or None."""
    return db.session.scalar(
        sa.select(AccountLink)
        .join(User, User.id == AccountLink.user_id)
        .where(
            AccountLink.token_hash == _hash(token),
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
            AccountLink.expires_at > utcnow(),
            User.active.is_(True),
        )
    )


def use_link(link: AccountLink, password: str) -> User:
    """Set the password through a live link; the link is spent in the same commit."""
    auth.check_password(password, link.user.email)
    spent = db.session.execute(
        sa.update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:  # a concurrent request used it first
        db.session.rollback()
        raise Conflict("This link has already been used.", {"token": ["Already used."]})
    action = "auth.setup_completed" if link.purpose == SETUP else "auth.password_reset"
    auth.set_password(link.user, password, action=action)
    return link.user


def change_password(user: User, current: str, new: str) -> None:
    """Change one's own password, proving the current one first."""
    if auth.authenticate(user.email, current) is None:
        raise Invalid("The current password is wrong.", {"current_password": ["Wrong password."]})
    auth.set_password(user, new, action="auth.password_changed")


def has_password(user: User) -> bool:
    return user.password_hash != UNUSABLE_PASSWORD
