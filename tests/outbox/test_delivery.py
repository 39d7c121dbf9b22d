"""The worker's delivery: batches over one SMTP connection, temporary failures (refused,
timeout, 4xx) retried with backoff, permanent ones (5xx, bad address) recorded and never retried,
two workers at once, mail off, the development mail box, account mail whose link expired."""

from collections import Counter
from datetime import timedelta
import socket
import threading

import pytest
import sqlalchemy as sa

from crossover import worker
from crossover.auth.models import AccountLink, Role
from crossover.company.models import RosterMember
from crossover.db import utcnow
from crossover.extensions import db
from crossover.outbox import mailer
from crossover.outbox import services as outbox
from crossover.outbox.models import MailboxMessage, OutboxMessage
from crossover.surveys import tokens
from tests.company.flows import ANSWERS, make_round, make_survey, roster_csv, upload
from tests.conftest import POSTGRES_URL, Users
from tests.smtp_sink import Sink, free_port

JA = {"Accept-Language": "ja"}


@pytest.fixture
def sink():
    with Sink() as running:
        yield running


def _round(app, rows: int):
    """An owner, and a round open today whose roster has `rows` people with an address."""
    client = app.test_client()
    users = Users(app, client)
    users.create("owner@acme.example", Role.OWNER, "acme")
    users.owner = users.headers("owner@acme.example")
    survey = make_survey(client, users.owner)
    round_ = make_round(client, users.owner, survey["id"])
    assert upload(client, users.owner, round_["id"], roster_csv(rows)).status_code == 201
    return client, users, round_


def _queue_and_deliver(app, **options):
    with app.app_context():
        outbox.enqueue_due()
        counts = outbox.deliver(**options)
        db.session.remove()
    return counts


def _deliver(app, **options):
    with app.app_context():
        counts = outbox.deliver(**options)
        db.session.remove()
    return counts


def _rows(app) -> dict[str, OutboxMessage]:
    with app.app_context():
        rows = {r.recipient: r for r in db.session.scalars(sa.select(OutboxMessage))}
        db.session.expunge_all()
        db.session.remove()
    return rows


def test_batches_share_one_connection_and_each_message_goes_once(make_app, sink):
    app = make_app(SMTP_PORT=sink.port, OUTBOX_BATCH_SIZE=5)
    _round(app, 12)
    counts = _queue_and_deliver(app)
    assert counts == {"sent": 12, "batches": 3, "connections": 1}
    assert len(sink.sessions) == 1  # three batches, one SMTP connection
    assert set(sink.received.values()) == {1} and len(sink.received) == 12
    assert _queue_and_deliver(app) == {}  # nothing queued twice, nothing sent twice
    assert sink.total == 12
    assert {r.status for r in _rows(app).values()} == {"sent"}


def test_refused_connection_is_retried_with_backoff_and_shown_in_japanese(make_app, sink):
    app = make_app(SMTP_PORT=free_port())  # nothing listens there
    client, users, round_ = _round(app, 3)
    started = utcnow()
    assert _queue_and_deliver(app) == {"retry": 3, "batches": 1}
    rows = _rows(app)
    assert {(r.status, r.failure, r.attempts) for r in rows.values()} == {("queued", "refused", 1)}
    assert all(r.next_attempt_at >= started + timedelta(seconds=59) for r in rows.values())
    assert _deliver(app) == {}  # still waiting: not tried again before its time
    users.login("owner@acme.example")
    page = client.get(f"/company/rounds/{round_['id']}", headers=JA).get_data(as_text=True)
    assert "3 件: SMTP サーバーに接続できませんでした" in page
    assert "送信待ちのうち 3 件は再送を待っています" in page
    app.config["SMTP_PORT"] = sink.port
    assert _deliver(app, ignore_backoff=True)["sent"] == 3
    assert {(r.status, r.attempts, r.error) for r in _rows(app).values()} == {("sent", 2, None)}


def test_a_server_that_never_answers_times_out_and_is_retried(make_app):
    with socket.socket() as silent:  # accepts connections (the backlog), never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        app = make_app(SMTP_PORT=silent.getsockname()[1], SMTP_TIMEOUT_SECONDS=0.2)
        _round(app, 2)
        assert _queue_and_deliver(app) == {"retry": 2, "batches": 1}
    assert {(r.status, r.failure) for r in _rows(app).values()} == {("queued", "timeout")}


