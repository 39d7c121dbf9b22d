"""Account pages: choose a password from a one-time link, forgot password, one's own
account (password and API tokens), admins' organisations and users, an owner's team."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
import sqlalchemy as sa

from crossover.auth import services as auth
from crossover.auth.access import actor, page_auth, sign_in
from crossover.auth.accounts import mail as account_mail
from crossover.auth.accounts import services
from crossover.auth.limits import password_reset_address_limit, password_reset_limit
from crossover.auth.models import ApiToken, Role
from crossover.db import page_of, utcnow
from crossover.extensions import db
from crossover.web.confirmation import confirmation_page, is_confirmed
from crossover.web.errors import DomainError
from crossover.web.forms import whole_number

pages_bp = Blueprint("accounts", __name__)

PAGE_SIZE = 50
NO_STORE = {"Cache-Control": "no-store"}  # pages that may show a token or a setup link
# Service messages are English; pages show them in the visitor's language, naming the label.
MESSAGES = {
    auth.TOO_SHORT: _l("Use at least %(n)s characters.", n=auth.MIN_PASSWORD_LENGTH),
    auth.CONTAINS_EMAIL: _l("Do not use your e-mail address in the password."),
    "Already registered.": _l("This e-mail address is already registered."),
    "Already exists.": _l("This ID is already in use."),
    "Not a valid e-mail address.": _l("Enter a valid e-mail address."),
    "Use 2-63 lowercase letters, digits or '-'.": _l("Use 2-63 lowercase letters, digits or '-'."),
    "Required for owners.": _l("Choose the organization of an owner."),
    "Unknown organization.": _l("Choose an organization from the list."),
    "Wrong password.": _l("The current password is wrong."),
    "Not your own.": _l("You cannot do this to your own account."),
    "Password already set.": _l("This user has already chosen a password."),
    "Deactivated.": _l("This account is deactivated."),
    "Already used.": _l("This link has already been used."),
}
LABELS = {
    "password": _l("New password"),
    "current_password": _l("Current password"),
    "email": _l("E-mail"),
    "slug": _l("ID (letters for URLs)"),
    "name": _l("Name"),
    "organization": _l("Organization"),
    "role": _l("Role"),
    "active": _l("Active"),
    "id": _l("User"),
    "token": _l("Link"),
}
ROLE_LABELS = {"admin": _l("Administrator"), "reviewer": _l("Reviewer"), "owner": _l("Owner")}


def labelled(label, message) -> str:
    return _("%(label)s: %(message)s", label=label, message=message)


def page_errors(error: DomainError) -> dict[str, list[str]]:
    """A service error's messages in the visitor's language, each naming the field's label."""
    return {
        field: [labelled(LABELS.get(field, field), MESSAGES.get(m, m)) for m in messages]
        for field, messages in error.errors.items()
    }


def _page_number() -> int:
    number = whole_number(request.args.get("page"))
    return min(max(number or 1, 1), 100_000)


# ---- without an account ---------------------------------------------------------------


@pages_bp.route("/account/<any(setup, reset):purpose>/<token>", methods=["GET", "POST"])
def choose_password(purpose: str, token: str):
    """Choose a password through a one-time link; a spent or expired link says so."""
    link = services.live_link(token[:100], purpose)
    if link is None:
        return render_template("accounts/link_invalid.html", purpose=purpose), 410
    errors = {}
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("password_again", ""):
            errors = {"password_again": [_("The two passwords differ.")]}
        else:
            try:
                user = services.use_link(link, password)
            except DomainError as error:
                errors = page_errors(error)
            else:
                sign_in(user)
                flash(_("Your password is set. You are signed in."), "success")
                return redirect(url_for("accounts.account"))
    return render_template(
        "accounts/choose_password.html", purpose=purpose, email=link.user.email, errors=errors
    ), 422 if errors else 200


