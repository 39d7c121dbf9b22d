"""Bearer tokens: issue, use, revoke, expire, rate-limit."""

from datetime import timedelta
import hashlib

import sqlalchemy as sa

from crossover.audit import AuditEvent
from crossover.auth.models import ApiToken
from crossover.db import utcnow
from crossover.extensions import db
from tests.conftest import PASSWORD


def test_token_grants_access_and_is_stored_hashed(app, client, users):
    response = client.post(
        "/api/v1/auth/token", json={"email": "OWNER@acme.example", "password": PASSWORD}
    )
    assert response.status_code == 201
    token = response.json["token"]
    assert len(token) >= 40
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json == {
        "id": me.json["id"],
        "email": "owner@acme.example",
        "role": "owner",
        "organization": "acme",
    }
    with app.app_context():
        hashes = set(db.session.scalars(sa.select(ApiToken.token_hash)))
        assert token not in hashes
        assert hashlib.sha256(token.encode()).hexdigest() in hashes


def test_wrong_password_and_unknown_user_are_401(client, users):
    for email, password in [
        ("owner@acme.example", "wrong password!"),
        ("nobody@x.example", PASSWORD),
    ]:
        response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
        assert response.status_code == 401
        assert response.json["message"] == "Wrong e-mail or password."


def test_token_request_needs_both_fields(client):
    response = client.post("/api/v1/auth/token", json={"email": "a@b.example"})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["password"]


def test_revoked_token_stops_working(app, client, users):
    headers = users.headers("owner@acme.example")
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert (
        client.get("/api/v1/auth/me", headers=users.owner).status_code == 200
    )  # other tokens live on
    with app.app_context():
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"auth.token_issued", "auth.token_revoked"} <= actions


def test_expired_token_is_401(app, client, users):
    headers = users.headers("owner@acme.example")
    with app.app_context():
        db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_disabled_user_token_is_401(app, client, users):
    from crossover.auth.models import User

    with app.app_context():
        db.session.execute(
            sa.update(User).where(User.email == "owner@acme.example").values(active=False)
        )
        db.session.commit()
    assert client.get("/api/v1/auth/me", headers=users.owner).status_code == 401


def test_token_endpoint_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [
        client.post(
            "/api/v1/auth/token", json={"email": "x@y.example", "password": "nope"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    response = client.post("/api/v1/auth/token", json={"email": "x@y.example", "password": "nope"})
    assert response.json["code"] == 429 and "Retry-After" in response.headers
