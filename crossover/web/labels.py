"""Label lookups the rooms above lend to the request edge.

Messages name reference options and subscales by their visible labels, but the options live in
the catalogue and the subscales in the instruments, both above this room. Each owner registers
its lookup on the app when it is built (its init_app); the edge reads it back from current_app.
"""

from collections.abc import Callable

from flask import Flask, current_app

OPTION = "option"  # (kind, key) -> label or None: a reference option
SUBSCALE = "subscale"  # (key) -> label: a subscale of the shipped scale
_EXTENSION = "crossover.labels"


def register(app: Flask, name: str, lookup: Callable) -> None:
    app.extensions.setdefault(_EXTENSION, {})[name] = lookup


def lookup(name: str) -> Callable:
    return current_app.extensions[_EXTENSION][name]
