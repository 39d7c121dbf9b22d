"""The seeded database, built once per run and copied back before each test.

Creating the schema and seeding took a third of a second per test (808 tests, twice). The
seeded state is kept instead and copied back, which gives every test the database a fresh seed
gives, down to the next id of every table:

- SQLite: SQLite's backup API copies a seeded in-memory template over the test's database,
  schema and all (a file of the live server included);
- PostgreSQL: one round trip empties every table, copies the seeded rows back from a schema
  kept beside them and sets every sequence where the seed left it.
"""

import sqlite3

import sqlalchemy as sa

from crossover.extensions import db

SNAPSHOT_SCHEMA = "seeded_snapshot"


class SqliteSeed:
    """An in-memory copy of a seeded SQLite database."""

    def __init__(self, engine: sa.Engine):
        self.template = sqlite3.connect(":memory:", check_same_thread=False)
        _copy_database(engine, into=self.template)

    def restore(self, engine: sa.Engine) -> None:
        """Make the database of `engine` (in memory or a file) the seeded one."""
        raw = engine.raw_connection()  # the in-memory database's one connection (static pool)
        try:
            target = raw.driver_connection
            if target.in_transaction:  # a test left one open: a backup cannot overwrite it
                target.rollback()
            self.template.backup(target)
        finally:
            raw.close()


def _copy_database(engine: sa.Engine, into: sqlite3.Connection) -> None:
    raw = engine.raw_connection()
    try:
        raw.driver_connection.backup(into)
    finally:
        raw.close()


class PostgresSeed:
    """The seeded rows and sequence positions of the public tables, kept in SNAPSHOT_SCHEMA."""

    def __init__(self, engine: sa.Engine):
        tables = db.metadata.sorted_tables  # parents before the tables that refer to them
        with engine.begin() as conn:
            conn.exec_driver_sql(
                f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE; CREATE SCHEMA {SNAPSHOT_SCHEMA}"
            )
            seeded = []
            for table in tables:
                conn.exec_driver_sql(
                    f'CREATE TABLE {SNAPSHOT_SCHEMA}."{table.name}" AS TABLE "{table.name}"'
                )
                if conn.scalar(sa.select(sa.func.count()).select_from(table)):
                    seeded.append(table.name)
            positions = [_sequence_position(conn, name) for name in _sequences(conn)]
        self.restore_sql = "; ".join(
            [
                *(f'DELETE FROM "{t.name}"' for t in reversed(tables)),
                *(
                    f'INSERT INTO "{name}" OVERRIDING SYSTEM VALUE '
                    f'SELECT * FROM {SNAPSHOT_SCHEMA}."{name}"'
                    for name in seeded
                ),
                "SELECT " + ", ".join(positions) if positions else "SELECT 1",
            ]
        )

    def restore(self, engine: sa.Engine) -> None:
        """Put the seeded rows back in every table and every sequence where the seed left it."""
        with engine.begin() as conn:
            conn.exec_driver_sql(self.restore_sql)


def _sequences(conn) -> list[str]:
    return list(
        conn.scalars(
            sa.text(
                "SELECT quote_ident(sequence_name) FROM information_schema.sequences "
                "WHERE sequence_schema = current_schema()"
            )
        )
    )


def _sequence_position(conn, name: str) -> str:
    """setval(...) that puts the sequence back where it is now (is_called: whether the next
    nextval() returns last_value + 1 or last_value itself, as after RESTART)."""
    last_value, is_called = conn.execute(sa.text(f"SELECT last_value, is_called FROM {name}")).one()
    return f"setval('{name}', {int(last_value)}, {'true' if is_called else 'false'})"


def seed_of(engine: sa.Engine) -> SqliteSeed | PostgresSeed:
    """A copy of the seeded database behind `engine`."""
    return SqliteSeed(engine) if engine.dialect.name == "sqlite" else PostgresSeed(engine)
