"""Operations: /healthz without the database, /readyz naming what is down (Redis down: pages
still served), /metrics for admins and the metrics token, JSON request and job lines without
tokens or addresses, SQLite backup restored into a fresh instance."""

import json
import logging

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from crossover import worker
from crossover.auth.models import Role
from crossover.extensions import db
from tests.company.flows import setup_round
from tests.conftest import POSTGRES_URL, Users
from tests.factories import enroll, make_pilot
from tests.smtp_sink import free_port


def test_healthz_answers_without_sign_in_or_database(app, client):
    statements = []

    def count(*args):
        statements.append(args)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert statements == []


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok"}}


def test_redis_down_readyz_names_it_and_pages_are_still_served(make_app):
    down = f"redis://127.0.0.1:{free_port()}/0"
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=down, QUEUE_URL=down)
    client = app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["failed"] == ["redis (queue)", "redis (rate-limits)"]
    assert ready.json["checks"]["database"] == "ok"
    # The limiter counts in memory meanwhile (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED).
    wrong = client.post("/api/v1/auth/token", json={"email": "x@example.com", "password": "no"})
    assert wrong.status_code == 401
    assert client.get("/login").status_code == 200


def _metrics(client, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/metrics", headers=headers)


def test_metrics_for_admin_tokens_and_the_metrics_token_only(make_app):
    app = make_app(METRICS_TOKEN="scrape-me-please")
    client = app.test_client()
    users = Users(app, client)
    users.create("admin@example.com", Role.ADMIN)
    users.create("owner@acme.example", Role.OWNER, "acme")
    assert _metrics(client).status_code == 401
    assert _metrics(client, "wrong").status_code == 401
    owner = users.headers("owner@acme.example")["Authorization"].split()[1]
    assert _metrics(client, owner).status_code == 401
    admin = users.headers("admin@example.com")["Authorization"].split()[1]
    assert _metrics(client, admin).status_code == 200
    client.get("/healthz")
    worker.get(app).run_job(worker.EXPIRE)
    scraped = _metrics(client, "scrape-me-please")
    assert scraped.status_code == 200 and scraped.mimetype == "text/plain"
    text = scraped.get_data(as_text=True)
    assert (
        'crossover_http_request_duration_seconds_count{endpoint="ops.healthz",method="GET",'
        'status="200"}'
    ) in text
    assert 'crossover_outbox_messages{status="queued"} 0.0' in text
    assert "crossover_queue_depth 0.0" in text
    assert 'crossover_worker_last_run_timestamp_seconds{job="expire-links"}' in text
    assert 'crossover_worker_last_run_ok{job="expire-links"} 1.0' in text


@pytest.fixture
def request_lines():
    lines: list[dict] = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(record.getMessage()))

    handler = Keep()
    loggers = [logging.getLogger(n) for n in ("crossover.requests", "crossover.jobs")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield lines
    for logger in loggers:
        logger.removeHandler(handler)


def test_one_json_line_per_request_and_job_without_tokens_or_addresses(make_app, request_lines):
    app = make_app(MAIL_BACKEND="dev")
    client = app.test_client()
    users = Users(app, client)
    users.create("owner@acme.example", Role.OWNER, "acme")
    owner = users.headers("owner@acme.example")
    pilot = make_pilot(client, owner, status="running")
    person = enroll(client, owner, pilot["id"], email="hanako@example.com")
    token = person["invitations"][0]["token"]
    request_lines.clear()
    answer = client.get(f"/s/{token}", headers={"X-Request-ID": "edge-42"})
    assert answer.headers["X-Request-ID"] == "edge-42"
    (line,) = request_lines
    assert line["event"] == "request" and line["request_id"] == "edge-42"
    assert line["route"] == "/s/<token>" and line["status"] == answer.status_code
    setup_round(client, owner, rows=2)
    users.login("owner@acme.example")
    request_lines.clear()
    sent = client.post(f"/pilots/{pilot['id']}/send-invitations")
    job = next(line for line in request_lines if line["event"] == "job")
    request = next(line for line in request_lines if line["event"] == "request")
    assert job["job"] == "send" and job["sent"] == 2 and job["pilot_id"] == pilot["id"]
    assert job["request_id"] == request["request_id"] == sent.headers["X-Request-ID"]
    everything = json.dumps(request_lines)
    assert token not in everything and "@example.com" not in everything


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite backups; PostgreSQL uses pg_dump")
def test_backup_restored_into_a_fresh_instance_reads_the_same_report(make_app, tmp_path):
    source = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.sqlite'}")
    client = source.test_client()
    users = Users(source, client)
    users.create("owner@acme.example", Role.OWNER, "acme")
    owner = users.headers("owner@acme.example")
    pilot = make_pilot(client, owner, status="running")
    for _ in range(3):
        enroll(client, owner, pilot["id"])
    report = client.get(f"/api/v1/pilots/{pilot['id']}/report", headers=owner)
    assert report.status_code == 200
    backup = tmp_path / "backup.sqlite"
    made = source.test_cli_runner().invoke(args=["crossover", "backup", str(backup)])
    assert made.exit_code == 0 and "Backed up" in made.output, made.output

    fresh = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    before = fresh.test_client().get(f"/api/v1/pilots/{pilot['id']}", headers=owner)
    assert before.status_code == 401  # the fresh instance knows neither the token nor the pilot
    restored = fresh.test_cli_runner().invoke(args=["crossover", "restore", str(backup), "--yes"])
    assert restored.exit_code == 0 and "Restored" in restored.output, restored.output
    again = fresh.test_client().get(f"/api/v1/pilots/{pilot['id']}/report", headers=owner)
    assert again.status_code == 200 and again.json == report.json
    with fresh.app_context():
        assert db.session.scalar(sa.text("PRAGMA integrity_check")) == "ok"
        db.session.remove()


def test_backup_refuses_what_is_not_a_crossover_sqlite_file(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=POSTGRES_URL or f"sqlite:///{tmp_path / 'live.sqlite'}")
    runner = app.test_cli_runner()
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    refused = runner.invoke(args=["crossover", "restore", str(junk), "--yes"])
    assert refused.exit_code == 1
    assert ("pg_dump" if POSTGRES_URL else "is not a SQLite database") in refused.output
    if POSTGRES_URL:
        made = runner.invoke(args=["crossover", "backup", str(tmp_path / "b.sqlite")])
        assert made.exit_code != 0 and "pg_dump" in made.output


def test_the_schedule_runs_every_interval_in_whole_minutes(make_app, tmp_path):
    from datetime import datetime

    app = make_app(QUEUE_URL=str(tmp_path / "queue.sqlite"), OUTBOX_INTERVAL_SECONDS=600)
    huey = worker.get(app).huey
    due = [
        minute
        for minute in range(0, 30)
        if [t.name for t in huey.read_periodic(datetime(2026, 12, 4, 9, minute))] == ["schedule"]
    ]
    assert due == [0, 10, 20]
    assert (tmp_path / "queue.sqlite").exists()  # the queue is a file: no server needed


def test_the_worker_command_needs_a_real_queue(app):
    result = app.test_cli_runner().invoke(args=["crossover", "worker"])
    assert result.exit_code == 1 and "memory://" in result.output
