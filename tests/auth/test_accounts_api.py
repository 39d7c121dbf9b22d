"""Organisations and users through the API: roles, one-time setup links, deactivation."""

from datetime import timedelta

import sqlalchemy as sa

from crossover.audit import AuditEvent
from crossover.auth.models import AccountLink
from crossover.extensions import db
from crossover.outbox.models import OutboxMessage
from tests.conftest import create_users

NEW = "new.owner@acme.example"
GOOD = "a long new passphrase"


def _invite(client, headers, **body):
    return client.post(
        "/api/v1/users", headers=headers, json={"email": NEW, "role": "owner", **body}
    )


def _setup_path(url: str) -> str:
    return url.split("127.0.0.1:5000", 1)[1]


def _choose(client, url, password=GOOD, again=None):
    return client.post(
        _setup_path(url), data={"password": password, "password_again": again or password}
    )


def test_admin_creates_an_organization_and_lists_it(client, users):
    response = client.post(
        "/api/v1/organizations", headers=users.admin, json={"slug": "initech", "name": "Initech"}
    )
    assert response.status_code == 201 and response.json["slug"] == "initech"
    slugs = [o["slug"] for o in client.get("/api/v1/organizations", headers=users.admin).json]
    assert {"acme", "globex", "initech"} <= set(slugs)


def test_duplicate_slug_is_409_naming_the_field(client, users):
    response = client.post(
        "/api/v1/organizations", headers=users.admin, json={"slug": "acme", "name": "Again"}
    )
    assert response.status_code == 409 and "slug" in response.json["errors"]


def test_admin_creates_a_user_who_sets_a_password_once(client, users, app):
    response = _invite(client, users.admin, organization="acme")
    assert response.status_code == 201
    body = response.json
    assert set(body) >= {"id", "email", "role", "setup_url"} and body["role"] == "owner"
    assert body["mail"] == "not-configured"
    # No password yet: the account cannot sign in.
    assert client.post("/api/v1/auth/token", json={"email": NEW, "password": ""}).status_code == 422
    page = client.get(_setup_path(body["setup_url"]))
    assert page.status_code == 200 and NEW in page.get_data(as_text=True)
    assert _choose(client, body["setup_url"]).status_code == 302
    assert (
        client.post("/api/v1/auth/token", json={"email": NEW, "password": GOOD}).status_code == 201
    )
    # The link works once.
    reused = client.get(_setup_path(body["setup_url"]), headers={"Accept-Language": "ja"})
    assert reused.status_code == 410 and "このリンクは使えません" in reused.get_data(as_text=True)
    with app.app_context():
        link = db.session.scalar(sa.select(AccountLink))
        assert body["setup_url"].rsplit("/", 1)[1] not in (
            link.token_hash,
        )  # only a hash is stored
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {"auth.user_created", "auth.setup_completed"} <= actions


def test_setup_link_expires_after_seven_days(client, users, app):
    url = _invite(client, users.admin, organization="acme").json["setup_url"]
    with app.app_context():
        link = db.session.scalar(sa.select(AccountLink))
        assert link.expires_at - link.created_at == timedelta(days=7)
        link.expires_at = link.created_at - timedelta(seconds=1)
        db.session.commit()
    assert client.get(_setup_path(url)).status_code == 410
    assert _choose(client, url).status_code == 410


def test_weak_passwords_are_refused_with_a_reason(client, users):
    url = _invite(client, users.admin, organization="acme").json["setup_url"]
    short = _choose(client, url, "short one")
    assert short.status_code == 422 and "12" in short.get_data(as_text=True)
    with_email = _choose(client, url, f"x{NEW}x")
    assert with_email.status_code == 422
    assert _choose(client, url, GOOD, "something else").status_code == 422
    assert _choose(client, url).status_code == 302  # the refusals did not spend the link


def test_duplicate_email_is_409_naming_the_field(client, users):
    response = client.post(
        "/api/v1/users",
        headers=users.admin,
        json={"email": "OWNER@acme.example", "role": "owner", "organization": "acme"},
    )
    assert response.status_code == 409 and "email" in response.json["errors"]


def test_owner_needs_an_organization(client, users):
    response = client.post(
        "/api/v1/users", headers=users.admin, json={"email": NEW, "role": "owner"}
    )
    assert response.status_code == 422 and "organization" in response.json["errors"]


