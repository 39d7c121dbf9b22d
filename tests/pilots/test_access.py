"""Every pilot-related endpoint × every role, and an owner of another organization."""

import io

import pytest

from tests.factories import TODAY, enroll, make_mentor, make_pilot, pilot_payload

ROLES = ("anonymous", "admin", "reviewer", "owner", "other_owner")


@pytest.fixture
def world(client, users):
    pilot = make_pilot(client, users.owner, status="running")
    closed = make_pilot(client, users.owner, status="closed")
    person = enroll(client, users.owner, pilot["id"], email="p@example.com")
    spare = enroll(client, users.owner, pilot["id"])
    mentor = make_mentor(client, users.owner2, capacity=5)
    match = client.post(
        f"/api/v1/pilots/{pilot['id']}/matches",
        headers=users.owner,
        json={"enrollment_id": person["id"], "mentor_id": mentor["id"]},
    ).json
    colleague = client.post(
        "/api/v1/users",
        headers=users.owner,
        json={"email": "colleague@acme.example", "role": "owner"},
    ).json
    headers = {
        "anonymous": {},
        "admin": users.admin,
        "reviewer": users.reviewer,
        "owner": users.owner,
        "other_owner": users.owner2,
    }
    return {
        "pilot": pilot["id"],
        "closed": closed["id"],
        "person": person["id"],
        "spare": spare["id"],
        "mentor": mentor["id"],
        "match": match["id"],
        "colleague": colleague["id"],
        "headers": headers,
        "payload": pilot_payload(client, users.owner),
    }


def _csv():
    return {"file": (io.BytesIO(b"age_band,career_phase,consent\n50-54,post_off,yes\n"), "p.csv")}


# (method, path template, body, expected status per role in ROLES order)
MATRIX = [
    ("GET", "/api/v1/pilots", None, (401, 200, 200, 200, 200)),
    ("POST", "/api/v1/pilots", "payload", (401, 403, 403, 201, 201)),
    ("GET", "/api/v1/pilots/{pilot}", None, (401, 200, 200, 200, 404)),
    ("PATCH", "/api/v1/pilots/{pilot}", {"title": "Renamed"}, (401, 403, 403, 200, 404)),
    ("POST", "/api/v1/pilots/{pilot}/transitions", {"to": "draft"}, (401, 403, 403, 409, 404)),
    ("GET", "/api/v1/pilots/{pilot}/enrollments", None, (401, 403, 403, 200, 404)),
    (
        "POST",
        "/api/v1/pilots/{pilot}/enrollments",
        {"age_band": "50-54", "career_phase": "post_off", "consent": True},
        (401, 403, 403, 201, 404),
    ),
    ("POST", "/api/v1/pilots/{pilot}/enrollments/csv", "csv", (401, 403, 403, 201, 404)),
    ("GET", "/api/v1/enrollments/{person}", None, (401, 403, 403, 200, 404)),
    ("POST", "/api/v1/enrollments/{person}/erase", None, (401, 403, 403, 200, 404)),
    ("GET", "/api/v1/pilots/{pilot}/matches", None, (401, 403, 403, 200, 404)),
    (
        "POST",
        "/api/v1/pilots/{pilot}/matches",
        {"enrollment_id": "{person}", "mentor_id": "{mentor}"},
        (401, 403, 403, 409, 404),
    ),
    ("GET", "/api/v1/matches/{match}/sessions", None, (401, 403, 403, 200, 404)),
    (
        "POST",
        "/api/v1/matches/{match}/sessions",
        {"held_on": TODAY.isoformat(), "minutes": 30, "mode": "online"},
        (401, 403, 403, 201, 404),
    ),
    ("POST", "/api/v1/matches/{match}/end", None, (401, 403, 403, 200, 404)),
    ("GET", "/api/v1/mentors", None, (401, 200, 403, 200, 200)),
    ("POST", "/api/v1/mentors", {"name": "New mentor", "capacity": 1}, (401, 403, 403, 201, 201)),
    ("GET", "/api/v1/mentors/{mentor}", None, (401, 200, 403, 200, 200)),
    ("PATCH", "/api/v1/mentors/{mentor}", {"capacity": 4}, (401, 403, 403, 404, 200)),
    # Reviewers and admins read figures of closed pilots only (issue 15 V1): 409 while it runs.
    ("GET", "/api/v1/pilots/{pilot}/report", None, (401, 409, 409, 200, 404)),
    ("GET", "/api/v1/pilots/{closed}/report", None, (401, 200, 200, 200, 404)),
    ("GET", "/api/v1/pilots/{pilot}/export.csv", None, (401, 403, 403, 200, 404)),
    ("GET", "/api/v1/audit", None, (401, 200, 403, 403, 403)),
    # Accounts (issue 12): admins manage organisations and users; owners their own owners.
    ("GET", "/api/v1/organizations", None, (401, 200, 403, 403, 403)),
    (
        "POST",
        "/api/v1/organizations",
        {"slug": "new-{role}", "name": "New"},
        (401, 201, 403, 403, 403),
    ),
    ("GET", "/api/v1/users", None, (401, 200, 403, 200, 200)),
    (
        "POST",
        "/api/v1/users",
        {"email": "{role}@new.example", "role": "owner", "organization": "acme"},
        (401, 201, 403, 201, 403),
    ),
    (
        "POST",
        "/api/v1/users",
        {"email": "r-{role}@new.example", "role": "reviewer"},
        (401, 201, 403, 403, 403),
    ),
    ("POST", "/api/v1/users/{colleague}/setup-link", None, (401, 201, 403, 201, 404)),
    ("PATCH", "/api/v1/users/{colleague}", {"role": "owner"}, (401, 200, 403, 200, 404)),
    ("PATCH", "/api/v1/users/{colleague}", {"role": "admin"}, (401, 200, 403, 403, 404)),
    ("PATCH", "/api/v1/users/{colleague}", {"active": False}, (401, 200, 403, 200, 404)),
]


