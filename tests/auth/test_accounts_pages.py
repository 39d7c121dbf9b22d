"""Account pages: forgot password, one's own account, admins' users and organisations, the team."""

import re

import pytest
import sqlalchemy as sa

from crossover.audit import AuditEvent
from crossover.auth.models import AccountLink
from crossover.extensions import db
from tests.conftest import PASSWORD, Users, create_users

JA = {"Accept-Language": "ja"}
NEW_PASSWORD = "another long passphrase"
OWNER = "owner@acme.example"


def _path(url: str) -> str:
    return url.split("127.0.0.1:5000", 1)[1]


def _text(response) -> str:
    return response.get_data(as_text=True)


def _signed_in(app, users, email):
    browser = app.test_client()
    Users(app, browser).login(email)
    return browser


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


# ---- forgot password ---------------------------------------------------------------------


@pytest.fixture
def mail_on(make_app):
    """Account mail on, kept in the development mail box (nothing leaves the test)."""
    app = make_app(ACCOUNT_MAIL=True, MAIL_BACKEND="dev")
    client = app.test_client()
    create_users(app, client)
    return app, client


def test_forgot_password_answers_the_same_for_unknown_addresses(mail_on):
    _app, client = mail_on
    known = client.post("/password/forgot", data={"email": OWNER}, headers=JA)
    unknown = client.post("/password/forgot", data={"email": "nobody@acme.example"}, headers=JA)
    assert known.status_code == unknown.status_code == 200
    assert _text(known) == _text(unknown)
    assert "メールを確認してください" in _text(known)


def test_forgot_password_does_its_work_after_answering(mail_on):
    app, client = mail_on
    known = client.post("/password/forgot", data={"email": OWNER})
    assert _links(app) == 0  # the answer left before anything was looked up or stored
    known.close()
    assert _links(app) == 1


def test_forgot_password_says_plainly_when_mail_is_off(app, client, users):
    page = client.get("/password/forgot", headers=JA)
    assert "SMTP が未設定" in _text(page) and 'name="email"' not in _text(page)
    known = client.post("/password/forgot", data={"email": OWNER}, headers=JA)
    unknown = client.post("/password/forgot", data={"email": "nobody@acme.example"}, headers=JA)
    assert _text(known) == _text(unknown) == _text(page)  # the same for every address
    assert "リンクを送りました" not in _text(known) and "メールを確認" not in _text(known)
    known.close()
    assert _links(app) == 0  # nothing is issued that nobody could receive


def _links(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AccountLink))


def test_sign_in_page_links_to_forgot_password(client):
    page = _text(client.get("/login", headers=JA))
    assert "パスワードをお忘れですか" in page and 'href="/password/forgot"' in page