@pages_bp.route("/password/forgot", methods=["GET", "POST"])
@password_reset_limit
@password_reset_address_limit
def forgot_password():
    """Mail a reset link; the answer is the same whether or not the address has an account.
    With mail off the page says so instead of promising a link (for every address alike)."""
    if not account_mail.account_mail_on():
        return render_template("accounts/forgot.html", mail_off=True)
    if request.method == "POST":
        response = make_response(render_template("accounts/forgot_sent.html"))
        # The work (and the mail) happens after the answer has gone out, so neither the answer
        # nor its timing tells whether the address has an account.
        response.call_on_close(_reset_later(request.form.get("email", "")))
        return response
    return render_template("accounts/forgot.html")


def _reset_later(email: str):
    app = current_app._get_current_object()

    def reset() -> None:
        with app.app_context():
            try:
                services.request_reset(email)
            except Exception:  # nobody is waiting for this answer: log it, never raise
                app.logger.exception("Password reset for a submitted address failed")
                db.session.rollback()

    return reset


@pages_bp.errorhandler(429)
def too_many_reset_requests(error):
    """On the forgot-password page the limit is a message above the form, not an error page."""
    flash(_("Too many requests. Please wait a while and try again."), "error")
    return render_template("accounts/forgot.html"), 429


# ---- one's own account ------------------------------------------------------------------


def _live_tokens(user):
    return db.session.scalars(
        sa.select(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > utcnow(),
        )
        .order_by(ApiToken.id.desc())
    ).all()


def _account_page(errors=None, new_token=None, status=200):
    me = actor()
    return (
        render_template(
            "accounts/account.html",
            me=me,
            tokens=_live_tokens(me),
            errors=errors or {},
            new_token=new_token,
            role_label=ROLE_LABELS[me.role.value],
        ),
        status,
        NO_STORE,
    )


@pages_bp.route("/account")
@page_auth()
def account():
    """One's own account: password and API tokens."""
    return _account_page()


@pages_bp.route("/account/password", methods=["POST"])
@page_auth()
def change_password():
    """Change the password (the current one first); other sessions and API tokens end."""
    me = actor()
    new = request.form.get("password", "")
    if new != request.form.get("password_again", ""):
        return _account_page({"password_again": [_("The two passwords differ.")]}, status=422)
    try:
        services.change_password(me, request.form.get("current_password", ""), new)
    except DomainError as error:
        return _account_page(page_errors(error), status=422)
    sign_in(me)  # this browser stays signed in with a fresh session; all others have ended
    flash(_("Your password has been changed. Other sessions and API tokens have ended."), "success")
    return redirect(url_for("accounts.account"))


@pages_bp.route("/account/tokens", methods=["POST"])
@page_auth()
def create_token():
    """Create an API token; it is shown once, here."""
    token, _record = auth.issue_token(actor())
    return _account_page(new_token=token, status=201)


@pages_bp.route("/account/tokens/<id:token_id>/revoke", methods=["POST"])
@page_auth()
def revoke_token(token_id: int):
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != actor().id:
        abort(404)
    if not is_confirmed(request.form):  # without JavaScript the dialog did not ask
        return confirmation_page(
            message=_("Revoke this token? Programs using it stop working at once."),
            action=url_for("accounts.revoke_token", token_id=record.id),
            confirm_label=_("Revoke token #%(id)s", id=record.id),
            cancel_url=url_for("accounts.account"),
        )
    if record.revoked_at is None:
        auth.revoke_token(record)
    flash(_("The API token has been revoked."), "success")
    return redirect(url_for("accounts.account"))


# ---- admins' organisations ---------------------------------------------------------------


@pages_bp.route("/admin/organizations", methods=["GET", "POST"])
@page_auth(Role.ADMIN)
def organizations():
    """Member organizations: list and add."""
    errors, form, status = {}, {}, 200
    if request.method == "POST":
        form = {
            "slug": request.form.get("slug", "").strip(),
            "name": request.form.get("name", "").strip(),
        }
        try:
            org = services.create_org(actor(), form["slug"][:63], form["name"][:200])
        except DomainError as error:
            errors, status = page_errors(error), 422
        else:
            flash(_("Organization “%(name)s” added.", name=org.name), "success")
            return redirect(url_for("accounts.organizations"))
    orgs = db.session.scalars(services.list_orgs()).all()
    return render_template(
        "accounts/organizations.html", orgs=orgs, errors=errors, form=form
    ), status


