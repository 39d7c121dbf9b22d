"""Server-side sessions: signing out, deactivation and a new password end them; so does time."""

from datetime import timedelta
import hashlib

from flask import session
import pytest
import sqlalchemy as sa

from crossover.auth import services
from crossover.auth.access import SESSION_KEY, _load_user
from crossover.auth.models import ApiToken, User, UserSession
from crossover.db import utcnow
from crossover.extensions import db
from tests.conftest import PASSWORD

OWNER = "owner@acme.example"


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def _copy_of(app, client):
    """A second browser holding the cookie the first one has now (a saved cookie)."""
    other = app.test_client()
    other.set_cookie("session", _session_cookie(client))
    return other


def _signed_in_page(client):
    return client.get("/pilots")


def test_cookie_saved_before_sign_out_no_longer_opens_pages(app, client, users):
    users.login(OWNER)
    saved = _copy_of(app, client)
    assert _signed_in_page(saved).status_code == 200
    assert client.post("/logout").status_code == 302
    response = _signed_in_page(saved)
    assert response.status_code == 302 and response.location.startswith("/login")


def test_signing_out_ends_only_that_browser_session(app, users):
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        assert (
            browser.post("/login", data={"email": OWNER, "password": PASSWORD}).status_code == 302
        )
    first.post("/logout")
    assert _signed_in_page(first).status_code == 302
    assert _signed_in_page(second).status_code == 200


def test_only_the_hash_of_the_session_id_is_stored(app, client, users):
    users.login(OWNER)
    with client.session_transaction() as session:
        session_id = session[SESSION_KEY]
    assert len(session_id) >= 40
    with app.app_context():
        stored = db.session.scalars(sa.select(UserSession.session_hash)).all()
    assert stored == [hashlib.sha256(session_id.encode()).hexdigest()]


def test_session_ends_after_its_lifetime(make_app):
    app = make_app(SESSION_LIFETIME_HOURS=12)
    client = app.test_client()
    with app.app_context():
        services.create_user(OWNER, PASSWORD, services.Role.ADMIN)
    client.post("/login", data={"email": OWNER, "password": PASSWORD})
    with app.app_context():
        record = db.session.scalar(sa.select(UserSession))
        lifetime = record.expires_at - record.created_at
        record.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert timedelta(hours=11, minutes=59) < lifetime <= timedelta(hours=12)
    assert _signed_in_page(client).status_code == 302


def test_a_signed_cookie_without_a_session_record_is_refused(app, client, users):
    # What a cookie signed before this change (or forged with a leaked key) looks like.
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == OWNER))
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session[SESSION_KEY] = "not-a-session-we-issued"
    assert _signed_in_page(client).status_code == 302


def _token_header(client) -> dict:
    token = client.post("/api/v1/auth/token", json={"email": OWNER, "password": PASSWORD}).json[
        "token"
    ]
    return {"Authorization": f"Bearer {token}"}


def _user(email: str = OWNER) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_deactivation_ends_sessions_and_tokens(app, client, users):
    users.login(OWNER)
    headers = _token_header(client)
    other_user = users.reviewer
    with app.app_context():
        services.deactivate_user(_user())
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(ApiToken)
                .join(User)
                .where(User.email == OWNER, ApiToken.revoked_at.is_(None))
            )
            == 0
        )
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(UserSession)
                .where(UserSession.revoked_at.is_(None))
            )
            == 0
        )
    assert _signed_in_page(client).status_code == 302
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert client.get("/api/v1/auth/me", headers=other_user).status_code == 200


def test_tokens_revoked_on_deactivation_stay_revoked_if_reactivated(app, client, users):
    headers = _token_header(client)
    with app.app_context():
        services.deactivate_user(_user())
        _user().active = True
        db.session.commit()
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_new_password_ends_sessions_and_tokens(app, client, users):
    users.login(OWNER)
    headers = _token_header(client)
    with app.app_context():
        services.set_password(_user(), "a brand new passphrase")
    assert _signed_in_page(client).status_code == 302
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert client.post("/login", data={"email": OWNER, "password": PASSWORD}).status_code == 401
    assert (
        client.post(
            "/login", data={"email": OWNER, "password": "a brand new passphrase"}
        ).status_code
        == 302
    )
    assert _signed_in_page(client).status_code == 200


def test_new_password_must_be_long_enough(ctx, users):
    with pytest.raises(services.Invalid) as error:
        services.set_password(_user(), "short")
    assert list(error.value.errors) == ["password"]


def test_cli_deactivates_and_sets_passwords(app, client, users):
    users.login(OWNER)
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["crossover", "set-password", OWNER, "--password", "another long passphrase"]
    )
    assert result.exit_code == 0, result.output
    assert _signed_in_page(client).status_code == 302
    assert (
        client.post(
            "/login", data={"email": OWNER, "password": "another long passphrase"}
        ).status_code
        == 302
    )
    result = runner.invoke(args=["crossover", "deactivate-user", OWNER])
    assert result.exit_code == 0, result.output
    assert _signed_in_page(client).status_code == 302
    result = runner.invoke(args=["crossover", "deactivate-user", "nobody@x.example"])
    assert result.exit_code != 0 and "Unknown user" in result.output


def test_loading_the_user_is_one_query(app, client, users):
    users.login(OWNER)
    with client.session_transaction() as saved:
        user_id, session_id = saved["_user_id"], saved[SESSION_KEY]
    statements = []

    def count(conn, cursor, statement, *args):
        if statement != "BEGIN":  # SQLite's explicit transaction start (see crossover.db)
            statements.append(statement)

    with app.test_request_context("/pilots"):
        session[SESSION_KEY] = session_id
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            user = _load_user(user_id)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        assert user is not None and user.email == OWNER
    assert len(statements) == 1


def test_sign_in_prompt_is_translated_and_not_a_success(client, users):
    for language, text in [
        ("ja", "このページを表示するにはログインしてください。"),
        ("en", "Please sign in to see this page."),
    ]:
        page = client.get("/pilots", headers={"Accept-Language": language}, follow_redirects=True)
        body = page.get_data(as_text=True)
        assert f'<p class="flash warning" role="status">{text}</p>' in body
        assert "Please log in to access this page." not in body


def test_signing_in_again_retires_the_previous_session(app, client, users):
    users.login(OWNER)
    saved = _copy_of(app, client)
    users.login("admin@example.com")
    assert _signed_in_page(saved).status_code == 302
    assert _signed_in_page(client).status_code == 200
