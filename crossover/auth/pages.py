"""Sign-in, sign-out and the language switch."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from crossover.auth import services
from crossover.auth.access import sign_in, sign_out
from crossover.auth.limits import sign_in_address_limit, sign_in_limit
from crossover.web.errors import handle_http_error

pages_bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an absolute URL here would be an open redirect.
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("catalogue.grid")


@pages_bp.route("/login", methods=["GET", "POST"])
@sign_in_limit
@sign_in_address_limit
def login():
    """Show the sign-in form and sign the user in."""
    if request.method == "POST":
        user = services.authenticate(
            request.form.get("email", ""), request.form.get("password", "")
        )
        if user is not None:
            sign_in(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong e-mail or password."), "error")
        return render_template("auth/login.html", email=request.form.get("email", "")), 401
    return render_template("auth/login.html", email="")


@pages_bp.errorhandler(429)
def too_many_sign_ins(error):
    """On the sign-in page the limit is a message above the form, not an error page."""
    if request.endpoint != "auth.login":
        return handle_http_error(error)
    flash(_("Too many failed sign-in attempts. Please wait a few minutes and try again."), "error")
    return render_template("auth/login.html", email=request.form.get("email", "")), 429


@pages_bp.route("/logout", methods=["POST"])
def logout():
    """Sign out: the session ends on the server too, so a saved cookie no longer works."""
    sign_out()
    return redirect(url_for("auth.login"))


@pages_bp.route("/lang/<code>")
def switch_language(code: str):
    """Remember the chosen language and go back."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")))
