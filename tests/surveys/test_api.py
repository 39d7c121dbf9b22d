"""The survey API: what a participant sees, and every rule on storing a response."""

from datetime import timedelta

import sqlalchemy as sa

from crossover.extensions import db
from crossover.surveys.models import Response, SurveyDraft
from tests.factories import TODAY, enroll, make_pilot

ANSWERS = {f"{s}_{i}": 4 for s in ("vision", "agency", "learning", "connection") for i in (1, 2, 3)}


def _links(client, users, **pilot_overrides):
    pilot = make_pilot(client, users.owner, status="running", **pilot_overrides)
    person = enroll(client, users.owner, pilot["id"])
    return pilot, {i["wave"]: i["token"] for i in person["invitations"]}


def test_get_returns_wave_scale_and_items_in_japanese_by_default(client, users):
    _, links = _links(client, users)
    body = client.get(f"/api/v1/surveys/{links['pre']}").json
    assert body["wave"] == "pre" and body["lang"] == "ja" and body["status"] == "open"
    assert body["scale"]["min"] == 1 and body["scale"]["max"] == 5
    assert body["scale"]["anchors"][0] == {"value": 1, "label": "まったくあてはまらない"}
    assert len(body["items"]) == 12 and body["items"][0]["key"] == "vision_1"
    english = client.get(f"/api/v1/surveys/{links['pre']}?lang=en").json
    assert english["scale"]["anchors"][-1]["label"] == "Very true of me"
    assert english["items"][0]["text"].startswith("I have")


def test_intake_asks_concerns_without_items(client, users):
    _, links = _links(client, users)
    body = client.get(f"/api/v1/surveys/{links['intake']}").json
    assert body["items"] == [] and body["scale"] is None and len(body["concerns"]) >= 8
    empty = client.post(f"/api/v1/surveys/{links['intake']}", json={"concerns": []})
    assert empty.status_code == 422 and list(empty.json["errors"]) == ["concerns"]
    unknown = client.post(f"/api/v1/surveys/{links['intake']}", json={"concerns": ["fame"]})
    assert unknown.status_code == 422
    stored = client.post(
        f"/api/v1/surveys/{links['intake']}",
        json={"concerns": ["network", "health"], "note": " 介護と両立したい "},
    )
    assert stored.status_code == 201


def test_none_of_these_is_a_concern_that_excludes_the_others(client, users):
    _, links = _links(client, users)
    offered = client.get(f"/api/v1/surveys/{links['intake']}").json["concerns"]
    assert {"key": "none", "label": "特にない"} in offered
    mixed = client.post(f"/api/v1/surveys/{links['intake']}", json={"concerns": ["none", "health"]})
    assert mixed.status_code == 422 and list(mixed.json["errors"]) == ["concerns"]
    assert (
        client.post(f"/api/v1/surveys/{links['intake']}", json={"concerns": ["none"]}).status_code
        == 201
    )


def test_post_stores_scores_with_reverse_keying(app, client, users):
    _, links = _links(client, users)
    answers = dict(ANSWERS, vision_3=1, agency_3=2)  # reverse-keyed: count as 5 and 4
    response = client.post(f"/api/v1/surveys/{links['pre']}", json={"answers": answers})
    assert response.status_code == 201 and response.json["wave"] == "pre"
    # Reverse-keyed items: vision_3=1 → 5, agency_3=2 → 4, learning_3=4 → 2, connection_3=4 → 2.
    with app.app_context():
        stored = db.session.scalar(sa.select(Response))
        assert stored.answers == answers
        assert stored.scores == {
            "total": (4 + 4 + 5 + 4 + 4 + 4 + 4 + 4 + 2 + 4 + 4 + 2) / 12,
            "vision": (4 + 4 + 5) / 3,
            "agency": 4.0,
            "learning": (4 + 4 + 2) / 3,
            "connection": (4 + 4 + 2) / 3,
        }


def test_bad_answers_name_each_item(client, users):
    _, links = _links(client, users)
    answers = dict(ANSWERS)
    del answers["vision_1"]
    answers.update(agency_1=6, agency_2="3", learning_1=2.5, learning_2=True, extra=3)
    response = client.post(f"/api/v1/surveys/{links['pre']}", json={"answers": answers})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {
        "vision_1",
        "agency_1",
        "agency_2",
        "learning_1",
        "learning_2",
        "extra",
    }
    assert response.json["errors"]["vision_1"] == ["Missing answer."]
    assert (
        client.post(f"/api/v1/surveys/{links['pre']}", json={"answers": ANSWERS}).status_code == 201
    )


def test_second_submission_is_409_and_stores_nothing(app, client, users):
    _, links = _links(client, users)
    assert (
        client.post(f"/api/v1/surveys/{links['pre']}", json={"answers": ANSWERS}).status_code == 201
    )
    again = client.post(
        f"/api/v1/surveys/{links['pre']}", json={"answers": dict(ANSWERS, vision_1=1)}
    )
    assert again.status_code == 409
    assert client.get(f"/api/v1/surveys/{links['pre']}").json["status"] == "answered"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
        assert db.session.scalar(sa.select(Response.answers))["vision_1"] == 4


