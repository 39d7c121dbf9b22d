"""Backups of the embedded SQLite database through SQLite's online backup API.

The backup API copies a consistent snapshot while the service keeps serving (pages written in
the meantime are copied again). PostgreSQL deployments use pg_dump (README).
"""

import os
from pathlib import Path
import sqlite3

from crossover.web.errors import Invalid


def sqlite_path(engine) -> Path:
    """The file of the app's SQLite database; Invalid for other engines or in-memory ones."""
    if engine.dialect.name != "sqlite":
        raise Invalid(
            "backup and restore are for the embedded SQLite database; use pg_dump and "
            "pg_restore for PostgreSQL (see README).",
            {"database": ["Not SQLite."]},
        )
    database = engine.url.database
    if not database or database == ":memory:":
        raise Invalid("The database is in memory: there is no file to back up.", {})
    return Path(database)


def _check(connection: sqlite3.Connection, what: str) -> None:
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise Invalid(f"{what} is not a SQLite database: {error}", {}) from None
    if result != "ok":
        raise Invalid(f"{what} failed SQLite's integrity check: {result}", {})
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if not {"users", "pilots", "outbox_messages"} <= tables:
        raise Invalid(f"{what} is not a crossover database (no users, pilots, outbox).", {})


def backup(engine, target: Path) -> int:
    """Copy the live database to target (written beside it, then moved into place); returns
    its size in bytes."""
    source_path = sqlite_path(engine)
    target = Path(target)
    if target.resolve() == source_path.resolve():
        raise Invalid("The backup cannot be the database itself.", {"path": ["Same file."]})
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy, pages=1024)  # steps, so writers are not held up for the whole copy
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        _check(copy, "The backup")
    finally:
        copy.close()
        source.close()
    os.replace(partial, target)
    return target.stat().st_size


def restore(engine, source: Path) -> int:
    """Replace the database's content with the backup at source (stop the service first)."""
    target_path = sqlite_path(engine)
    source = Path(source)
    if not source.is_file():
        raise Invalid(f"No backup at {source}.", {"path": ["Not found."]})
    backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _check(backup_db, "The backup")
        engine.dispose()  # no pooled connection keeps reading the old pages
        target_path.parent.mkdir(parents=True, exist_ok=True)
        live = sqlite3.connect(target_path)
        try:
            backup_db.backup(live)
        finally:
            live.close()
    finally:
        backup_db.close()
    return target_path.stat().st_size
