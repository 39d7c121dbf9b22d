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


def test_closed_pilots_get_the_cell_they_ran_in(empty_database_url):
    """The revision that keeps a closed pilot's cell fills it in for pilots closed before it."""
    app = create_app(_test_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS, revision=f"{CELL_REVISION}-1")
        with db.engine.begin() as conn:
            ids = _pilots_before_the_cell_revision(conn)
        flask_migrate.upgrade(directory=MIGRATIONS, revision=CELL_REVISION)
        with db.engine.connect() as conn:
            cells = {
                row[0]: tuple(row[1:])
                for row in conn.execute(
                    sa.text(
                        "SELECT p.id, v.key, l.key FROM pilots p LEFT JOIN venues v ON v.id = "
                        "p.closed_venue_id LEFT JOIN levels l ON l.id = p.closed_level_id"
                    )
                )
            }
        db.engine.dispose()
    assert cells == {ids["closed"]: ("community", "loose"), ids["running"]: (None, None)}


CELL_REVISION = "b7c3e1d2a9f0"


def _pilots_before_the_cell_revision(conn) -> dict[str, int]:
    """A closed and a running pilot of one initiative, written as rows of the older schema."""

    def insert(table: str, **values) -> int:
        columns = ", ".join(values)
        params = ", ".join(f":{key}" for key in values)
        return conn.execute(
            sa.text(f"INSERT INTO {table} ({columns}) VALUES ({params}) RETURNING id"), values
        ).scalar()

    now = "2026-01-01 00:00:00"
    venue = insert("venues", key="community", name_ja="社外", name_en="Community", position=6)
    level = insert(
        "levels",
        key="loose",
        name_ja="ゆる",
        name_en="Loose",
        description_ja="",
        description_en="",
        position=0,
    )
    org = insert("organizations", slug="acme", name="Acme", created_at=now)
    initiative = insert(
        "initiatives",
        venue_id=venue,
        level_id=level,
        title_ja="t",
        title_en="t",
        description_ja="",
        description_en="",
        effects="[]",
        status="idea",
        created_at=now,
        updated_at=now,
    )
    instrument = insert(
        "instruments",
        family="f",
        version=1,
        name="i",
        scale_min=1,
        scale_max=5,
        anchors="[]",
        created_at=now,
    )
    common = dict(
        organization_id=org,
        initiative_id=initiative,
        instrument_id=instrument,
        title="p",
        format="other",
        has_comparison=False,
        planned_n=10,
        starts_on="2026-01-01",
        ends_on="2026-02-01",
        eligible_age_bands="[]",
        eligible_career_phases="[]",
        followup_days="[]",
        outcome="total",
        direction="increase",
        alpha=0.05,
        primary_test="paired_t",
        min_dz=0.2,
        created_at=now,
        updated_at=now,
    )
    return {status: insert("pilots", status=status, **common) for status in ("closed", "running")}