def test_outside_the_window_is_409_with_the_dates(client, users):
    _, links = _links(client, users)  # post opens 7 days before ends_on (ends in 60 days)
    early = client.post(f"/api/v1/surveys/{links['post']}", json={"answers": ANSWERS})
    assert early.status_code == 409 and "open from" in early.json["message"]
    opens = (TODAY + timedelta(days=53)).isoformat()
    assert opens in early.json["message"]


def test_late_answer_is_409(client, users):
    pilot, links = _links(client, users)
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    client.patch(
        f"/api/v1/pilots/{pilot['id']}",
        headers=users.owner,
        json={"schedule": [{"wave": "pre", "opens_on": None, "closes_on": yesterday}]},
    )
    late = client.post(f"/api/v1/surveys/{links['pre']}", json={"answers": ANSWERS})
    assert late.status_code == 409 and yesterday in late.json["message"]


def test_closed_pilot_accepts_nothing(client, users):
    pilot, links = _links(client, users)
    client.post(
        f"/api/v1/pilots/{pilot['id']}/transitions", headers=users.owner, json={"to": "closed"}
    )
    response = client.post(f"/api/v1/surveys/{links['pre']}", json={"answers": ANSWERS})
    assert response.status_code == 409 and "closed" in response.json["message"]


def test_unknown_token_is_404_and_reveals_nothing(client):
    for token in ("x" * 32, "short", "a" * 128):
        response = client.get(f"/api/v1/surveys/{token}")
        assert (
            response.status_code == 404
            and response.json["message"] == "This survey link is not valid."
        )
    assert client.post("/api/v1/surveys/" + "y" * 32, json={"answers": {}}).status_code == 404


def test_answers_must_be_an_object(client, users):
    _, links = _links(client, users)
    response = client.post(f"/api/v1/surveys/{links['pre']}", json={"answers": [1, 2, 3]})
    assert response.status_code == 422 and "answers" in response.json["errors"]


def test_intake_answer_leads_straight_on_to_the_open_pre_wave(client, users):
    _, links = _links(client, users)
    intake = client.post(f"/api/v1/surveys/{links['intake']}", json={"concerns": ["none"]})
    assert intake.status_code == 201 and intake.json["next"]["wave"] == "pre"
    assert intake.json["next"]["url"].endswith(f"/s/{links['pre']}")
    pre = client.post(f"/api/v1/surveys/{links['pre']}", json={"answers": ANSWERS})
    assert pre.status_code == 201 and pre.json["next"] is None  # post is not open yet


def test_no_next_wave_when_it_was_answered_first(client, users):
    _, links = _links(client, users)
    assert (
        client.post(f"/api/v1/surveys/{links['pre']}", json={"answers": ANSWERS}).json["next"][
            "wave"
        ]
        == "intake"
    )
    assert (
        client.post(f"/api/v1/surveys/{links['intake']}", json={"concerns": ["health"]}).json[
            "next"
        ]
        is None
    )


def test_a_draft_keeps_partial_answers_until_the_response_is_stored(app, client, users):
    _, links = _links(client, users)
    url = f"/api/v1/surveys/{links['pre']}"
    assert client.get(url).json["draft"] is None
    saved = client.put(f"{url}/draft", json={"answers": {"vision_1": 4, "vision_2": 2}})
    assert saved.status_code == 200 and saved.json["answers"] == {"vision_1": 4, "vision_2": 2}
    client.put(f"{url}/draft", json={"answers": {"vision_1": 5, "vision_2": 2, "agency_1": 3}})
    assert client.get(url).json["draft"]["answers"] == {"vision_1": 5, "vision_2": 2, "agency_1": 3}
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
        )  # never counted
    assert client.post(url, json={"answers": ANSWERS}).status_code == 201
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyDraft)) == 0
    assert client.put(f"{url}/draft", json={"answers": {"vision_1": 4}}).status_code == 409


def test_a_draft_checks_every_given_value(client, users):
    _, links = _links(client, users)
    url = f"/api/v1/surveys/{links['pre']}/draft"
    bad = client.put(url, json={"answers": {"vision_1": 9, "agency_2": "x", "fame": 3}})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"vision_1", "agency_2", "fame"}
    mixed = client.put(
        f"/api/v1/surveys/{links['intake']}/draft", json={"concerns": ["none", "health"]}
    )
    assert mixed.status_code == 422 and list(mixed.json["errors"]) == ["concerns"]
    assert (
        client.put(f"/api/v1/surveys/{links['intake']}/draft", json={"concerns": []}).status_code
        == 200
    )


def test_no_draft_outside_the_window(client, users):
    pilot = make_pilot(client, users.owner, status="running")
    later = {i["wave"]: i["token"] for i in enroll(client, users.owner, pilot["id"])["invitations"]}
    assert (
        client.put(
            f"/api/v1/surveys/{later['post']}/draft", json={"answers": {"vision_1": 4}}
        ).status_code
        == 409
    )
