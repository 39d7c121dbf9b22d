"""Grid, reference and initiative endpoints."""

import json

import sqlalchemy as sa

from crossover.audit import AuditEvent
from crossover.extensions import db


def test_reference_lists_every_choice(client):
    body = client.get("/api/v1/reference").json
    assert set(body) == {
        "age_bands",
        "career_phases",
        "concerns",
        "formats",
        "effects",
        "venues",
        "levels",
    }
    assert [a["key"] for a in body["age_bands"]] == [
        "40-44",
        "45-49",
        "50-54",
        "55-59",
        "60-64",
        "65+",
    ]
    assert {"mentoring", "career_interview", "other"} == {f["key"] for f in body["formats"]}
    assert body["career_phases"][1] == {
        "key": "post_off",
        "label_ja": "役職定年後",
        "label_en": "After post-off (役職定年)",
    }
    assert len(body["concerns"]) >= 8


def test_grid_has_21_cells_with_counts(client, users):
    body = client.get("/api/v1/grid", headers=users.reviewer).json
    assert len(body["venues"]) == 7 and len(body["levels"]) == 3 and len(body["cells"]) == 21
    assert sum(c["initiatives"] for c in body["cells"]) >= 50
    assert all(c["initiatives"] >= 1 for c in body["cells"])


def test_retired_initiatives_leave_the_grid_count(client, users):
    before = _cell(client.get("/api/v1/grid", headers=users.admin).json, "peer", "loose")
    item = client.get("/api/v1/initiatives?venue=peer&level=loose", headers=users.admin).json[0]
    client.patch(
        f"/api/v1/initiatives/{item['id']}", headers=users.admin, json={"status": "retired"}
    )
    assert (
        _cell(client.get("/api/v1/grid", headers=users.admin).json, "peer", "loose") == before - 1
    )


def _cell(grid, venue, level):
    return next(
        c["initiatives"] for c in grid["cells"] if c["venue"] == venue and c["level"] == level
    )


def test_filters_and_pagination(client, users):
    h = users.owner
    cell = client.get("/api/v1/initiatives?venue=community&level=loose", headers=h).json
    assert cell and all(i["venue"] == "community" and i["level"] == "loose" for i in cell)
    found = client.get("/api/v1/initiatives?q=メンタリング", headers=h).json
    assert any(i["key"] == "community-external-mentoring" for i in found)
    assert client.get("/api/v1/initiatives?q=MENTORING", headers=h).json  # case-insensitive
    page1 = client.get("/api/v1/initiatives?page=1&page_size=10", headers=h)
    page2 = client.get("/api/v1/initiatives?page=2&page_size=10", headers=h)
    assert len(page1.json) == 10 and not {i["id"] for i in page1.json} & {
        i["id"] for i in page2.json
    }
    meta = json.loads(page1.headers["X-Pagination"])
    assert meta["total"] >= 50 and meta["page"] == 1
    bad = client.get("/api/v1/initiatives?level=medium", headers=h)
    assert bad.status_code == 422 and list(bad.json["errors"]) == ["level"]
    assert client.get("/api/v1/initiatives?page=0", headers=h).status_code == 422


def test_owner_creates_and_edits_own_initiative(app, client, users):
    payload = {
        "venue": "public",
        "level": "middle",
        "title_ja": "商店街の事業承継支援",
        "title_en": "Helping a shopping street with succession",
        "effects": ["meaning"],
    }
    created = client.post("/api/v1/initiatives", headers=users.owner, json=payload)
    assert created.status_code == 201
    body = created.json
    assert body["status"] == "idea" and body["key"] is None and body["effects"] == ["meaning"]
    patched = client.patch(
        f"/api/v1/initiatives/{body['id']}", headers=users.owner, json={"status": "piloting"}
    )
    assert patched.status_code == 200 and patched.json["status"] == "piloting"
    assert patched.json["title_en"] == payload["title_en"]
    # Another organization's owner may read it but not change it.
    assert client.get(f"/api/v1/initiatives/{body['id']}", headers=users.owner2).status_code == 200
    assert (
        client.patch(
            f"/api/v1/initiatives/{body['id']}", headers=users.owner2, json={"status": "retired"}
        ).status_code
        == 403
    )
    with app.app_context():
        actions = list(
            db.session.scalars(
                sa.select(AuditEvent.action).where(AuditEvent.target_type == "initiative")
            )
        )
    assert actions == ["initiative.create", "initiative.update"]


def test_shipped_initiatives_are_admin_only(client, users):
    item = client.get("/api/v1/initiatives?venue=peer&level=loose", headers=users.owner).json[0]
    url = f"/api/v1/initiatives/{item['id']}"
    assert client.patch(url, headers=users.owner, json={"title_en": "x"}).status_code == 403
    response = client.patch(url, headers=users.admin, json={"level": "middle"})
    assert response.status_code == 200 and response.json["level"] == "middle"


def test_create_rejects_unknown_venue_and_effect(client, users):
    base = {"venue": "moon", "level": "loose", "title_ja": "a", "title_en": "b"}
    response = client.post("/api/v1/initiatives", headers=users.owner, json=base)
    assert response.status_code == 422 and list(response.json["errors"]) == ["venue"]
    response = client.post(
        "/api/v1/initiatives",
        headers=users.owner,
        json={**base, "venue": "peer", "effects": ["fame"]},
    )
    assert response.status_code == 422 and list(response.json["errors"]) == ["effects"]


def test_reviewer_reads_but_does_not_write(client, users):
    assert client.get("/api/v1/initiatives", headers=users.reviewer).status_code == 200
    assert client.post("/api/v1/initiatives", headers=users.reviewer, json={}).status_code == 403