def test_a_4xx_answer_is_retried_and_the_rest_of_the_batch_goes_on(make_app, sink):
    app = make_app(SMTP_PORT=sink.port)
    _round(app, 3)
    sink.replies["emp1@example.com"] = "451 4.3.0 Mailbox busy for emp1@example.com, try later"
    assert _queue_and_deliver(app) == {"sent": 2, "retry": 1, "batches": 1, "connections": 1}
    waiting = _rows(app)["emp1@example.com"]
    assert (waiting.status, waiting.failure) == ("queued", "temporary")
    assert "451" in waiting.error and "emp1@example.com" not in waiting.error  # no address kept
    sink.replies.clear()
    assert _deliver(app, ignore_backoff=True)["sent"] == 1
    assert sink.received["emp1@example.com"] == 1 and sink.total == 3


def test_temporary_failures_give_up_after_the_last_attempt(make_app, sink):
    app = make_app(SMTP_PORT=sink.port, OUTBOX_MAX_ATTEMPTS=2)
    _round(app, 1)
    sink.replies["emp0@example.com"] = "421 4.7.0 Too busy"
    assert _queue_and_deliver(app)["retry"] == 1
    assert _deliver(app, ignore_backoff=True)["failed"] == 1
    row = _rows(app)["emp0@example.com"]
    assert (row.status, row.failure, row.attempts) == ("failed", "gave-up", 2)
    assert _deliver(app, ignore_backoff=True) == {}


def test_a_5xx_answer_is_recorded_and_never_retried(make_app, sink):
    app = make_app(SMTP_PORT=sink.port)
    client, users, round_ = _round(app, 3)
    sink.replies["emp2@example.com"] = "550 5.1.1 <emp2@example.com>: no such user"
    assert _queue_and_deliver(app) == {"sent": 2, "failed": 1, "batches": 1, "connections": 1}
    refused = _rows(app)["emp2@example.com"]
    assert (refused.status, refused.failure) == ("failed", "rejected")
    assert refused.error == "550 5.1.1 <<address>>: no such user"
    sink.replies.clear()
    assert _deliver(app, ignore_backoff=True) == {}
    assert "emp2@example.com" not in sink.received
    users.login("owner@acme.example")
    page = client.get(f"/company/rounds/{round_['id']}", headers=JA).get_data(as_text=True)
    assert "送信済み 2 件、送信できなかったもの 1 件" in page
    assert "1 件: SMTP サーバーがこのメールを拒否しました（5xx）。再送しません" in page


def test_a_bad_address_fails_for_good_without_a_connection(make_app, sink):
    app = make_app(SMTP_PORT=sink.port)
    for bad in ("nobody-at-example.com", "a b@example.com", "x@", "@example.com"):
        with app.app_context(), pytest.raises(mailer.PermanentFailure) as raised:
            mailer.build_message(bad, "s", "b")
        assert raised.value.kind == "bad-address"
    _round(app, 2)
    with app.app_context():
        outbox.enqueue_due()
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.recipient == "emp0@example.com")
            .values(recipient="emp0@")
        )
        db.session.commit()
        db.session.remove()
    assert _deliver(app) == {"sent": 1, "failed": 1, "batches": 1, "connections": 1}
    assert _rows(app)["emp0@"].failure == "bad-address"


def test_two_workers_at_once_send_each_message_once(make_app, sink, tmp_path):
    uri = POSTGRES_URL or f"sqlite:///{tmp_path / 'two.sqlite'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=uri, SMTP_PORT=sink.port, OUTBOX_BATCH_SIZE=3)
    _round(app, 60)
    with app.app_context():
        outbox.enqueue_due()
        db.session.remove()
    start = threading.Barrier(2)
    results, errors = [], []

    def work() -> None:
        try:
            start.wait()
            results.append(_deliver(app))
        except Exception as error:  # surfaced below, with the thread's own traceback lost
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r["sent"] for r in results) == 60
    assert len(sink.received) == 60 and set(sink.received.values()) == {1}


def test_mail_off_is_said_plainly_and_nothing_is_queued(make_app):
    app = make_app(SMTP_HOST="")
    client, users, round_ = _round(app, 2)
    api = client.post(f"/api/v1/rounds/{round_['id']}/send-invitations", headers=users.owner)
    assert api.status_code == 409 and "SMTP is not configured" in api.json["message"]
    users.login("owner@acme.example")
    page = client.post(
        f"/company/rounds/{round_['id']}/send-invitations", headers=JA, follow_redirects=True
    ).get_data(as_text=True)
    assert "SMTP が未設定です" in page and "送信待ちに入れました" not in page
    with app.app_context():
        assert outbox.enqueue_due() == {} and outbox.deliver() == {}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
        db.session.remove()


