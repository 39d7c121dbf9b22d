"""Benchmark: a company survey round's invitations sent by the worker's job to a loopback SMTP
sink, against one plain smtplib connection sending the same messages.

    python bench/mail_bench.py [--database-url URL] [--messages 3000] [--large 100000]
                               [--large-count-only]

Builds a fresh database (drops every table at URL: use a scratch database) with a round open
today and a roster of N employees with addresses, then times the scheduled job (`outbox`: find
what is due, render and queue it in chunks, claim batches, send each over one connection,
record each batch) against a bare loop that sends the same N rendered messages over one
smtplib connection to the same sink (aiosmtpd on 127.0.0.1). DESIGN.md asks for at most 4×.
Then what 「送信」 does in the request on a round of --large employees (count what is due),
and the same job for them (0 skips both), with the process's resident memory before and at its
peak (sampled every 20 ms), to show it stays bounded.
"""

import argparse
from email.header import Header
from email.mime.text import MIMEText
from pathlib import Path
import smtplib
import sys
import tempfile
import threading
import time

# This checkout first (its tests' SMTP sink, its crossover), then the sibling scripts.
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from enrol_csv_bench import engine_name, owner_app
from roster_bench import roster_csv
import sqlalchemy as sa

from crossover import worker
from crossover.company import rosters
from crossover.company.models import SurveyRound
from crossover.extensions import db
from crossover.outbox import services as outbox
from crossover.outbox.models import OutboxMessage
from tests.smtp_sink import Sink


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakMemory:
    """The process's resident memory sampled in a thread while the block runs."""

    def __enter__(self) -> "PeakMemory":
        self.before = self.peak = rss_mib()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, rss_mib())

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join()
        self.peak = max(self.peak, rss_mib())


def new_round(app, client, headers, label: str, rows: int) -> int:
    survey = client.post("/api/v1/company-surveys", headers=headers, json={"title": label}).json
    round_id = client.post(
        f"/api/v1/company-surveys/{survey['id']}/rounds",
        headers=headers,
        json={"label": label, "opens_on": "2026-01-01", "closes_on": "2099-12-31"},
    ).json["id"]
    with app.app_context():
        result = rosters.import_roster(
            db.session.get(SurveyRound, round_id), roster_csv(rows), actor=None
        )
        assert result.added == rows
        db.session.remove()
    return round_id


def run_job(app) -> tuple[float, dict]:
    start = time.perf_counter()
    summary = worker.get(app).run_job(worker.OUTBOX)
    return time.perf_counter() - start, summary


def plain_smtp(app, sink: Sink) -> float:
    """The same messages over one smtplib connection, nothing else: each built (MIMEText, as the
    worker builds it) and sent in the loop, the texts read from the outbox beforehand."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body)
        ).all()
        mail_from = app.config["MAIL_FROM"]
        db.session.remove()
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=30) as smtp:
        for recipient, subject, body in rows:
            message = MIMEText(body, "plain", "utf-8")
            message["From"], message["To"] = mail_from, recipient
            message["Subject"] = Header(subject, "utf-8")
            smtp.send_message(message)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--messages", type=int, default=3_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--large-count-only", action="store_true", help="skip the large job")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Sink() as sink:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        config = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": sink.port, "QUEUE_URL": "memory://"}
        app, client, headers, _ = owner_app(url, **config)
        print(f"{engine_name(app)}, batches of {app.config['OUTBOX_BATCH_SIZE']}")

        new_round(app, client, headers, "small", args.messages)
        job_seconds, summary = run_job(app)
        assert summary["sent"] == args.messages and sink.total == args.messages, summary
        plain_seconds = plain_smtp(app, sink)
        assert sink.total == 2 * args.messages
        print(
            f"{args.messages:,} invitations: worker job {job_seconds:.2f} s "
            f"({args.messages / job_seconds:,.0f}/s, {summary['batches']} batches, "
            f"{len(sink.sessions)} connection(s) incl. the plain one); "
            f"one plain smtplib connection {plain_seconds:.2f} s "
            f"({args.messages / plain_seconds:,.0f}/s); ratio {job_seconds / plain_seconds:.2f}×"
        )

        if args.large:
            large = new_round(app, client, headers, "large", args.large)
            with app.app_context():  # what 「送信」 does in the request: count, then enqueue
                start = time.perf_counter()
                due = outbox.request_send(round_id=large)
                counted = time.perf_counter() - start
                db.session.remove()
            assert due["invitation"] == args.large
            print(f"「送信」 on a {args.large:,}-employee round: counted in {counted:.2f} s")
            if args.large_count_only:
                return
            with PeakMemory() as memory:
                job_seconds, summary = run_job(app)
            assert summary["sent"] == args.large, summary
            print(
                f"{args.large:,} invitations: worker job {job_seconds:.1f} s "
                f"({args.large / job_seconds:,.0f}/s); resident memory {memory.before:.0f} MiB "
                f"before, {memory.peak:.0f} MiB at the peak (+{memory.peak - memory.before:.0f})"
            )


if __name__ == "__main__":
    main()
