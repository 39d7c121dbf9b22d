"""`crossover send-invitations` against a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy
import socket

from aiosmtpd.controller import Controller
import pytest
import sqlalchemy as sa

from crossover.extensions import db
from crossover.outbox import services as outbox
from crossover.outbox.models import OutboxMessage
from tests.factories import TODAY, enroll, make_pilot

ANSWERS = {f"{s}_{i}": 3 for s in ("vision", "agency", "learning", "connection") for i in (1, 2, 3)}


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture
def mail_app(make_app, smtp):
    port, inbox = smtp
    app = make_app(SMTP_PORT=port, PUBLIC_BASE_URL="https://crossover.example")
    app.inbox = inbox
    return app


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=["crossover", "send-invitations", *args])
    return result


def _setup(app, users_factory):
    client = app.test_client()
    users = users_factory(app, client)
    pilot = make_pilot(client, users.owner, status="running")
    with_mail = enroll(client, users.owner, pilot["id"], email="hanako@example.com")
    enroll(client, users.owner, pilot["id"])  # no e-mail: nothing to send
    return client, users, pilot, with_mail


@pytest.fixture
def users_factory():
    from crossover.auth.models import Role
    from tests.conftest import Users

    def build(app, client):
        users = Users(app, client)
        users.create("owner@acme.example", Role.OWNER, "acme")
        users.owner = users.headers("owner@acme.example")
        return users

    return build


def test_sends_open_waves_once_in_japanese(mail_app, users_factory):
    client, users, pilot, person = _setup(mail_app, users_factory)
    result = _run(mail_app)
    assert result.exit_code == 0, result.output
    assert "2 sent" in result.output  # intake and pre are open; post and follow-ups are not
    messages = mail_app.inbox.messages
    assert len(messages) == 2 and {m["To"] for m in messages} == {"hanako@example.com"}
    body = messages[0].get_content()
    assert "ご参加いただき" in body
    tokens = {i["wave"]: i["token"] for i in person["invitations"]}
    assert f"https://crossover.example/s/{tokens['intake']}" in body
    assert "アンケートのお願い" in messages[0]["Subject"]
    again = _run(mail_app)
    assert "Nothing due." in again.output and len(mail_app.inbox.messages) == 2
    listed = client.get(f"/api/v1/pilots/{pilot['id']}/enrollments", headers=users.owner).json
    assert listed[0]["invitations"][1]["sent_at"] and listed[0]["invitations"][2]["sent_at"] is None


def test_dry_run_lists_and_sends_nothing(mail_app, users_factory):
    _setup(mail_app, users_factory)
    result = _run(mail_app, "--dry-run")
    assert "dry-run  invitation" in result.output and "2 dry-run" in result.output
    assert mail_app.inbox.messages == []
    with mail_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_answered_invitations_are_not_sent(mail_app, users_factory):
    client, _, _, person = _setup(mail_app, users_factory)
    pre = next(i for i in person["invitations"] if i["wave"] == "pre")
    assert (
        client.post(f"/api/v1/surveys/{pre['token']}", json={"answers": ANSWERS}).status_code == 201
    )
    _run(mail_app)
    assert len(mail_app.inbox.messages) == 1  # intake only


def test_one_reminder_before_close_to_those_who_have_not_answered(mail_app, users_factory):
    client, users, pilot, _person = _setup(mail_app, users_factory)
    _run(mail_app)
    with mail_app.app_context():  # pretend the invitations went out a week ago
        for row in db.session.scalars(sa.select(OutboxMessage)):
            row.sent_at -= timedelta(days=7)
        db.session.commit()
    soon = (TODAY + timedelta(days=2)).isoformat()
    client.patch(
        f"/api/v1/pilots/{pilot['id']}",
        headers=users.owner,
        json={"schedule": [{"wave": "pre", "opens_on": None, "closes_on": soon}]},
    )
    with mail_app.app_context():  # what 「送信」 counts agrees with what would be queued
        due = outbox.due_messages()
        assert outbox.count_due() == Counter(i.kind for i in due) == {"reminder": 1}
        db.session.remove()
    result = _run(mail_app)
    assert "reminder" in result.output and "1 sent" in result.output
    reminder = mail_app.inbox.messages[-1]
    assert "リマインダー" in reminder["Subject"] and soon in reminder.get_content()
    _run(mail_app)
    assert len(mail_app.inbox.messages) == 3  # no second reminder


def test_smtp_failure_is_recorded_and_retried(make_app, users_factory, smtp):
    app = make_app(SMTP_PORT=_free_port())  # nothing listens there
    _setup(app, users_factory)
    result = _run(app)
    assert result.exit_code == 1 and "2 retry" in result.output  # temporary: tried again
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        assert {(r.status, r.failure) for r in rows} == {("queued", "refused")}
        assert all(r.error and r.next_attempt_at for r in rows)
        db.session.remove()
    port, inbox = smtp
    app.config["SMTP_PORT"] = port
    assert "2 sent" in _run(app).output and len(inbox.messages) == 2


def test_erased_contacts_and_closed_pilots_get_nothing(mail_app, users_factory):
    client, users, _pilot, person = _setup(mail_app, users_factory)
    client.post(f"/api/v1/enrollments/{person['id']}/erase", headers=users.owner)
    assert "Nothing due." in _run(mail_app).output


def test_owner_sends_one_pilots_due_invitations_from_its_page(mail_app, users_factory):
    client, users, pilot, _person = _setup(mail_app, users_factory)
    other = make_pilot(client, users.owner, status="running")
    enroll(client, users.owner, other["id"], email="other@example.com")
    users.login("owner@acme.example")
    page = client.get(f"/pilots/{pilot['id']}", headers={"Accept-Language": "ja"}).get_data(
        as_text=True
    )
    assert f'action="/pilots/{pilot["id"]}/send-invitations"' in page
    page = client.post(
        f"/pilots/{pilot['id']}/send-invitations",
        headers={"Accept-Language": "ja"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "招待 2 件とリマインダー 0 件を送信待ちに入れました" in page
    # The job ran in place here (the test queue); a worker does it in production.
    assert {m["To"] for m in mail_app.inbox.messages} == {
        "hanako@example.com"
    }  # not the other pilot's
    assert "メール: 送信待ち 0 件、送信済み 2 件、送信できなかったもの 0 件" in page
    again = client.post(
        f"/pilots/{pilot['id']}/send-invitations",
        headers={"Accept-Language": "ja"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "送るものはありません" in again and len(mail_app.inbox.messages) == 2
