"""A schema-driven fuzz run over the whole OpenAPI document: no input may cause a server error.

It runs on the suite's engine (PostgreSQL when CROSSOVER_TEST_DATABASE_URL is set), once as
an owner, a reviewer and an admin, over a database holding users of two organisations and
some of everything, so that generated ids often name real rows. Strings carry NUL
characters (schemathesis' default alphabet allows them) and lone surrogates (its alphabet
leaves them out, so a hook below puts them into JSON bodies); either must be a 4xx.
"""

import logging

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
import pytest
import schemathesis

from crossover import create_app
from crossover.web.errors import UNCHECKED_INPUT
from tests.company.flows import make_round, make_survey, roster_csv, upload
from tests.conftest import _test_config, create_users, dispose, fresh_app
from tests.factories import ASSIGNED, enroll, make_mentor, make_pilot

MAX_EXAMPLES = 12  # per operation and role: about 40 operations × 3 roles
POISON = st.sampled_from(["\x00", "\ud83d", "x\udc00y", "a\x00\ud800"])
REAL_IDS = st.integers(
    1, 3
)  # the world below has rows 1..3 of most tables (ids restart on every run)


@pytest.fixture(scope="module")
def world(_postgres_schema):
    """One app on the suite's engine with users of two organisations and some of everything."""
    app = fresh_app(PROPAGATE_EXCEPTIONS=False)  # a server error must show as a 500 response
    client = app.test_client()
    users = create_users(app, client)
    running = make_pilot(
        client, users.owner, status="running", has_comparison=True, preregistration=ASSIGNED
    )
    make_pilot(client, users.owner2, status="closed")
    make_pilot(client, users.owner, status="draft")
    people = [enroll(client, users.owner, running["id"]) for _ in range(3)]
    mentor = make_mentor(client, users.owner2)
    client.post(
        f"/api/v1/pilots/{running['id']}/matches",
        headers=users.owner,
        json={"enrollment_id": people[0]["id"], "mentor_id": mentor["id"]},
    )
    survey = make_survey(client, users.owner)  # a company survey with a round and a roster
    upload(client, users.owner, make_round(client, users.owner, survey["id"])["id"], roster_csv(3))
    yield app, users
    dispose(app)


@pytest.fixture(scope="module", params=["owner", "reviewer", "admin"])
def role_headers(request, world) -> dict:
    return getattr(world[1], request.param)


def _string_paths(value, path=()):
    """Where the strings of a JSON value are (as key paths), keys included as (path, key, None)."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*path, key, None)
            yield from _string_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _string_paths(child, (*path, index))
    elif isinstance(value, str):
        yield path


def _poisoned(value, where, poison):
    """A copy of the JSON value with `poison` put into the string (or key) at `where`."""
    if where and where[-1] is None:  # a key: (path..., key, None)
        *path, key, _ = where
        return _replace(
            value, path, lambda node: {(k + poison if k == key else k): v for k, v in node.items()}
        )
    return _replace(
        value, list(where), lambda text: text[: len(text) // 2] + poison + text[len(text) // 2 :]
    )


def _replace(value, path, change):
    if not path:
        return change(value)
    head, *rest = path
    if isinstance(value, dict):
        return {k: (_replace(v, rest, change) if k == head else v) for k, v in value.items()}
    return [(_replace(v, rest, change) if i == head else v) for i, v in enumerate(value)]


# The document comes from an app of its own; the calls go to the world's app (case.call(app=...)).
DOCUMENT_APP = create_app(_test_config(SQLALCHEMY_DATABASE_URI="sqlite://"))
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", DOCUMENT_APP)


@schema.hook("flatmap_body")
def poison_a_string(context, body):
    # JSON only: a multipart body (the CSV upload) cannot carry a surrogate on the wire.
    if any(alt.media_type != "application/json" for alt in context.operation.body):
        return st.just(body)
    places = list(_string_paths(body))
    if not places:
        return st.just(body)
    poisoned = st.builds(
        lambda where, poison: _poisoned(body, where, poison), st.sampled_from(places), POISON
    )
    return st.one_of(st.just(body), poisoned)


@schema.hook("flatmap_path_parameters")
def name_real_rows(context, parameters):
    # Random ids would almost never exist; half the time, use one that does.
    if not parameters or not any(key.endswith("_id") for key in parameters):
        return st.just(parameters)
    real = st.fixed_dictionaries(
        {k: REAL_IDS if k.endswith("_id") else st.just(v) for k, v in parameters.items()}
    )
    return st.one_of(st.just(parameters), real)


@schema.exclude(
    method="DELETE", path="/api/v1/auth/token"
).parametrize()  # it would sign the fuzzer out
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_error(case, world, role_headers, caplog):
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        response = case.call(app=world[0], headers=role_headers)
    assert response.status_code < 500, (
        case.method,
        case.path,
        case.path_parameters,
        case.query,
        case.body,
        response.text[:500],
    )
    unchecked = [r.getMessage() for r in caplog.records if UNCHECKED_INPUT in r.getMessage()]
    assert not unchecked, (case.method, case.path, case.body, unchecked)
