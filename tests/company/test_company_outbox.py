"""Invitations and reminders for company survey roster rows, by the outbox's rules: a row per
message, at most one invitation and one reminder per roster row, only while the round is open,
never after an answer or an erased address (real SMTP on 127.0.0.1)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crossover.audit import AuditEvent
from crossover.auth.models import Role
from crossover.extensions import db
from crossover.outbox.models import OutboxMessage
from tests.company.flows import (
    ANSWERS,
    make_round,
    make_survey,
    member_tokens,
    roster_csv,
    upload,
)
from tests.conftest import Users
from tests.factories import TODAY
from tests.outbox.test_send_invitations import _run, smtp  # noqa: F401  (the SMTP fixture)


@pytest.fixture
def mail_app(make_app, smtp):  # noqa: F811
    port, inbox = smtp
    app = make_app(SMTP_PORT=port, PUBLIC_BASE_URL="https://crossover.example")
    app.inbox = inbox
    return app


def _setup(app, closes=30):
    client = app.test_client()
    users = Users(app, client)
    users.create("owner@acme.example", Role.OWNER, "acme")
    users.owner = users.headers("owner@acme.example")
    survey = make_survey(client, users.owner)
    round_ = make_round(client, users.owner, survey["id"], closes=closes)
    data = roster_csv(3).replace(b"emp2@example.com", b"")  # the third row has no address
    answer = upload(client, users.owner, round_["id"], data).json
    assert answer["without_email"] == 1 and "invitations" not in answer
    return client, users, round_, member_tokens(app, round_["id"])


def test_invites_each_row_with_an_address_once_in_japanese(mail_app):
    client, users, round_, links = _setup(mail_app)
    result = _run(mail_app)
    assert result.exit_code == 0, result.output
    assert "2 sent" in result.output and "roster row" in result.output
    messages = mail_app.inbox.messages
    assert sorted(m["To"] for m in messages) == ["emp0@example.com", "emp1@example.com"]
    first = next(m for m in messages if m["To"] == "emp0@example.com")
    assert "ご回答のお願い" in first["Subject"] and "2026" in first["Subject"]
    assert f"https://crossover.example/s/{links[0]}" in first.get_content()
    assert "Nothing due." in _run(mail_app).output and len(messages) == 2
    rows = client.get(f"/api/v1/rounds/{round_['id']}/invitations", headers=users.owner).json
    assert [bool(r["sent_at"]) for r in rows] == [True, True, False]
    with mail_app.app_context():
        stored = db.session.scalars(sa.select(OutboxMessage)).all()
        assert {(r.kind, r.status) for r in stored} == {("invitation", "sent")}
        assert all(r.roster_member_id and r.invitation_id is None for r in stored)
        db.session.remove()


def test_one_reminder_near_the_close_only_to_those_who_have_not_answered(mail_app):
    client, users, round_, links = _setup(mail_app, closes=2)
    _run(mail_app)
    client.post(f"/api/v1/surveys/{links[1]}", json={"answers": ANSWERS})
    with mail_app.app_context():  # pretend the invitations went out a week ago
        for row in db.session.scalars(sa.select(OutboxMessage)):
            row.sent_at -= timedelta(days=7)
        db.session.commit()
        db.session.remove()
    result = _run(mail_app)
    assert "reminder" in result.output and "1 sent" in result.output
    reminder = mail_app.inbox.messages[-1]
    assert reminder["To"] == "emp0@example.com" and "リマインダー" in reminder["Subject"]
    assert (TODAY + timedelta(days=2)).isoformat() in reminder.get_content()
    assert "Nothing due." in _run(mail_app).output and len(mail_app.inbox.messages) == 3
    # Owners see reminders only as a count: a reminder goes to those who have not answered.
    rows = client.get(f"/api/v1/rounds/{round_['id']}/invitations", headers=users.owner).json
    assert all("reminded_at" not in r for r in rows)
    users.login("owner@acme.example")
    page = client.get(f"/company/rounds/{round_['id']}").get_data(as_text=True)
    assert 'id="reminders-sent">1<' in page and 'id="invitations-sent">2<' in page


def test_roster_is_fixed_once_the_first_invitation_went_out(mail_app):
    """F4: fake rows added to a running round, answered by the owner beside one person."""
    client, users, round_, _ = _setup(mail_app)
    before = upload(client, users.owner, round_["id"], roster_csv(1, start=10))
    assert before.status_code == 201  # no invitation yet: the roster can still grow
    _run(mail_app)
    fakes = upload(client, users.owner, round_["id"], roster_csv(4, start=20))
    assert fakes.status_code == 409 and list(fakes.json["errors"]) == ["file"]
    assert "最初の案内" in fakes.json["message"]
    rows = client.get(f"/api/v1/rounds/{round_['id']}/invitations", headers=users.owner)
    assert '"total": 4' in rows.headers["X-Pagination"]


def test_rounds_not_open_get_nothing(mail_app):
    client, users, _, _ = _setup(mail_app)
    survey = make_survey(client, users.owner, title="Other")
    for label, opens, closes in (("later", 2, 9), ("past", -9, -1)):
        round_ = make_round(
            client, users.owner, survey["id"], label=label, opens=opens, closes=closes
        )
        upload(client, users.owner, round_["id"], roster_csv(2, start=50))
    assert "2 sent" in _run(mail_app).output  # the open round's two rows only


def test_erased_address_gets_nothing_and_leaves_no_recipient(mail_app):
    client, users, round_, _ = _setup(mail_app)
    rows = client.get(f"/api/v1/rounds/{round_['id']}/invitations", headers=users.owner).json
    _run(mail_app)
    url = f"/api/v1/rounds/{round_['id']}/roster/{rows[0]['id']}/contact"
    assert client.delete(url, headers=users.owner).status_code == 204
    with mail_app.app_context():
        recipients = db.session.scalars(
            sa.select(OutboxMessage.recipient).order_by(OutboxMessage.roster_member_id)
        ).all()
        db.session.remove()
    assert recipients == ["(erased)", "emp1@example.com"]
    with mail_app.app_context():
        for row in db.session.scalars(sa.select(OutboxMessage)):
            row.sent_at -= timedelta(days=40)
        db.session.commit()
        db.session.remove()
    assert client.delete(url, headers=users.owner).status_code == 204  # erasing twice is fine


def test_owner_sends_one_rounds_mail_from_its_page_and_the_api_and_it_is_audited(mail_app):
    client, users, round_, _ = _setup(mail_app)
    other = make_round(client, users.owner, make_survey(client, users.owner, "B")["id"])
    upload(client, users.owner, other["id"], roster_csv(1, start=90))
    users.login("owner@acme.example")
    page = client.post(
        f"/company/rounds/{round_['id']}/send-invitations",
        headers={"Accept-Language": "ja"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "招待 2 件とリマインダー 0 件を送信待ちに入れました" in page
    assert "emp90@example.com" not in {m["To"] for m in mail_app.inbox.messages}
    assert len(mail_app.inbox.messages) == 2  # the job ran in place here (the test queue)
    again = client.post(f"/api/v1/rounds/{round_['id']}/send-invitations", headers=users.owner)
    assert again.status_code == 202 and again.json == {"invitations": 0, "reminders": 0}
    with mail_app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent.details).where(AuditEvent.action == "company.send_invitations")
        ).all()
        db.session.remove()
    assert events == [{"invitations": 2, "reminders": 0}, {"invitations": 0, "reminders": 0}]


def test_check_constraint_allows_exactly_one_subject(mail_app):
    _setup(mail_app)
    _run(mail_app)
    with mail_app.app_context():
        row = db.session.scalar(sa.select(OutboxMessage))
        row.invitation_id = None
        row.account_link_id = None
        row.roster_member_id = None
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.remove()


def test_a_round_closed_early_gets_no_more_mail(mail_app):
    client, users, round_, _ = _setup(mail_app)
    closed = client.post(f"/api/v1/rounds/{round_['id']}/close", headers=users.owner)
    assert closed.status_code == 200
    assert "Nothing due." in _run(mail_app).output and not mail_app.inbox.messages
