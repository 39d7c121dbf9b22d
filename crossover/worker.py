"""The background worker: a huey queue, its jobs and their schedule.

The queue is a SQLite file in instance/ by default (one machine, no server beside the app), or
Redis when CROSSOVER_QUEUE_URL=redis://… (workers on several machines); `memory://` runs each job
at once in the caller (tests). What the jobs work on lives in the database, not in the queue: a
lost queue entry costs a run until the schedule's next one, a duplicated one costs nothing (the
outbox's claims decide who sends what).

`flask --app wsgi crossover worker` runs a consumer in the foreground: it runs the schedule once
at start, then every CROSSOVER_OUTBOX_INTERVAL_SECONDS (whole minutes: huey looks at its schedule
once a minute), and whatever pages and the API enqueue meanwhile.
"""

from collections.abc import Callable
import logging
import os
import time

from flask import Flask, current_app
import sqlalchemy as sa

from crossover.db import utcnow
from crossover.extensions import db
from crossover.ops import logs

log = logging.getLogger("crossover.jobs")

OUTBOX = "outbox"  # the scheduled run: queue what is due, send what is queued
DELIVER = "deliver"  # send what is queued (account mail, at once)
SEND = "send"  # one pilot's or round's due mail (the owner's 「送信」)
EXPIRE = "expire-links"  # account mail whose link ended is not sent; dead sessions go
PUBLISH = "publish-rounds"  # closed company rounds get their one publication made


def _outbox_run(**scope: int | None) -> dict:
    """Queue what is due (of one scope when given: a mail source's key, e.g. pilot_id=…) and
    send what is queued."""
    from crossover.outbox import services as outbox

    queued = outbox.enqueue_due(**scope)
    sent = outbox.deliver()
    return {
        "invitations": queued["invitation"],
        "reminders": queued["reminder"],
        **{k: sent[k] for k in ("sent", "retry", "failed", "batches")},
    }


def _deliver_run() -> dict:
    from crossover.outbox import services as outbox

    sent = outbox.deliver()
    return {k: sent[k] for k in ("sent", "retry", "failed", "batches")}


def _expire_run() -> dict:
    from crossover.auth.models import AccountLink, UserSession
    from crossover.outbox import mailer
    from crossover.outbox.models import FAILED, QUEUED, OutboxMessage

    now = utcnow()
    dead_links = sa.select(AccountLink.id).where(
        sa.or_(AccountLink.expires_at <= now, AccountLink.used_at.is_not(None))
    )
    cancelled = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == QUEUED, OutboxMessage.account_link_id.in_(dead_links))
        .values(status=FAILED, failure=mailer.LINK_EXPIRED, body="<link expired>")
        .execution_options(synchronize_session=False)
    ).rowcount
    sessions = db.session.execute(
        sa.delete(UserSession).where(UserSession.expires_at <= now)
    ).rowcount
    db.session.commit()
    return {"cancelled_mail": cancelled, "sessions_removed": sessions}


def _publish_run() -> dict:
    """Make the publication of every closed round that has none yet, so that the first owner
    to read a round after its close does not wait for it (the figures are the same either way:
    a closed round's data no longer change)."""
    from crossover.company import publication, round_state
    from crossover.company.models import SurveyRound
    from crossover.config import local_today

    today = local_today()
    waiting = db.session.scalars(
        sa.select(SurveyRound.id).where(
            SurveyRound.publication.is_(None), round_state.closed_filter(today)
        )
    ).all()
    for round_id in waiting:
        publication.published(db.session.get(SurveyRound, round_id))
    return {"published": len(waiting)}


JOBS: dict[str, Callable[..., dict]] = {
    OUTBOX: _outbox_run,
    DELIVER: _deliver_run,
    SEND: _outbox_run,
    EXPIRE: _expire_run,
    PUBLISH: _publish_run,
}


