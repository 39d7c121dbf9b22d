"""Reference options (format, age band, career phase…) by their label in the page's language.

The request edge (crossover.web) sits below the catalogue, so it cannot look options up itself:
init_app gives templates these helpers and lends the error-message translator the lookup.
"""

from flask import Flask
from flask_babel import get_locale

from crossover.catalogue.services import options
from crossover.web import labels


def known_option_label(kind: str, key: str) -> str | None:
    """The page-language label of an option, or None when the kind has no such key."""
    lang = str(get_locale())
    return next((getattr(o, f"label_{lang}") for o in options(kind) if o.key == key), None)


def option_label(kind: str, key: str | None) -> str:
    """The page-language label of a reference option; an unknown key as it is."""
    if not key:
        return ""
    found = known_option_label(kind, key)
    return key if found is None else found


def stratum_label(stratum: str) -> str:
    """'age_band=45-49|career_phase=in_management' → '45〜49歳 × 管理職'."""
    parts = [part.partition("=") for part in stratum.split("|")]
    return " × ".join(option_label(kind, value) for kind, _eq, value in parts)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(option_label=option_label, stratum_label=stratum_label)
    labels.register(app, labels.OPTION, known_option_label)
