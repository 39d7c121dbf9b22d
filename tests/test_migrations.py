"""Migrations build the whole schema from an empty database, and match the models."""
from pathlib import Path
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from crossover import create_app
from crossover.extensions import db
from tests.conftest import POSTGRES_URL, _test_config

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def _scratch_sqlite(tmp_path):
    yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"


def _scratch_postgres():
    url = make_url(POSTGRES_URL)
    name = f"crossover_mig_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_database_url(tmp_path):
    yield from (_scratch_postgres() if POSTGRES_URL else _scratch_sqlite(tmp_path))


def test_upgrade_from_empty_database_matches_models(empty_database_url):
    app = create_app(_test_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
            tables = set(sa.inspect(conn).get_table_names())
        db.engine.dispose()
    assert diff == []
    assert {t.name for t in db.metadata.sorted_tables} <= tables


def test_downgrade_to_base_and_back(empty_database_url):
    app = create_app(_test_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS)
        flask_migrate.downgrade(directory=MIGRATIONS, revision="base")
        with db.engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade(directory=MIGRATIONS)
        db.engine.dispose()
