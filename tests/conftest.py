"""Fixtures: an app on a throw-away database (SQLite, or PostgreSQL when asked), clients, users."""

import copy
import os
import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from crossover import create_app, extensions
from crossover.auth import services as auth_services
from crossover.auth.models import Role
from crossover.extensions import db
from crossover.seed import seed_all
from crossover.surveys import frozen
from tests.seeded import seed_of

# Set by scripts/test.sh to run the whole suite against a scratch PostgreSQL database.
POSTGRES_URL = os.environ.get("CROSSOVER_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"


def _test_config(**overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SQLALCHEMY_DATABASE_URI": POSTGRES_URL or "sqlite://",
        # Mail tests point SMTP_PORT at a sink; jobs run in place, at once (no worker).
        "SMTP_HOST": "127.0.0.1",
        "ACCOUNT_MAIL": False,
        "QUEUE_URL": "memory://",
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def _postgres_schema():
    """Create the schema once per run on PostgreSQL; tests then get the seeded rows copied back."""
    if not POSTGRES_URL:
        yield
        return
    app = create_app(_test_config())
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    yield


def _empty_tables() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


_seed = None  # the seeded database, kept by the first fresh_app of the run (tests/seeded.py)


def _seed_database() -> None:
    """Give the app's database the seeded state: seeded once per run, copied back after that."""
    global _seed
    if _seed is None:
        if POSTGRES_URL:
            _empty_tables()
        else:
            db.create_all()
        seed_all()
        db.session.remove()
        _seed = seed_of(db.engine)
    else:
        _seed.restore(db.engine)
    # Rows of the copied seed keep their ids and timestamps from one test to the next, so a
    # process-wide cache keyed on them could hand a test another test's rows.
    frozen._cache.clear()


def fresh_app(**overrides):
    """An app with extra config on a freshly seeded database (call after _postgres_schema)."""
    app = create_app(_test_config(**overrides))
    with app.app_context():
        _seed_database()
    return app


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(_postgres_schema):
    """Build an app with extra config; the app and its seeded database are new for every test."""
    apps = []

    def factory(**overrides):
        apps.append(fresh_app(**overrides))
        return apps[-1]

    yield factory
    for app in apps:
        dispose(app)


class ReusedApp:
    """The app with the default test config, built once per run and reset before each test to
    what a new one would be: seeded database, config, per-app caches, extension singletons."""

    # Extension singletons that keep the state of the app initialised last: the limiter checks
    # its own `enabled`, the Api serves its own spec. Other tests build apps in between.
    SINGLETONS = (extensions.limiter, extensions.api)

    def __init__(self):
        self.app = fresh_app()
        self.config = copy.deepcopy(dict(self.app.config))
        self.extensions = set(self.app.extensions)
        self.singletons = [(ext, dict(vars(ext))) for ext in self.SINGLETONS]

    def reset(self):
        self.app.config.clear()
        self.app.config.update(copy.deepcopy(self.config))
        for key in set(self.app.extensions) - self.extensions:  # caches made while serving
            del self.app.extensions[key]
        for ext, state in self.singletons:
            vars(ext).clear()
            vars(ext).update(state)
        with self.app.app_context():
            _seed_database()
        return self.app


@pytest.fixture(scope="session")
def _reused_app(_postgres_schema):
    reused = ReusedApp()
    yield reused
    dispose(reused.app)


@pytest.fixture
def app(_reused_app):
    # Yielded outside an app context, so each test-client request gets its own (STACK.md).
    # Tests that add routes or need other config build their own with make_app.
    return _reused_app.reset()


@pytest.fixture
def ctx(app):
    """An app context for service and model tests."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Users:
    """Creates users and hands out bearer headers for them."""

    def __init__(self, app, client):
        self.app, self.client = app, client

    def create(self, email: str, role: Role, org_slug: str | None = None):
        with self.app.app_context():
            org = None
            if org_slug:
                try:
                    org = auth_services.get_org_by_slug(org_slug)
                except Exception:
                    org = auth_services.create_org(org_slug, org_slug.title())
            user = auth_services.create_user(email, PASSWORD, role, org)
            return user.id

    def headers(self, email: str) -> dict:
        response = self.client.post(
            "/api/v1/auth/token", json={"email": email, "password": PASSWORD}
        )
        assert response.status_code == 201, response.json
        return {"Authorization": f"Bearer {response.json['token']}"}

    def login(self, email: str):
        response = self.client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.data
        return response


def create_users(app, client) -> Users:
    """admin, reviewer, owner (org 'acme') and owner2 (org 'globex'), with bearer headers."""
    helper = Users(app, client)
    helper.create("admin@example.com", Role.ADMIN)
    helper.create("reviewer@example.com", Role.REVIEWER)
    helper.create("owner@acme.example", Role.OWNER, "acme")
    helper.create("owner@globex.example", Role.OWNER, "globex")
    helper.admin = helper.headers("admin@example.com")
    helper.reviewer = helper.headers("reviewer@example.com")
    helper.owner = helper.headers("owner@acme.example")
    helper.owner2 = helper.headers("owner@globex.example")
    return helper


@pytest.fixture
def users(app, client):
    """admin, reviewer, owner (org 'acme') and owner2 (org 'globex'), with bearer headers."""
    return create_users(app, client)


@pytest.fixture
def live(make_app, tmp_path):
    """The app behind a threaded server on 127.0.0.1, over a file database (SQLite WAL, so requests
    really run side by side) or the PostgreSQL one, with CSRF on as in production."""
    uri = POSTGRES_URL or f"sqlite:///{tmp_path / 'live.sqlite'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=uri, WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # shutdown() waits for the loop's next poll: 0.5 s by default, at the end of every test.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
