"""kill -9 of gunicorn under survey load: every acknowledged response is stored once, and whole.

A running pilot with PEOPLE invitations is served by gunicorn (2 workers) on the suite's engine.
A few clients post answers, one token each, and note every 201. Mid-load the master and its
workers are killed by pid; gunicorn restarts on the same database (and the same stale pid file),
every token is posted again, and the database must hold one complete response per token: the
first answers wherever a 201 was given, and a 409 for every resubmission of a stored one.
"""

import http.client
import io
import json
import os
from queue import Empty, SimpleQueue
import threading

import pytest
import sqlalchemy as sa

from crossover.auth.models import Role
from crossover.extensions import db
from crossover.surveys.models import Invitation, Response, ResponseScore
from crossover.surveys.tokens import hash_token
from tests.conftest import POSTGRES_URL, Users
from tests.factories import make_pilot
from tests.serving import Gunicorn, remove_stale_pid_file

PEOPLE = 300
CLIENTS = 4
KILL_AFTER_ACKS = 60  # well before the tokens run out, so requests are in flight when it hits
CLIENT_TIMEOUT = 10
ITEMS = [f"{s}_{i}" for s in ("vision", "agency", "learning", "connection") for i in (1, 2, 3)]
SCORES = {"total", "vision", "agency", "learning", "connection"}
FIRST = dict.fromkeys(ITEMS, 4)
SECOND = dict.fromkeys(ITEMS, 2)

# Outcomes of a POST that got no HTTP answer.
REFUSED = "refused"  # nothing listened: the request never reached the app
CUT = "cut"  # sent, then the connection died or timed out: stored or not, nobody knows


@pytest.fixture
def shared_app(make_app, tmp_path):
    """An app whose database a separate gunicorn can open: a SQLite file or the PostgreSQL one."""
    uri = POSTGRES_URL or f"sqlite:///{tmp_path / 'kill.sqlite'}"
    return make_app(SQLALCHEMY_DATABASE_URI=uri), uri


