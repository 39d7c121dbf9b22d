"""Subscale names of the shipped scale in the page's language.

The request edge (crossover.web) sits below the instruments, so init_app gives templates the
helper and lends it to the error-message translator.
"""

from flask import Flask
from flask_babel import get_locale

from crossover.instruments.shipped import SUBSCALE_LABELS
from crossover.web import labels


def subscale_label(key: str) -> str:
    """The shipped scale's subscale in the page's language; a custom instrument's key as it is."""
    names = SUBSCALE_LABELS.get(key)
    return key if names is None else names[0 if str(get_locale()) == "ja" else 1]


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(subscale_label=subscale_label)
    labels.register(app, labels.SUBSCALE, subscale_label)
