"""Instruments: the shipped scale, creation rules, visibility, versioning once frozen."""

from tests.factories import make_pilot

ITEMS = [
    {"key": "q1", "text_ja": "問1", "text_en": "Q1", "subscale": "a"},
    {"key": "q2", "text_ja": "問2", "text_en": "Q2", "subscale": "a", "reverse": True},
    {"key": "q3", "text_ja": "問3", "text_en": "Q3", "subscale": "b"},
]
PAYLOAD = {
    "name": "Short scale",
    "scale_min": 1,
    "scale_max": 4,
    "items": ITEMS,
    "anchors": [
        {"value": 1, "label_ja": "いいえ", "label_en": "No"},
        {"value": 4, "label_ja": "はい", "label_en": "Yes"},
    ],
}


def test_default_career_ownership_scale_is_shipped(client, users):
    shipped = next(
        i for i in client.get("/api/v1/instruments", headers=users.owner).json if i["key"]
    )
    assert (shipped["scale_min"], shipped["scale_max"], len(shipped["items"])) == (1, 5, 12)
    assert shipped["subscales"] == ["vision", "agency", "learning", "connection"]
    for subscale in shipped["subscales"]:
        items = [i for i in shipped["items"] if i["subscale"] == subscale]
        assert len(items) == 3 and sum(i["reverse"] for i in items) == 1
    assert [a["value"] for a in shipped["anchors"]] == [1, 2, 3, 4, 5]
    assert all(i["text_ja"] and i["text_en"] for i in shipped["items"])
    assert shipped["organization"] is None and shipped["frozen"] is False


def test_owner_instrument_belongs_to_its_organization(client, users):
    created = client.post("/api/v1/instruments", headers=users.owner, json=PAYLOAD)
    assert created.status_code == 201
    body = created.json
    assert (
        body["organization"] == "acme" and body["version"] == 1 and body["subscales"] == ["a", "b"]
    )
    assert client.get(f"/api/v1/instruments/{body['id']}", headers=users.owner).status_code == 200
    assert client.get(f"/api/v1/instruments/{body['id']}", headers=users.owner2).status_code == 404
    assert body["id"] not in {
        i["id"] for i in client.get("/api/v1/instruments", headers=users.owner2).json
    }
    assert (
        client.post("/api/v1/instruments", headers=users.reviewer, json=PAYLOAD).status_code == 403
    )


def test_instrument_validation_names_fields(client, users):
    cases = [
        ({**PAYLOAD, "scale_min": 5, "scale_max": 5}, "scale_max"),
        ({**PAYLOAD, "items": [*ITEMS, ITEMS[0]]}, "items"),
        ({**PAYLOAD, "items": []}, "items"),
        ({**PAYLOAD, "anchors": [{"value": 9, "label_ja": "x", "label_en": "x"}]}, "anchors"),
        ({**PAYLOAD, "scale_min": "1"}, "scale_min"),
    ]
    for payload, field in cases:
        response = client.post("/api/v1/instruments", headers=users.owner, json=payload)
        assert response.status_code == 422, payload
        assert field in response.json["errors"], response.json


def test_edit_in_place_until_a_pilot_leaves_draft_then_new_version(client, users):
    instrument = client.post("/api/v1/instruments", headers=users.owner, json=PAYLOAD).json
    url = f"/api/v1/instruments/{instrument['id']}"
    renamed = client.put(url, headers=users.owner, json={**PAYLOAD, "name": "Renamed"}).json
    assert (
        renamed["id"] == instrument["id"]
        and renamed["version"] == 1
        and renamed["name"] == "Renamed"
    )

    make_pilot(
        client,
        users.owner,
        status="recruiting",
        instrument_id=instrument["id"],
        preregistration={"outcome": "a"},
    )
    assert client.get(url, headers=users.owner).json["frozen"] is True
    revised = client.put(url, headers=users.owner, json={**PAYLOAD, "items": ITEMS[:2]})
    assert revised.status_code == 200
    assert revised.json["id"] != instrument["id"] and revised.json["version"] == 2
    assert revised.json["family"] == instrument["family"] and len(revised.json["items"]) == 2
    assert (
        len(client.get(url, headers=users.owner).json["items"]) == 3
    )  # the frozen version is untouched


def test_only_admins_change_consortium_instruments(client, users):
    shipped = next(
        i for i in client.get("/api/v1/instruments", headers=users.owner).json if i["key"]
    )
    response = client.put(f"/api/v1/instruments/{shipped['id']}", headers=users.owner, json=PAYLOAD)
    assert response.status_code == 403