def _invite(app, people: int) -> list[str]:
    """A running pilot with people enrolled by one CSV upload; their pre-wave tokens."""
    client = app.test_client()
    users = Users(app, client)
    users.create("owner@acme.example", Role.OWNER, "acme")
    headers = users.headers("owner@acme.example")
    pilot = make_pilot(client, headers, status="running", planned_n=people)
    rows = "age_band,career_phase,consent\n" + "50-54,post_off,yes\n" * people
    created = client.post(
        f"/api/v1/pilots/{pilot['id']}/enrollments/csv",
        headers=headers,
        data={"file": (io.BytesIO(rows.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    assert created.status_code == 201, created.json
    return [
        i["token"]
        for e in created.json["enrollments"]
        for i in e["invitations"]
        if i["wave"] == "pre"
    ]


def post_answers(port: int, token: str, answers: dict) -> int | str:
    """POST one survey over a fresh connection: the status, or REFUSED / CUT without an answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    try:
        connection.connect()
    except ConnectionRefusedError:
        return REFUSED
    try:
        connection.request(
            "POST",
            f"/api/v1/surveys/{token}",
            body=json.dumps({"answers": answers}),
            headers={"Content-Type": "application/json"},
        )
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return CUT
    finally:
        connection.close()


class Load:
    """CLIENTS threads posting FIRST for each token until told to stop; every outcome recorded."""

    def __init__(self, port: int, tokens: list[str]):
        self.port = port
        self.queue: SimpleQueue[str] = SimpleQueue()
        for token in tokens:
            self.queue.put(token)
        self.outcomes: dict[str, int | str] = {}
        self.lock = threading.Lock()
        self.enough_acks = threading.Event()
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(CLIENTS)]

    def start(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def _client(self) -> None:
        while not self.stopped.is_set():
            try:
                token = self.queue.get_nowait()
            except Empty:
                break
            outcome = post_answers(self.port, token, FIRST)
            with self.lock:
                self.outcomes[token] = outcome
                if self.acknowledged() >= KILL_AFTER_ACKS:
                    self.enough_acks.set()
        self.enough_acks.set()  # out of tokens: never leave the test waiting

    def acknowledged(self) -> int:
        return sum(1 for outcome in self.outcomes.values() if outcome == 201)

    def stop(self) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(CLIENT_TIMEOUT + 5)

    def tokens_with(self, *outcomes) -> set[str]:
        return {token for token, outcome in self.outcomes.items() if outcome in outcomes}


def _resubmit_all(port: int, tokens: list[str]) -> dict[str, int | str]:
    results: dict[str, int | str] = {}
    queue: SimpleQueue[str] = SimpleQueue()
    for token in tokens:
        queue.put(token)

    def client():
        while True:
            try:
                token = queue.get_nowait()
            except Empty:
                return
            results[token] = post_answers(port, token, SECOND)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _stored_by_token(tokens: list[str]) -> dict[str, list[tuple[Response, bool]]]:
    """Every stored response per token, each with whether its packed score copy exists."""
    invitation_ids = dict(db.session.execute(sa.select(Invitation.token_hash, Invitation.id)).all())
    rows = db.session.execute(
        sa.select(Response, ResponseScore.response_id.is_not(None)).outerjoin(
            ResponseScore, ResponseScore.response_id == Response.id
        )
    ).all()
    by_invitation: dict[int, list[tuple[Response, bool]]] = {}
    for response, has_packed in rows:
        by_invitation.setdefault(response.invitation_id, []).append((response, has_packed))
    return {token: by_invitation.get(invitation_ids[hash_token(token)], []) for token in tokens}


def _complete(response: Response, has_packed: bool) -> bool:
    return set(response.answers) == set(ITEMS) and set(response.scores) == SCORES and has_packed


def test_kill_9_under_load_loses_and_duplicates_no_acknowledged_response(shared_app, tmp_path):
    app, uri = shared_app
    tokens = _invite(app, PEOPLE)
    server = Gunicorn(
        tmp_path, {"DATABASE_URL": uri, "CROSSOVER_SECRET_KEY": "kill-test"}, workers=2
    )
    server.start()
    try:
        load = Load(server.port, tokens).start()
        load.enough_acks.wait(120)
        killed = server.kill()
        load.stop()
        assert (
            len(killed) == 3 and server.pid_file.exists()
        )  # master + 2 workers; the pid file stays

        acknowledged, cut = load.tokens_with(201), load.tokens_with(CUT)
        unexpected = {
            token: o for token, o in load.outcomes.items() if o not in (201, CUT, REFUSED)
        }
        assert unexpected == {}
        # Mid-load: requests were cut in flight, and tokens were left untried.
        assert (
            cut and len(acknowledged) >= KILL_AFTER_ACKS and len(acknowledged) + len(cut) < PEOPLE
        )
        with app.app_context():
            at_kill = {t for t, stored in _stored_by_token(tokens).items() if stored}
            db.session.remove()
        assert acknowledged <= at_kill and at_kill <= acknowledged | cut

        server.start()  # same port, same (stale) pid file
        again = _resubmit_all(server.port, tokens)
    finally:
        server.stop()

    untried = set(tokens) - acknowledged - cut  # refused or never sent: the app never saw them
    assert {again[t] for t in at_kill} == {
        409
    }  # every stored one (acknowledged or not) refused again
    assert {t: again[t] for t in untried if again[t] != 201} == {}
    assert {again[t] for t in cut} <= {201, 409}  # a cut request may have been stored
    with app.app_context():
        stored = _stored_by_token(tokens)
        assert {t: len(s) for t, s in stored.items() if len(s) != 1} == {}
        assert [t for t, [(r, packed)] in stored.items() if not _complete(r, packed)] == []
        # The first answers stay wherever the resubmission was refused; nothing was overwritten.
        expected = {t: FIRST if again[t] == 409 else SECOND for t in tokens}
        assert [t for t, [(r, _)] in stored.items() if r.answers != expected[t]] == []
        db.session.remove()
    print(
        f"\nkill -9 ({'postgresql' if POSTGRES_URL else 'sqlite'}): "
        f"{len(acknowledged)} acknowledged, "
        f"{len(at_kill)} stored at the kill, {len(cut)} cut in flight; after restart "
        f"{sum(1 for s in stored.values() if s)} of {PEOPLE} stored, no duplicates, none incomplete"
    )


def test_stale_pid_file_is_removed_even_when_its_pid_was_reused(tmp_path):
    # After kill -9 the master's pid can belong to another process; gunicorn would then refuse
    # to start ("Already running on PID"), so the helper checks what runs under that pid.
    pid_file = tmp_path / "gunicorn.pid"
    pid_file.write_text(f"{os.getpid()}\n")
    remove_stale_pid_file(pid_file)
    assert not pid_file.exists()
