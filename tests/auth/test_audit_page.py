"""Admins read the audit log on a page: account events, filters, pages."""

import re

from tests.conftest import Users

JA = {"Accept-Language": "ja"}


def _admin(app):
    browser = app.test_client()
    Users(app, browser).login("admin@example.com")
    return browser


def _rows(page: str) -> int:
    return len(re.findall(r"<tr>\s*<td>\d{4}-\d\d-\d\d", page))


def test_account_events_are_listed_and_filtered(app, client, users):
    created = client.post(
        "/api/v1/users", headers=users.admin, json={"email": "new@acme.example", "role": "reviewer"}
    ).json
    client.patch(f"/api/v1/users/{created['id']}", headers=users.admin, json={"active": False})
    admin = _admin(app)
    page = admin.get("/admin/audit", headers=JA).get_data(as_text=True)
    assert "アカウント作成" in page and "アカウント無効化" in page and "API トークン作成" in page
    only = admin.get("/admin/audit?action=auth.user_deactivated", headers=JA).get_data(as_text=True)
    assert _rows(only) == 1 and "new@acme.example" in only
    by_owner = admin.get("/admin/audit?actor=owner%40acme", headers=JA).get_data(as_text=True)
    assert "<td>API トークン作成</td>" in by_owner and "<td>アカウント作成</td>" not in by_owner
    future = admin.get("/admin/audit?since=2999-01-01", headers=JA).get_data(as_text=True)
    assert _rows(future) == 0
    assert admin.get("/admin/audit?since=--5&page=-3", headers=JA).status_code == 200


def test_audit_log_paginates(app, client, users):
    for _ in range(55):
        client.post(
            "/api/v1/auth/token",
            json={"email": "owner@acme.example", "password": "correct horse battery"},
        )
    admin = _admin(app)
    first = admin.get("/admin/audit").get_data(as_text=True)
    assert _rows(first) == 50 and "page=2" in first
    second = admin.get("/admin/audit?page=2").get_data(as_text=True)
    assert 0 < _rows(second) <= 50


def test_audit_page_is_for_admins(app, users):
    owner = app.test_client()
    Users(app, owner).login("owner@acme.example")
    assert owner.get("/admin/audit").status_code == 403