def test_reset_link_is_mailed_and_works_once(make_app, smtp):
    port, inbox = smtp
    app = make_app(ACCOUNT_MAIL=True, SMTP_PORT=port)
    client = app.test_client()
    create_users(app, client)
    # The reset runs once the answer has gone out (when the server closes the response).
    client.post("/password/forgot", data={"email": OWNER}).close()
    client.post("/password/forgot", data={"email": "nobody@acme.example"}).close()
    assert [m["To"] for m in inbox.messages] == [OWNER]
    url = re.search(r"http://\S+/account/reset/\S+", inbox.messages[0].get_content()).group(0)
    form = {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    assert client.post(_path(url), data=form).status_code == 302
    assert (
        client.post(
            "/api/v1/auth/token", json={"email": OWNER, "password": NEW_PASSWORD}
        ).status_code
        == 201
    )
    assert (
        client.post("/api/v1/auth/token", json={"email": OWNER, "password": PASSWORD}).status_code
        == 401
    )
    again = client.get(_path(url), headers=JA)
    assert again.status_code == 410 and "このリンクは使えません" in _text(again)
    assert "再設定のリンクをもう一度申し込む" in _text(again)
    assert {"auth.reset_requested", "auth.password_reset"} <= set(_actions(app))


def test_forgot_password_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PASSWORD_RESET_RATE_LIMIT="2 per hour")
    client = app.test_client()
    codes = [
        client.post("/password/forgot", data={"email": OWNER}, headers=JA).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    other = client.post("/password/forgot", data={"email": "someone@else.example"})
    assert other.status_code == 200  # keyed on address and account


def test_account_forms_need_csrf_tokens(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, ACCOUNT_MAIL=True, MAIL_BACKEND="dev")
    client = app.test_client()
    assert client.post("/password/forgot", data={"email": OWNER}).status_code == 400
    for path in (
        "/account/password",
        "/account/tokens",
        "/admin/users",
        "/team",
        "/admin/organizations",
        "/account/setup/x",
    ):
        assert client.post(path, data={}).status_code == 400, path
    assert 'name="csrf_token"' in _text(client.get("/password/forgot"))


# ---- one's own account ---------------------------------------------------------------------


def test_change_password_needs_the_current_one_and_ends_other_sessions(app, client, users):
    mine = _signed_in(app, users, OWNER)
    other = _signed_in(app, users, OWNER)
    wrong = mine.post(
        "/account/password",
        headers=JA,
        data={
            "current_password": "not it at all",
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 422 and "現在のパスワード：現在のパスワードが違います。" in _text(
        wrong
    )
    weak = mine.post(
        "/account/password",
        headers=JA,
        data={"current_password": PASSWORD, "password": "short", "password_again": "short"},
    )
    assert weak.status_code == 422 and "新しいパスワード：12 文字以上にしてください。" in _text(
        weak
    )
    done = mine.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert done.status_code == 302
    assert mine.get("/account").status_code == 200  # this browser stays signed in
    assert other.get("/account").status_code == 302  # every other session ended
    assert client.get("/api/v1/auth/me", headers=users.owner).status_code == 401
    assert "auth.password_changed" in _actions(app)


def test_api_token_is_shown_once_and_can_be_revoked(app, users):
    browser = _signed_in(app, users, OWNER)
    created = browser.post("/account/tokens", headers=JA)
    assert created.status_code == 201
    token = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', _text(created)).group(
        1
    )
    bearer = {"Authorization": f"Bearer {token}"}
    assert browser.get("/api/v1/auth/me", headers=bearer).status_code == 200
    page = _text(browser.get("/account", headers=JA))
    assert token not in page
    token_id = int(re.findall(r"/account/tokens/(\d+)/revoke", page)[0])
    # Without JavaScript the first post only asks (the dialog's words); the token still works.
    asked = browser.post(f"/account/tokens/{token_id}/revoke", headers=JA)
    assert asked.status_code == 200 and "このトークンを無効にしますか" in _text(asked)
    assert 'name="confirmed" value="1"' in _text(asked)
    assert browser.get("/api/v1/auth/me", headers=bearer).status_code == 200
    confirmed = browser.post(f"/account/tokens/{token_id}/revoke", data={"confirmed": "1"})
    assert confirmed.status_code == 302
    assert browser.get("/api/v1/auth/me", headers=bearer).status_code == 401
    assert {"auth.token_issued", "auth.token_revoked"} <= set(_actions(app))


def test_nobody_revokes_another_persons_token(app, users):
    theirs = _signed_in(app, users, "owner@globex.example")
    page = _text(theirs.get("/account"))
    ids = re.findall(r"/account/tokens/(\d+)/revoke", page)
    mine = _signed_in(app, users, OWNER)
    assert mine.post(f"/account/tokens/{ids[0]}/revoke").status_code == 404


# ---- admins' organisations and users ----------------------------------------------------------


def test_admin_adds_an_organization_and_a_duplicate_is_named(app, users):
    admin = _signed_in(app, users, "admin@example.com")
    assert (
        admin.post("/admin/organizations", data={"slug": "initech", "name": "Initech"}).status_code
        == 302
    )
    assert "Initech" in _text(admin.get("/admin/organizations"))
    again = admin.post(
        "/admin/organizations", data={"slug": "initech", "name": "Twice"}, headers=JA
    )
    assert again.status_code == 422
    assert "ID（URL 用の英字）：この ID はすでに使われています。" in _text(again)
    assert 'value="Twice"' in _text(again)  # what was typed is kept


def test_admin_adds_a_user_sees_the_link_and_deactivates(app, client, users):
    admin = _signed_in(app, users, "admin@example.com")
    added = admin.post(
        "/admin/users",
        headers=JA,
        data={"email": "new@acme.example", "role": "owner", "organization": "acme"},
    )
    assert added.status_code == 201 and "直接お渡しください" in _text(added)
    assert "SMTP が未設定か" in _text(added)  # says why nothing was mailed
    url = re.search(r'id="setup-url" type="text" readonly value="([^"]+)"', _text(added)).group(1)
    duplicate = admin.post(
        "/admin/users",
        headers=JA,
        data={"email": "new@acme.example", "role": "owner", "organization": "acme"},
    )
    assert "メールアドレス：このメールアドレスはすでに登録されています。" in _text(duplicate)
    no_org = admin.post(
        "/admin/users", headers=JA, data={"email": "x@acme.example", "role": "owner"}
    )
    assert "組織：オーナーの所属組織を選んでください。" in _text(no_org)
    page = _text(admin.get("/admin/users", headers=JA))
    user_id = int(re.search(r"/users/(\d+)/setup-link", page).group(1))
    assert "設定待ち" in page and "を無効化しますか" in page  # deactivation asks first
    resent = admin.post(f"/users/{user_id}/setup-link")
    assert resent.status_code == 201 and client.get(_path(url)).status_code == 410
    owner_id = next(
        u["id"]
        for u in client.get("/api/v1/users", headers=users.admin).json
        if u["email"] == OWNER
    )
    asked = admin.post(f"/users/{owner_id}/active", data={"active": "false"}, headers=JA)
    assert asked.status_code == 200 and "を無効化しますか" in _text(asked)
    assert client.get("/api/v1/auth/me", headers=users.owner).status_code == 200  # not yet
    deactivated = admin.post(
        f"/users/{owner_id}/active", data={"active": "false", "confirmed": "1"}
    )
    assert deactivated.status_code == 302
    assert client.get("/api/v1/auth/me", headers=users.owner).status_code == 401
    assert "auth.user_deactivated" in _actions(app)


@pytest.mark.parametrize("path", ["/admin/users", "/admin/organizations"])
def test_admin_pages_are_for_admins(app, users, path):
    assert _signed_in(app, users, OWNER).get(path).status_code == 403
    assert _signed_in(app, users, "reviewer@example.com").get(path).status_code == 403


# ---- an owner's team ---------------------------------------------------------------------------


def test_owner_adds_a_colleague_on_the_team_page(app, client, users):
    owner = _signed_in(app, users, OWNER)
    page = _text(owner.get("/team", headers=JA))
    assert "チーム" in page and "owner@globex.example" not in page and 'name="role"' not in page
    added = owner.post(
        "/team", headers=JA, data={"email": "colleague@acme.example", "role": "admin"}
    )
    assert added.status_code == 201
    listed = {u["email"]: u for u in client.get("/api/v1/users", headers=users.owner).json}
    assert listed["colleague@acme.example"]["role"] == "owner"  # the role field is ignored
    colleague = listed["colleague@acme.example"]["id"]
    other = _signed_in(app, users, "owner@globex.example")
    assert other.post(f"/users/{colleague}/active", data={"active": "false"}).status_code == 404
    ended = owner.post(f"/users/{colleague}/active", data={"active": "false", "confirmed": "1"})
    assert ended.status_code == 302
    assert _signed_in(app, users, "reviewer@example.com").get("/team").status_code == 403


def test_team_is_in_the_owner_navigation(app, users):
    page = _text(_signed_in(app, users, OWNER).get("/account", headers=JA))
    assert 'href="/team"' in page and 'href="/admin/users"' not in page


def test_pages_with_secrets_are_not_stored_or_referred(app, client, users):
    admin = _signed_in(app, users, "admin@example.com")
    added = admin.post("/admin/users", data={"email": "n@acme.example", "role": "reviewer"})
    assert added.headers["Cache-Control"] == "no-store"
    assert (
        _signed_in(app, users, OWNER).post("/account/tokens").headers["Cache-Control"] == "no-store"
    )
    setup = re.search(r'id="setup-url" type="text" readonly value="([^"]+)"', _text(added)).group(1)
    page = client.get(_path(setup))
    assert page.headers["Referrer-Policy"] == "no-referrer"  # the token stays out of Referer
