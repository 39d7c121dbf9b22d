"""Questionnaires in pages: list, create and edit without JavaScript, errors in Japanese, preview,
versions, and a frozen instrument that only makes new versions."""

import re

import pytest

from tests.conftest import Users
from tests.factories import make_pilot

JA = {"Accept-Language": "ja"}


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def owner(app, users):
    browser = app.test_client()
    Users(app, browser).login("owner@acme.example")
    return browser


def _form(**overrides) -> dict:
    form = {
        "name": "Team climate",
        "scale_min": "1",
        "scale_max": "4",
        "anchor-0-value": "1",
        "anchor-0-label_ja": "全くそう思わない",
        "anchor-0-label_en": "Not at all",
        "anchor-1-value": "4",
        "anchor-1-label_ja": "とてもそう思う",
        "anchor-1-label_en": "Very much",
        "item-0-position": "1",
        "item-0-key": "trust_1",
        "item-0-subscale": "trust",
        "item-0-text_ja": "同僚を信頼している",
        "item-0-text_en": "I trust my colleagues",
        "item-1-position": "2",
        "item-1-key": "voice_1",
        "item-1-subscale": "voice",
        "item-1-text_ja": "意見を言いやすい",
        "item-1-text_en": "I can speak up",
        "item-1-reverse": "on",
        "item-2-position": "3",  # an empty row: skipped
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def _created_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/questionnaires/(\d+)$", response.location).group(1))


def test_list_shows_shipped_and_own_questionnaires(owner, client, users):
    page = _text(owner.get("/questionnaires", headers=JA))
    assert "質問票" in page and "共通（同梱）" in page


def test_owner_writes_a_questionnaire_and_the_api_sees_it(owner, client, users):
    new_id = _created_id(owner.post("/questionnaires/new", data=_form()))
    body = client.get(f"/api/v1/instruments/{new_id}", headers=users.owner).json
    assert [i["key"] for i in body["items"]] == ["trust_1", "voice_1"]
    assert (
        body["items"][1]["reverse"] is True and body["anchors"][0]["label_ja"] == "全くそう思わない"
    )
    assert body["organization"] == "acme"
    assert client.get(f"/api/v1/instruments/{new_id}", headers=users.owner2).status_code == 404
    assert owner.get(f"/questionnaires/{new_id}").status_code == 200


def test_reorder_remove_and_add_rows_without_javascript(owner, client, users):
    new_id = _created_id(owner.post("/questionnaires/new", data=_form()))
    more = owner.post(f"/questionnaires/{new_id}/edit", data=_form(add_rows="1"))
    assert more.status_code == 200 and 'name="item-5-key"' in _text(more)
    edited = _form(
        **{
            "item-0-position": "2",
            "item-1-position": "1",
            "item-2-key": "gone_1",
            "item-2-subscale": "x",
            "item-2-text_ja": "消す",
            "item-2-text_en": "Drop",
            "item-2-remove": "on",
        }
    )
    assert owner.post(f"/questionnaires/{new_id}/edit", data=edited).status_code == 302
    keys = [
        i["key"]
        for i in client.get(f"/api/v1/instruments/{new_id}", headers=users.owner).json["items"]
    ]
    assert keys == ["voice_1", "trust_1"]


def test_errors_are_in_japanese_next_to_the_field_and_keep_what_was_typed(owner):
    bad = owner.post(
        "/questionnaires/new",
        headers=JA,
        data=_form(**{"item-1-text_ja": "", "item-1-key": "Bad Key", "item-0-position": "--5"}),
    )
    page = _text(bad)
    assert bad.status_code == 422
    assert "質問（日本語）：1〜500 文字で入力してください。" in page
    assert "キー：英小文字で始め、英小文字・数字・「_」を使ってください。" in page
    assert "順番：半角数字の整数で入力してください。" in page
    assert 'value="Bad Key"' in page and "I can speak up" in page
    # The error sits in the question's own row.
    row = page[page.index('id="item-1"') : page.index('id="item-2"')]
    assert "入力してください" in row
    scale = _text(owner.post("/questionnaires/new", headers=JA, data=_form(scale_max="1")))
    assert "最も高い回答：最も低い回答より大きくしてください。" in scale
    empty = _text(
        owner.post(
            "/questionnaires/new",
            headers=JA,
            data={"name": "x", "scale_min": "1", "scale_max": "5"},
        )
    )
    assert "質問を 1 つ以上書いてください" in empty


def test_same_validation_as_the_api_for_duplicate_keys(owner, client, users):
    page = _text(
        owner.post("/questionnaires/new", headers=JA, data=_form(**{"item-1-key": "trust_1"}))
    )
    assert "質問ごとに別のキーにしてください。" in page
    api = client.post(
        "/api/v1/instruments",
        headers=users.owner,
        json={
            "name": "x",
            "scale_min": 1,
            "scale_max": 4,
            "items": [
                {"key": "a", "text_ja": "a", "text_en": "a", "subscale": "s"},
                {"key": "a", "text_ja": "b", "text_en": "b", "subscale": "s"},
            ],
        },
    )
    assert api.status_code == 422 and "items" in api.json["errors"]


def test_preview_is_the_participant_form_read_only(owner):
    new_id = _created_id(owner.post("/questionnaires/new", data=_form()))
    page = _text(owner.get(f"/questionnaires/{new_id}/preview", headers=JA))
    assert (
        'id="survey-form"' in page and "同僚を信頼している" in page and "全くそう思わない" in page
    )
    assert "プレビュー" in page and "data-draft-url" not in page
    assert re.search(r'id="review"\s+disabled', page)


def test_frozen_questionnaire_is_read_only_and_makes_new_versions(app, owner, client, users):
    new_id = _created_id(owner.post("/questionnaires/new", data=_form()))
    make_pilot(client, users.owner, status="running", instrument_id=new_id)
    page = _text(owner.get(f"/questionnaires/{new_id}", headers=JA))
    assert "新しい版を作る" in page and ">編集<" not in page
    form = _text(owner.get(f"/questionnaires/{new_id}/edit", headers=JA))
    assert "新しい版として保存" in form
    second = _created_id(
        owner.post(f"/questionnaires/{new_id}/edit", data=_form(name="Team climate v2"))
    )
    assert second != new_id
    history = _text(owner.get(f"/questionnaires/{second}", headers=JA))
    assert "版 1" in history and "版 2" in history
    assert (
        client.get(f"/api/v1/instruments/{new_id}", headers=users.owner).json["name"]
        == "Team climate"
    )


def test_only_the_owning_organization_or_admins_edit(app, owner, client, users):
    new_id = _created_id(owner.post("/questionnaires/new", data=_form()))
    other = app.test_client()
    Users(app, other).login("owner@globex.example")
    assert other.get(f"/questionnaires/{new_id}").status_code == 404
    assert other.post(f"/questionnaires/{new_id}/edit", data=_form()).status_code == 404
    listed = client.get("/api/v1/instruments", headers=users.owner).json
    shipped = next(i["id"] for i in listed if i["organization"] is None)
    assert owner.get(f"/questionnaires/{shipped}/edit").status_code == 403
    reviewer = app.test_client()
    Users(app, reviewer).login("reviewer@example.com")
    assert reviewer.get("/questionnaires/new").status_code == 403
