"""The web layer's word on transactions: which requests may write.

SQLite takes its write lock up front (BEGIN IMMEDIATE) for work that may write, so writers queue
instead of failing; crossover.db does that for the app's engine, and asks here whether to.
"""

from flask import Flask, has_request_context, request

from crossover.db import use_sqlite_transactions
from crossover.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def request_may_write() -> bool:
    """A request by a method that may change state may write; outside requests anything may."""
    return not has_request_context() or request.method not in READ_ONLY_METHODS


def init_app(app: Flask) -> None:
    with app.app_context():
        use_sqlite_transactions(db.engine, request_may_write)
