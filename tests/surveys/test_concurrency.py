"""Double submissions arriving at the same moment, against a real threaded server."""

import json
import threading
import urllib.error
import urllib.request

import sqlalchemy as sa

from crossover.auth.models import Role
from crossover.extensions import db
from crossover.surveys.models import Response
from tests.conftest import Users
from tests.factories import enroll, make_pilot

ANSWERS = {f"{s}_{i}": 3 for s in ("vision", "agency", "learning", "connection") for i in (1, 2, 3)}


def _post(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _fire(calls: list[tuple[str, dict]]) -> list[int]:
    barrier = threading.Barrier(len(calls))
    results: list[int] = [0] * len(calls)

    def run(index, url, body):
        barrier.wait()
        results[index] = _post(url, body)

    threads = [
        threading.Thread(target=run, args=(i, url, body)) for i, (url, body) in enumerate(calls)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _people(app, n):
    client = app.test_client()
    users = Users(app, client)
    users.create("owner@acme.example", Role.OWNER, "acme")
    headers = users.headers("owner@acme.example")
    pilot = make_pilot(client, headers, status="running")
    return [
        {i["wave"]: i["token"] for i in enroll(client, headers, pilot["id"])["invitations"]}
        for _ in range(n)
    ]


def test_simultaneous_double_submit_stores_exactly_one(live):
    app, base = live
    (links,) = _people(app, 1)
    codes = _fire([(f"{base}/api/v1/surveys/{links['pre']}", {"answers": ANSWERS})] * 8)
    assert sorted(codes) == [201] + [409] * 7
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
        db.session.remove()


def test_many_participants_at_once_all_stored(live):
    app, base = live
    people = _people(app, 12)
    codes = _fire([(f"{base}/api/v1/surveys/{p['pre']}", {"answers": ANSWERS}) for p in people])
    assert codes == [201] * 12
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 12
        db.session.remove()