class Worker:
    """The app's queue (made on first use) and its jobs as huey tasks."""

    def __init__(self, app: Flask):
        self.app = app
        self._huey = None
        self.tasks: dict[str, Callable] = {}

    @property
    def huey(self):
        if self._huey is None:
            self._huey = self._make_huey()
        return self._huey

    def _make_huey(self):
        from huey import MemoryHuey, RedisHuey, SqliteHuey

        url = str(self.app.config["QUEUE_URL"] or "")
        if url.startswith(("redis://", "rediss://", "unix://")):
            huey = RedisHuey("crossover", url=url, results=False)
        elif url == "memory://":
            huey = MemoryHuey("crossover", immediate=True, results=False)
        else:
            path = url.removeprefix("sqlite:///") or os.path.join(
                self.app.instance_path, "queue.sqlite"
            )
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            huey = SqliteHuey("crossover", filename=path, results=False)
        for name in JOBS:
            self.tasks[name] = huey.task(name=name)(self._job_runner(name))
        minutes = max(1, round(float(self.app.config["OUTBOX_INTERVAL_SECONDS"]) / 60))

        @huey.periodic_task(lambda dt: (dt.hour * 60 + dt.minute) % minutes == 0, name="schedule")
        def scheduled() -> None:
            self.run_schedule()

        return huey

    def _job_runner(self, name: str) -> Callable:
        def run(request_id: str | None = None, **kwargs):
            return self.run_job(name, request_id=request_id, **kwargs)

        return run

    def run_schedule(self) -> None:
        """The scheduled jobs, one after the other. Not locked across workers: a lock left by a
        killed worker (SQLite storage has no expiry) would stop every later run, while two
        runs at once only cost work (the outbox's claims keep each message single)."""
        self.run_job(OUTBOX)
        self.run_job(EXPIRE)
        self.run_job(PUBLISH)

    def run_job(self, name: str, request_id: str | None = None, **kwargs) -> dict:
        """Run one job in an app context; its run is recorded and logged as one JSON line."""
        # Its own app context (and session), also when run in place inside a request.
        with self.app.app_context():
            started, clock = utcnow(), time.monotonic()
            summary, ok = {}, False
            try:
                summary = JOBS[name](**kwargs)
                ok = True
                return summary
            finally:
                if not ok:
                    db.session.rollback()
                _record_run(name, started, ok, summary)
                fields = {"job": name, "ok": ok, "request_id": request_id or logs.new_id()}
                fields.update(kwargs)
                fields["duration_ms"] = round((time.monotonic() - clock) * 1000, 1)
                log.info(logs.line("job", **fields, **summary))
                db.session.remove()

    def nudge(self, name: str, **kwargs) -> bool:
        """Enqueue a job now; if the queue cannot be reached the schedule runs it later."""
        try:
            self.tasks_ready()[name](request_id=logs.request_id(), **kwargs)
            return True
        except Exception as error:  # Redis down, queue file unwritable: the schedule catches up
            log.warning(logs.line("enqueue-failed", job=name, error=type(error).__name__))
            return False

    def tasks_ready(self) -> dict[str, Callable]:
        self.huey  # noqa: B018  (made on first use, with the tasks)
        return self.tasks

    def pending(self) -> int | None:
        """Jobs waiting in the queue (None when it cannot be read)."""
        try:
            return int(self.huey.pending_count())
        except Exception:
            return None


def _record_run(name: str, started, ok: bool, summary: dict) -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    from crossover.outbox.models import JobRun

    values = {
        "name": name,
        "started_at": started,
        "finished_at": utcnow(),
        "ok": ok,
        "summary": summary,
    }
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(JobRun).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["name"], set_={k: v for k, v in values.items() if k != "name"}
    )
    try:
        db.session.execute(statement)
        db.session.commit()
    except sa.exc.SQLAlchemyError:  # the run's record must not hide the run's own outcome
        db.session.rollback()
        log.exception("Recording the run of %s failed", name)


def init_app(app: Flask) -> None:
    app.extensions["worker"] = Worker(app)


def get(app: Flask | None = None) -> Worker:
    return (app or current_app).extensions["worker"]


def run(app: Flask, *, threads: int, schedule: bool) -> None:
    """Run a consumer in the foreground until SIGINT (graceful) or SIGTERM."""
    worker = get(app)
    huey = worker.huey
    if huey.immediate:
        raise RuntimeError("CROSSOVER_QUEUE_URL=memory:// runs jobs in place: there is no worker.")
    logs.configure_worker_logging()
    if schedule:
        worker.tasks[OUTBOX]()  # at once, not only at the schedule's next minute
        worker.tasks[EXPIRE]()
    consumer = huey.create_consumer(
        workers=threads, worker_type="thread", periodic=schedule, check_worker_health=True
    )
    consumer.run()