# ---- users (admins) and the team (owners) -------------------------------------------------


def _users_page(errors=None, form=None, issued=None, status=200):
    me = actor()
    query = services.visible_users(me)
    page = _page_number()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    people = page_of(db.session, query, page, PAGE_SIZE)
    orgs = db.session.scalars(services.list_orgs()).all() if me.role is Role.ADMIN else []
    return (
        render_template(
            "accounts/users.html",
            people=people,
            page=page,
            pages=max(1, -(-total // PAGE_SIZE)),
            orgs=orgs,
            errors=errors or {},
            form=form or {},
            issued=issued,
            role_labels=ROLE_LABELS,
            is_admin=me.role is Role.ADMIN,
            has_password=services.has_password,
            here=_users_endpoint(me),
        ),
        status,
        NO_STORE,
    )


def _users_endpoint(me) -> str:
    return "accounts.users" if me.role is Role.ADMIN else "accounts.team"


@pages_bp.route("/admin/users", methods=["GET", "POST"])
@page_auth(Role.ADMIN)
def users():
    """Every user: add (with a one-time setup link), deactivate, resend the link."""
    return _add_user() if request.method == "POST" else _users_page()


@pages_bp.route("/team", methods=["GET", "POST"])
@page_auth(Role.OWNER)
def team():
    """An owner's colleagues: the owners of its own organization."""
    return _add_user() if request.method == "POST" else _users_page()


def _add_user():
    me = actor()
    form = {
        "email": request.form.get("email", "").strip()[:254],
        "role": request.form.get("role", "owner"),
        "organization": request.form.get("organization", "").strip()[:63],
    }
    if me.role is Role.OWNER:
        form.update(role="owner", organization=me.organization.slug)
    if form["role"] not in ROLE_LABELS:
        return _users_page(
            {"role": [f"{LABELS['role']}: {_('Choose a role from the list.')}"]}, form, status=422
        )
    try:
        user, link = services.invite_user(
            me, form["email"], Role(form["role"]), form["organization"] or None
        )
    except DomainError as error:
        return _users_page(page_errors(error), form, status=422)
    return _users_page(
        issued={"email": user.email, "url": link.url, "mail": link.mail_status}, status=201
    )


@pages_bp.route("/users/<id:user_id>/active", methods=["POST"])
@page_auth(Role.ADMIN, Role.OWNER)
def set_active(user_id: int):
    """Deactivate (every session and token ends) or reactivate a user."""
    me = actor()
    user = _visible_or_404(me, user_id)
    activate = request.form.get("active") == "true"
    if not activate and not is_confirmed(request.form):  # deactivating ends sessions at once
        return confirmation_page(
            message=_(
                "Deactivate %(email)s? They are signed out everywhere and their API tokens stop "
                "working at once.",
                email=user.email,
            ),
            action=url_for("accounts.set_active", user_id=user.id),
            confirm_label=_("Deactivate %(email)s", email=user.email),
            cancel_url=url_for(_users_endpoint(me)),
            fields={"active": "false"},
        )
    try:
        services.update_user(me, user, activate, None)
    except DomainError as error:
        flash(" ".join(m for ms in page_errors(error).values() for m in ms), "error")
    else:
        flash(
            _("%(email)s is now deactivated.", email=user.email)
            if not user.active
            else _("%(email)s is active again.", email=user.email),
            "success",
        )
    return redirect(url_for(_users_endpoint(me)))


@pages_bp.route("/users/<id:user_id>/setup-link", methods=["POST"])
@page_auth(Role.ADMIN, Role.OWNER)
def resend_link(user_id: int):
    """Issue a fresh setup link (the older one stops working) and show it."""
    me = actor()
    user = _visible_or_404(me, user_id)
    try:
        link = services.resend_setup_link(me, user)
    except DomainError as error:
        flash(" ".join(m for ms in page_errors(error).values() for m in ms), "error")
        return redirect(url_for(_users_endpoint(me)))
    return _users_page(
        issued={"email": user.email, "url": link.url, "mail": link.mail_status}, status=201
    )


def _visible_or_404(me, user_id: int):
    try:
        return services.get_visible_user(me, user_id)
    except DomainError:
        abort(404)
