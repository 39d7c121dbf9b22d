"""Locale selection: an explicit choice (?lang= or the switch) wins, then the browser."""

from flask import current_app, has_request_context, request, session


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the command line (crossover demo): the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang")
    if chosen in languages:
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    if request.path.startswith("/s/"):
        return "ja"  # the participant survey is Japanese unless the participant switches
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def localized(obj, field: str, locale: str) -> str:
    """Pick obj.<field>_<locale>, falling back to Japanese."""
    return getattr(obj, f"{field}_{locale}", None) or getattr(obj, f"{field}_ja")
