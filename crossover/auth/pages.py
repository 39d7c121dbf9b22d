"""Sign-in, sign-out and the language switch."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from crossover.auth import services
from crossover.extensions import limiter

pages_bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an absolute URL here would be an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("catalogue.grid")


@pages_bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["AUTH_RATE_LIMIT"], methods=["POST"])
def login():
    """Show the sign-in form and sign the user in."""
    if request.method == "POST":
        user = services.authenticate(request.form.get("email", ""), request.form.get("password", ""))
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong e-mail or password."), "error")
        return render_template("auth/login.html", email=request.form.get("email", "")), 401
    return render_template("auth/login.html", email="")


@pages_bp.route("/logout", methods=["POST"])
def logout():
    """Sign out."""
    logout_user()
    return redirect(url_for("auth.login"))


@pages_bp.route("/lang/<code>")
def switch_language(code: str):
    """Remember the chosen language and go back."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")))
