"""Which instruments are frozen: used by a study in a way that makes edits new versions.

The instruments room knows no study. Each study that freezes instruments registers a function
when the app is built (crossover.modules): given instrument ids, it answers which of them it
uses that way (a pilot past draft, a company survey round). An instrument is frozen when any
study says so.

Imports: nothing of ours.
"""

from collections.abc import Callable, Iterable

from flask import Flask, current_app

FrozenIds = Callable[[set[int]], Iterable[int]]

REGISTRY = "crossover.instrument_users"  # key in app.extensions


def register_instrument_users(app: Flask, frozen_ids: FrozenIds) -> None:
    """Add a study's answer to "which of these do you freeze?" to an app (once)."""
    users = app.extensions.setdefault(REGISTRY, [])
    if frozen_ids not in users:
        users.append(frozen_ids)


def frozen_ids(instrument_ids: set[int]) -> set[int]:
    """Which of these instruments some study freezes."""
    frozen: set[int] = set()
    for users_frozen in current_app.extensions.get(REGISTRY, []):
        frozen |= set(users_frozen(instrument_ids))
    return frozen