def test_the_dev_mail_box_keeps_messages_and_an_admin_follows_their_links(make_app):
    app = make_app(MAIL_BACKEND="dev", PUBLIC_BASE_URL="https://crossover.example")
    client, users, round_ = _round(app, 2)
    users.login("owner@acme.example")
    page = client.post(
        f"/company/rounds/{round_['id']}/send-invitations", headers=JA, follow_redirects=True
    ).get_data(as_text=True)
    assert "招待 2 件とリマインダー 0 件を送信待ちに入れました" in page
    assert "開発用メールボックス" in page
    assert client.get("/admin/mail").status_code in (302, 403)  # owners do not read it
    users.create("admin@example.com", Role.ADMIN)
    admin = app.test_client()
    Users(app, admin).login("admin@example.com")
    box = admin.get("/admin/mail", headers=JA).get_data(as_text=True)
    assert "2 件のメールを保管しています" in box and "宛先 emp0@example.com" in box
    with app.app_context():
        kept = db.session.scalars(sa.select(MailboxMessage).order_by(MailboxMessage.id)).all()
        db.session.remove()
    link = next(line for line in kept[0].body.splitlines() if "/s/" in line).split()[-1]
    assert f'<a href="{link}">' in box
    assert app.test_client().get(link.removeprefix("https://crossover.example")).status_code == 200


def test_account_mail_whose_link_expired_is_not_sent(make_app):
    app = make_app(ACCOUNT_MAIL=True, SMTP_PORT=free_port())  # down: the mail waits
    client = app.test_client()
    users = Users(app, client)
    users.create("admin@example.com", Role.ADMIN)
    created = client.post(
        "/api/v1/users",
        headers=users.headers("admin@example.com"),
        json={"email": "new@acme.example", "role": "reviewer"},
    )
    assert created.status_code == 201 and created.json["mail"] == "queued"
    with app.app_context():
        db.session.execute(sa.update(AccountLink).values(expires_at=utcnow()))
        db.session.commit()
        db.session.remove()
    assert worker.get(app).run_job(worker.EXPIRE)["cancelled_mail"] == 1
    row = next(iter(_rows(app).values()))
    assert (row.status, row.failure) == ("failed", "link-expired")
    assert "/account/setup/" not in row.body


def test_mail_queued_before_an_answer_or_an_erasure_is_not_sent(make_app, sink):
    app = make_app(SMTP_PORT=sink.port)
    client, users, round_ = _round(app, 3)
    with app.app_context():
        outbox.enqueue_due()
        db.session.remove()
    rows = client.get(f"/api/v1/rounds/{round_['id']}/invitations", headers=users.owner).json
    erase = f"/api/v1/rounds/{round_['id']}/roster/{rows[0]['id']}/contact"
    assert client.delete(erase, headers=users.owner).status_code == 204
    with app.app_context():  # emp1 answers (a link handed over) before the worker gets to it
        member = db.session.get(RosterMember, rows[1]["id"])
        token = tokens.token_for(member.nonce)
        db.session.remove()
    assert client.post(f"/api/v1/surveys/{token}", json={"answers": ANSWERS}).status_code == 201
    assert _deliver(app) == {"sent": 1, "batches": 1, "connections": 1}
    assert list(sink.received) == ["emp2@example.com"]
    statuses = {r.roster_member_id: r.status for r in _rows(app).values()}
    assert statuses == {
        rows[0]["id"]: "cancelled",
        rows[1]["id"]: "cancelled",
        rows[2]["id"]: "sent",
    }


def test_the_count_of_due_mail_agrees_with_what_is_queued(make_app, sink):
    app = make_app(SMTP_PORT=sink.port)
    client, users, _ = _round(app, 4)
    soon = make_round(client, users.owner, make_survey(client, users.owner, "B")["id"], closes=2)
    assert upload(client, users.owner, soon["id"], roster_csv(3, start=10)).status_code == 201
    with app.app_context():
        assert outbox.count_due() == {"invitation": 7}
        assert outbox.count_due(round_id=soon["id"]) == {"invitation": 3}
        db.session.remove()
    _queue_and_deliver(app)
    with app.app_context():  # a week later, the invitations long sent: reminders near the close
        for row in db.session.scalars(sa.select(OutboxMessage)):
            row.sent_at -= timedelta(days=7)
        db.session.commit()
        due = outbox.due_messages()
        assert outbox.count_due() == Counter(i.kind for i in due) == {"reminder": 3}
        assert outbox.enqueue_due() == {"reminder": 3} and outbox.count_due() == {}
        db.session.remove()


def test_a_connection_the_server_closes_is_opened_again_for_the_rest(make_app, sink):
    app = make_app(SMTP_PORT=sink.port)
    _round(app, 3)
    sink.replies["emp1@example.com"] = "421 4.7.0 Closing the connection"
    assert _queue_and_deliver(app) == {"sent": 2, "retry": 1, "batches": 1, "connections": 2}
    assert sorted(sink.received) == ["emp0@example.com", "emp2@example.com"]
    assert _rows(app)["emp1@example.com"].failure == "temporary"
