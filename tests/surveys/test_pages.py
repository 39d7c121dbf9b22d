"""The participant pages at /s/<token>."""

import re

import sqlalchemy as sa

from crossover.extensions import db
from crossover.surveys.models import Response
from tests.factories import enroll, make_pilot

FULL = {
    f"answer_{s}_{i}": "4"
    for s in ("vision", "agency", "learning", "connection")
    for i in (1, 2, 3)
}


def _links(client, users):
    pilot = make_pilot(client, users.owner, status="running")
    person = enroll(client, users.owner, pilot["id"])
    return pilot, {i["wave"]: i["token"] for i in person["invitations"]}


def test_survey_is_japanese_by_default_even_for_english_browsers(client, users):
    _, links = _links(client, users)
    page = client.get(f"/s/{links['pre']}?start=1", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "プログラム開始前のアンケート" in page and "まったくあてはまらない" in page
    assert page.count('type="radio"') == 60 and "12問中 0問 回答済み" in page
    client.get(f"/lang/en?next=/s/{links['pre']}")
    english = client.get(f"/s/{links['pre']}?start=1").get_data(as_text=True)
    assert "Survey before the programme" in english and "Very true of me" in english


def test_missing_answers_keep_the_others(client, users):
    _, links = _links(client, users)
    partial = dict(FULL)
    del partial["answer_agency_2"]
    response = client.post(f"/s/{links['pre']}", data=partial)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="q-agency_2"' in page and "この設問にお答えください。" in page
    assert page.count("checked required") == 11
    # The banner names the missing question by its number, and the page lands on it.
    assert '<a href="#q-agency_2">問5</a>' in page
    assert re.search(r'name="answer_agency_2" value="1"\s+required autofocus', page)


def test_review_then_send_then_thank_you(app, client, users):
    _, links = _links(client, users)
    review = client.post(f"/s/{links['pre']}", data=FULL).get_data(as_text=True)
    assert (
        "回答内容をご確認ください" in review and review.count('type="hidden" name="answer_') == 12
    )
    edit = client.post(f"/s/{links['pre']}", data={**FULL, "step": "edit"}).get_data(as_text=True)
    assert edit.count("checked required") == 12
    sent = client.post(f"/s/{links['pre']}", data={**FULL, "step": "submit"})
    assert sent.status_code == 302 and sent.location.endswith(f"/s/{links['pre']}/thanks")
    assert "ご回答ありがとうございました" in client.get(sent.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Response.scores))["total"] == (4 * 8 + 2 * 4) / 12


def test_used_and_closed_links_show_friendly_pages(client, users):
    pilot, links = _links(client, users)
    client.post(f"/s/{links['pre']}", data={**FULL, "step": "submit"})
    again = client.get(f"/s/{links['pre']}")
    assert again.status_code == 200 and "回答済み" in again.get_data(as_text=True)
    double = client.post(f"/s/{links['pre']}", data={**FULL, "step": "submit"})
    assert double.status_code == 200 and "回答済み" in double.get_data(as_text=True)
    client.post(
        f"/api/v1/pilots/{pilot['id']}/transitions", headers=users.owner, json={"to": "closed"}
    )
    closed = client.get(f"/s/{links['intake']}").get_data(as_text=True)
    assert "締め切りました" in closed
    not_open = make_pilot(client, users.owner, status="running")
    later = {
        i["wave"]: i["token"] for i in enroll(client, users.owner, not_open["id"])["invitations"]
    }
    assert "まだ回答できません" in client.get(f"/s/{later['post']}").get_data(as_text=True)


def test_intake_page_needs_one_concern(app, client, users):
    _, links = _links(client, users)
    page = client.get(f"/s/{links['intake']}?start=1").get_data(as_text=True)
    assert 'name="concerns"' in page and "社外の人脈" in page
    assert client.post(f"/s/{links['intake']}", data={"note": "x"}).status_code == 422
    mixed = client.post(f"/s/{links['intake']}", data={"concerns": ["none", "health"], "note": "x"})
    assert (
        mixed.status_code == 422
        and "「特にない」は他の回答と一緒に選べません" in mixed.get_data(as_text=True)
    )
    sent = client.post(
        f"/s/{links['intake']}",
        data={"concerns": ["network", "health"], "note": "メモ", "step": "submit"},
    )
    assert sent.status_code == 302
    with app.app_context():
        stored = db.session.scalar(sa.select(Response))
        assert (
            stored.concerns == ["network", "health"]
            and stored.note == "メモ"
            and stored.scores == {}
        )


def test_unknown_link_is_a_404_page(client):
    response = client.get("/s/" + "z" * 32)
    assert response.status_code == 404 and response.content_type.startswith("text/html")


def test_intake_thank_you_page_leads_on_to_pre(client, users):
    _, links = _links(client, users)
    sent = client.post(f"/s/{links['intake']}", data={"concerns": ["none"], "step": "submit"})
    thanks = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "次のアンケートに進む" in thanks and f'href="/s/{links["pre"]}"' in thanks
    client.post(f"/s/{links['pre']}", data={**FULL, "step": "submit"})
    assert "次のアンケートに進む" not in client.get(f"/s/{links['pre']}/thanks").get_data(
        as_text=True
    )


def test_opening_screen_first_then_a_resumed_link_goes_straight_to_the_questions(client, users):
    _, links = _links(client, users)
    opening = client.get(f"/s/{links['pre']}").get_data(as_text=True)
    assert 'id="opening"' in opening and "約3分（12問）" in opening and "5人以上" in opening
    assert 'type="radio"' not in opening and f'href="/s/{links["pre"]}?start=1"' in opening
    # Reviewing three answers keeps them as a draft, without JavaScript.
    client.post(
        f"/s/{links['pre']}",
        data={"answer_vision_1": "5", "answer_vision_2": "2", "answer_agency_1": "3"},
    )
    resumed = client.get(f"/s/{links['pre']}").get_data(as_text=True)
    assert 'id="opening"' not in resumed and "12問中 3問 回答済み" in resumed
    assert resumed.count(" checked") == 3