def _is_id(value: str) -> bool:
    return value.startswith("{") and value.endswith("}")


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {
            k: int(_fill(v, ids)) if isinstance(v, str) and _is_id(v) else _fill(v, ids)
            for k, v in value.items()
        }
    return value


@pytest.mark.parametrize("role_index, role", list(enumerate(ROLES)))
def test_access_matrix(client, world, role_index, role):
    world = {**world, "role": role.replace("_", "-")}
    for method, template, body, expected in MATRIX:
        kwargs = {"headers": world["headers"][role]}
        if body == "payload":
            kwargs["json"] = world["payload"]
        elif body == "csv":
            kwargs.update(data=_csv(), content_type="multipart/form-data")
        elif body is not None:
            kwargs["json"] = _fill(body, world)
        response = client.open(_fill(template, world), method=method, **kwargs)
        assert response.status_code == expected[role_index], (
            role,
            method,
            template,
            response.data[:300],
        )


def test_matrix_covers_every_pilot_related_endpoint(app):
    prefixes = (
        "/api/v1/pilots",
        "/api/v1/enrollments",
        "/api/v1/matches",
        "/api/v1/mentors",
        "/api/v1/audit",
        "/api/v1/organizations",
        "/api/v1/users",
    )
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefixes):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            template = rule.rule.replace("<id:", "{").replace(">", "}")
            assert any(method == m and _same_shape(template, t) for m, t, _, _ in MATRIX), (
                method,
                rule.rule,
            )


def _same_shape(rule_path: str, matrix_path: str) -> bool:
    import re

    normalise = lambda p: re.sub(r"\{[^}]+\}", "{}", p)  # noqa: E731
    return normalise(rule_path) == normalise(matrix_path)


def test_other_owner_list_does_not_include_foreign_pilots(client, world, users):
    assert all(
        p["organization"] == "globex"
        for p in client.get("/api/v1/pilots", headers=users.owner2).json
    )


def test_reviewer_sees_pilot_level_data_only(client, world, users):
    body = client.get(f"/api/v1/pilots/{world['pilot']}", headers=users.reviewer).json
    assert "enrollments" not in body and "invitations" not in str(body)
