"""kill -9 of `flask --app wsgi crossover worker` mid-batch, then a restart: every due message
reaches the SMTP sink, and only messages of the batch in flight arrive twice.

A round open today has PEOPLE employees with an address. A worker, started alone (no command
run, no button pressed), queues and sends them in batches of BATCH over one connection; the
sink holds the message after HOLD_AFTER (its DATA arrived, no answer yet) and the worker is
killed by pid while it waits. A second worker, whose lease is short, takes the dead worker's
batch over and sends the rest. Also the schedule's first run at start: no message is sent before
the worker runs, none is left after.
"""

import os
from pathlib import Path
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from crossover.auth.models import Role
from crossover.extensions import db
from crossover.outbox.models import OutboxMessage
from tests.company.flows import make_round, make_survey, roster_csv, upload
from tests.conftest import POSTGRES_URL, Users
from tests.smtp_sink import Sink

ROOT = Path(__file__).resolve().parent.parent.parent
PEOPLE = 120
BATCH = 10
HOLD_AFTER = 35  # mid-way through the fourth batch
WAIT_SECONDS = 90  # a safety net against a stuck worker on a busy machine, not a speed bound


def _start_worker(uri: str, sink: Sink, queue: Path, lease: int, log: Path) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=uri,
        CROSSOVER_SECRET_KEY="kill-test",
        CROSSOVER_SMTP_HOST="127.0.0.1",
        CROSSOVER_SMTP_PORT=str(sink.port),
        CROSSOVER_QUEUE_URL=str(queue),
        CROSSOVER_OUTBOX_BATCH_SIZE=str(BATCH),
        CROSSOVER_OUTBOX_LEASE_SECONDS=str(lease),
        CROSSOVER_PUBLIC_BASE_URL="https://crossover.example",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    )
    with log.open("ab") as stderr:  # the worker keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "crossover", "worker"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def _wait_for(condition, process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise AssertionError(f"the worker exited ({process.returncode}) before {what}:\n{tail}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"no {what} within {WAIT_SECONDS} s")
        time.sleep(0.02)


def _unsent(app) -> int:
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status != "sent")
        )
        db.session.remove()
    return count


@pytest.mark.skipif(sys.platform != "linux", reason="kill -9 by pid")
def test_killed_worker_loses_nothing_and_repeats_at_most_its_batch(make_app, tmp_path):
    uri = POSTGRES_URL or f"sqlite:///{tmp_path / 'worker.sqlite'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=uri)
    client = app.test_client()
    users = Users(app, client)
    users.create("owner@acme.example", Role.OWNER, "acme")
    owner = users.headers("owner@acme.example")
    round_ = make_round(client, owner, make_survey(client, owner)["id"])
    assert upload(client, owner, round_["id"], roster_csv(PEOPLE)).status_code == 201
    queue, log = tmp_path / "queue.sqlite", tmp_path / "worker.log"

    with Sink() as sink:
        sink.hold_after = HOLD_AFTER
        first = _start_worker(uri, sink, queue, lease=600, log=log)
        try:
            _wait_for(sink.holding.is_set, first, "held message", log)
            os.kill(first.pid, signal.SIGKILL)
            first.wait(WAIT_SECONDS)
        finally:
            if first.poll() is None:
                first.kill()
        sink.release.set()
        assert sink.total == HOLD_AFTER + 1  # the held one counts: its DATA had arrived
        # Outcomes are recorded a batch at a time: the batch in flight is recorded as not sent.
        assert _unsent(app) == PEOPLE - HOLD_AFTER // BATCH * BATCH

        second = _start_worker(
            uri, sink, queue, lease=1, log=log
        )  # the dead worker's claim has lapsed
        try:
            everything = lambda: len(sink.received) == PEOPLE and _unsent(app) == 0  # noqa: E731
            _wait_for(everything, second, "complete delivery", log)
        finally:
            second.send_signal(signal.SIGINT)  # graceful: finishes the task in hand
            try:
                second.wait(WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                second.kill()

    assert set(sink.received) == {f"emp{i}@example.com" for i in range(PEOPLE)}
    twice = [r for r, n in sink.received.items() if n > 1]
    assert all(n <= 2 for n in sink.received.values())
    # Only the batch in flight went out again: at most BATCH, at least the held message.
    assert 1 <= len(twice) <= BATCH
    assert _unsent(app) == 0
