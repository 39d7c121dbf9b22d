"""Declarative base, shared column types and engine settings."""

from collections.abc import Callable
from datetime import UTC, datetime
import enum
import sqlite3
import time

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware timestamp that reads back aware on SQLite too."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def enum_column(enum_cls: type[enum.Enum]) -> sa.Enum:
    """Store an enum by value as a checked VARCHAR (no native PostgreSQL type to migrate)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


MAX_OFFSET = 2**31 - 1  # beyond any real table; larger offsets overflow SQLite's integers


def page_of(session, query: sa.Select, page: int, page_size: int) -> list:
    """One page of a select's rows; a page past any possible row is simply empty."""
    offset = (page - 1) * page_size
    if offset > MAX_OFFSET:
        return []
    return list(session.scalars(query.limit(page_size).offset(offset)).unique())


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime, dict: sa.JSON, list: sa.JSON},
    )


def use_sqlite_transactions(engine: sa.Engine, may_write: Callable[[], bool]) -> None:
    """On SQLite, let `engine` take the write lock up front when `may_write()` says so.

    A deferred SQLite transaction that reads and then writes fails at once ("database is
    locked") when another writer committed in between; busy_timeout cannot help it. Taking the
    write lock up front (BEGIN IMMEDIATE) for work that may write makes it queue instead. Who may
    write is the caller's knowledge (the web layer knows the request), not this module's.
    """
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _sqlite_pragmas)

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        # On the driver's connection: BEGIN is SQL no result or parameter is made for.
        dbapi_connection = connection.connection.driver_connection
        if may_write():
            begin_immediate(dbapi_connection)
        else:
            dbapi_connection.execute("BEGIN")


BUSY_TIMEOUT_MS = 5000
WRITE_LOCK_POLL_SECONDS = 0.0002


def begin_immediate(dbapi_connection: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting up to BUSY_TIMEOUT_MS for another writer's lock.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15 … ms between tries: a writer that finds the
    lock taken by a request that ends a millisecond later idles for several (under survey load,
    BEGIN IMMEDIATE took a fifth of a gunicorn worker's time), so the lock is polled here.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if (
                    error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY
                    or time.monotonic() > deadline
                ):
                    raise
            time.sleep(WRITE_LOCK_POLL_SECONDS)
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _sqlite_pragmas(dbapi_connection, connection_record):
    # WAL lets readers run beside one writer; busy_timeout waits instead of failing on a lock.
    # SQLAlchemy emits BEGIN itself (see use_sqlite_transactions), not pysqlite's lazy BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
