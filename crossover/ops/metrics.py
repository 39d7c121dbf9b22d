"""Prometheus metrics through prometheus_client.

Requests are counted by a histogram (endpoint, method, status) kept by each process. Under
gunicorn's several processes, set PROMETHEUS_MULTIPROC_DIR to an empty directory before the
server starts: each process then writes its figures there and a scrape adds them up
(prometheus_client's multiprocess mode); without it a scrape sees only the process that answers
it. Outbox, queue and worker figures are read from the database and the queue at scrape time,
so they are the same whichever process answers.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
import sqlalchemy as sa

from crossover.extensions import db

REQUEST_SECONDS = Histogram(
    "crossover_http_request_duration_seconds",
    "Time to answer a request, by endpoint, method and status.",
    ["endpoint", "method", "status"],
    registry=None,  # registered per scrape: see render()
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(endpoint, method, str(status)).observe(seconds)


class StateCollector:
    """Outbox messages by status, the queue's depth and each job's last run, read at scrape."""

    def __init__(self, worker):
        self.worker = worker

    def collect(self):
        from crossover.outbox.models import JobRun, OutboxMessage

        messages = GaugeMetricFamily(
            "crossover_outbox_messages", "Outbox messages by status.", labels=["status"]
        )
        counts = dict(
            db.session.execute(
                sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
            ).all()
        )
        for status in ("queued", "sending", "sent", "failed", "cancelled", "not-configured"):
            messages.add_metric([status], counts.get(status, 0))
        yield messages
        depth = self.worker.pending()
        queue = GaugeMetricFamily(
            "crossover_queue_depth", "Jobs waiting in the worker's queue (-1: unreadable)."
        )
        queue.add_metric([], -1 if depth is None else depth)
        yield queue
        runs = db.session.scalars(sa.select(JobRun)).all()
        last = GaugeMetricFamily(
            "crossover_worker_last_run_timestamp_seconds",
            "When each background job last finished (Unix time).",
            labels=["job"],
        )
        ok = GaugeMetricFamily(
            "crossover_worker_last_run_ok", "1 if the job's last run succeeded.", labels=["job"]
        )
        for run in runs:
            last.add_metric([run.name], (run.finished_at or run.started_at).timestamp())
            ok.add_metric([run.name], 1 if run.ok else 0)
        yield last
        yield ok
        db.session.commit()


def render(worker) -> tuple[bytes, str]:
    """The Prometheus text exposition of this service."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(StateCollector(worker))
    return generate_latest(registry), CONTENT_TYPE_LATEST