def test_owner_adds_owners_of_its_own_organization_only(client, users):
    assert _invite(client, users.owner).status_code == 201
    assert (
        client.post(
            "/api/v1/users",
            headers=users.owner,
            json={"email": "b@acme.example", "role": "reviewer"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/users",
            headers=users.owner,
            json={"email": "c@acme.example", "role": "owner", "organization": "globex"},
        ).status_code
        == 403
    )
    listed = {u["email"] for u in client.get("/api/v1/users", headers=users.owner).json}
    assert listed == {"owner@acme.example", NEW}


def test_deactivation_revokes_every_token_and_session_at_once(client, users, app):
    owner_id = next(
        u["id"]
        for u in client.get("/api/v1/users", headers=users.admin).json
        if u["email"] == "owner@acme.example"
    )
    second = users.headers("owner@acme.example")
    browser = app.test_client()
    users.client, saved = browser, users.client
    users.login("owner@acme.example")
    users.client = saved
    assert browser.get("/account").status_code == 200
    response = client.patch(
        f"/api/v1/users/{owner_id}", headers=users.admin, json={"active": False}
    )
    assert response.status_code == 200 and response.json["active"] is False
    assert client.get("/api/v1/auth/me", headers=users.owner).status_code == 401
    assert client.get("/api/v1/auth/me", headers=second).status_code == 401
    assert browser.get("/account").status_code == 302
    # Reactivated, the old tokens stay revoked.
    assert (
        client.patch(
            f"/api/v1/users/{owner_id}", headers=users.admin, json={"active": True}
        ).status_code
        == 200
    )
    assert client.get("/api/v1/auth/me", headers=users.owner).status_code == 401


def test_owner_deactivates_a_colleague_but_changes_no_role(client, users):
    colleague = _invite(client, users.owner).json["id"]
    assert (
        client.patch(
            f"/api/v1/users/{colleague}", headers=users.owner, json={"role": "admin"}
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"/api/v1/users/{colleague}", headers=users.owner, json={"active": False}
        ).status_code
        == 200
    )
    assert (
        client.patch(
            f"/api/v1/users/{colleague}", headers=users.owner2, json={"active": True}
        ).status_code
        == 404
    )


def test_nobody_deactivates_or_demotes_themselves(client, users):
    me = client.get("/api/v1/auth/me", headers=users.admin).json["id"]
    assert (
        client.patch(f"/api/v1/users/{me}", headers=users.admin, json={"active": False}).status_code
        == 409
    )
    assert (
        client.patch(
            f"/api/v1/users/{me}", headers=users.admin, json={"role": "reviewer"}
        ).status_code
        == 409
    )


def test_admin_changes_a_role(client, users):
    reviewer = next(
        u for u in client.get("/api/v1/users", headers=users.admin).json if u["role"] == "reviewer"
    )
    response = client.patch(
        f"/api/v1/users/{reviewer['id']}", headers=users.admin, json={"role": "admin"}
    )
    assert response.status_code == 200 and response.json["role"] == "admin"
    assert (
        client.patch(
            f"/api/v1/users/{reviewer['id']}", headers=users.admin, json={"role": "owner"}
        ).status_code
        == 422
    )  # no organisation


def test_a_new_setup_link_retires_the_old_one(client, users):
    created = _invite(client, users.admin, organization="acme").json
    fresh = client.post(f"/api/v1/users/{created['id']}/setup-link", headers=users.admin)
    assert fresh.status_code == 201
    assert client.get(_setup_path(created["setup_url"])).status_code == 410
    assert _choose(client, fresh.json["setup_url"]).status_code == 302
    again = client.post(f"/api/v1/users/{created['id']}/setup-link", headers=users.admin)
    assert again.status_code == 409


def test_setup_link_is_mailed_when_mail_is_configured(make_app, smtp):
    port, inbox = smtp
    app = make_app(ACCOUNT_MAIL=True, SMTP_PORT=port)
    client = app.test_client()
    users = create_users(app, client)
    url = _invite(client, users.admin, organization="acme").json["setup_url"]
    assert len(inbox.messages) == 1 and inbox.messages[0]["To"] == NEW
    assert url in inbox.messages[0].get_content()
    with app.app_context():
        row = db.session.scalar(sa.select(OutboxMessage))
        assert row.kind == "setup" and row.status == "sent" and url not in row.body
