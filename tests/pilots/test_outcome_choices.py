"""The new-pilot form offers as primary outcome only the chosen questionnaire's total and
subscales, by their labels, and refuses another in Japanese naming the field."""

import re

from tests.pilots.test_pages import _register as register

JA = {"Accept-Language": "ja"}


def _register(client, users, **overrides):
    return register(client, users, headers=JA, **{"min_dz": "0.2", **overrides})


def _instrument(client, headers, subscales) -> dict:
    items = [
        {"key": f"{s}_{i}", "text_ja": "問", "text_en": "Q", "subscale": s, "reverse": False}
        for s in subscales
        for i in (1, 2)
    ]
    payload = {"name": "社内調査", "scale_min": 1, "scale_max": 5, "items": items}
    response = client.post("/api/v1/instruments", headers=headers, json=payload)
    assert response.status_code == 201, response.json
    return response.json


def _enabled_outcomes(page: str) -> list[str]:
    select = page.split('<select id="outcome"')[1].split("</select>")[0]
    return [
        value
        for value, rest in re.findall(r'<option value="([^"]+)"([^>]*)>', select)
        if "disabled" not in rest
    ]


def test_form_offers_only_the_chosen_questionnaires_outcomes(client, users):
    users.login("owner@acme.example")
    page = client.get("/pilots/new", headers=JA).get_data(as_text=True)
    assert _enabled_outcomes(page) == ["total", "vision", "agency", "learning", "connection"]
    assert "下位尺度: 見通し" in page and "下位尺度: vision" not in page
    assert '<script src="/static/js/outcome-choices.js" defer></script>' in page
    custom = _instrument(client, users.owner, ["growth", "network"])
    page = client.get("/pilots/new", headers=JA).get_data(as_text=True)
    assert "growth" in page  # on offer only once its questionnaire is chosen
    # a failed submit with the custom questionnaire chosen keeps its outcomes on offer
    failed = _register(client, users, instrument_id=str(custom["id"]), outcome="growth", title="")
    assert _enabled_outcomes(failed.get_data(as_text=True)) == ["total", "growth", "network"]


def test_an_outcome_of_another_questionnaire_is_refused_in_japanese(client, users):
    users.login("owner@acme.example")
    response = _register(client, users, outcome="network")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "主要アウトカムには、選んだ質問票の合計スコアか下位尺度を選んでください。" in page
    assert "次のいずれかを選んでください: 合計スコア、見通し、主体的な行動" in page
    assert "Unknown outcome" not in page and "Use one of" not in page
