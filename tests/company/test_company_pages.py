"""Owner pages of company surveys: list with its nav entry, create forms (errors beside the field,
input kept), the round page (status table, engagement upload, sending, erasure), roles; the
participant pages for a roster link (opening screen with the privacy promise, confirmation,
thanks)."""

import io

import sqlalchemy as sa

from crossover.company.models import RoundResponse
from crossover.extensions import db
from tests.company.flows import (
    ANSWERS,
    close,
    member_tokens,
    setup_round,
)

JA = {"Accept-Language": "ja"}


def test_nav_list_and_create_forms_in_japanese(client, users):
    users.login("owner@acme.example")
    home = client.get("/company/surveys", headers=JA).get_data(as_text=True)
    assert ">組織サーベイ</a>" in home and "組織サーベイはまだありません" in home

    blank = client.post("/company/surveys", data={"title": ""}, headers=JA)
    assert blank.status_code == 422 and 'class="field-error"' in blank.get_data(as_text=True)

    created = client.post("/company/surveys", data={"title": "2026 調査"}, headers=JA)
    assert created.status_code == 302
    survey_url = created.headers["Location"]
    page = client.get(survey_url, headers=JA).get_data(as_text=True)
    assert "組織サーベイ「2026 調査」を作成しました" in page

    bad = client.post(
        f"{survey_url}/rounds",
        data={"label": "2026", "opens_on": "2026-04-10", "closes_on": "2026-04-01"},
        headers=JA,
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="2026-04-10"' in html and 'value="2026"' in html
    assert "「開始」より前の日付にはできません。" in html

    good = client.post(
        f"{survey_url}/rounds",
        data={"label": "2026", "opens_on": "2026-04-01", "closes_on": "2026-04-30"},
        headers=JA,
    )
    assert good.status_code == 302 and "/company/rounds/" in good.headers["Location"]
    again = client.post(
        f"{survey_url}/rounds",
        data={"label": "2026", "opens_on": "2026-05-01", "closes_on": "2026-05-30"},
        headers=JA,
    ).get_data(as_text=True)
    assert "この調査の別のラウンドで使われています" in again


def test_round_page_lists_counts_engagement_and_erases(app, client, users):
    _, round_, _ = setup_round(client, users.owner, rows=3, engagement=False)
    client.post(f"/api/v1/surveys/{member_tokens(app, round_['id'])[0]}", json={"answers": ANSWERS})
    users.login("owner@acme.example")
    url = f"/company/rounds/{round_['id']}"
    page = client.get(url, headers=JA).get_data(as_text=True)
    assert "名簿に3人" in page and "実施中" in page and 'id="close-form"' in page
    assert f'href="{url}/results"' not in page  # nothing about scores while open
    assert "E00000" not in page  # refs are never shown again
    # Who answered: no per-row status; three invited are fewer than K, so no count either.
    assert 'id="answered">—<' in page and "回答済み</td>" not in page

    data = b"employee_ref,engagement\nE00000,4\nE99999,3\n"
    done = client.post(
        f"{url}/engagement",
        data={"file": (io.BytesIO(data), "e.csv")},
        content_type="multipart/form-data",
        headers=JA,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1人のエンゲージメント・スコアを登録しました" in done and "1人はこのラウンド" in done

    bad = client.post(
        f"{url}/engagement",
        data={"file": (io.BytesIO(b"employee_ref,engagement\nE00000,x\n"), "e.csv")},
        content_type="multipart/form-data",
        headers=JA,
    )
    assert bad.status_code == 409 and 'id="engagement-errors"' in bad.get_data(as_text=True)
    assert "一度だけ" in bad.get_data(as_text=True)

    rows = client.get(f"/api/v1/rounds/{round_['id']}/invitations", headers=users.owner).json
    erased = client.post(f"{url}/roster/{rows[1]['id']}/erase", headers=JA, follow_redirects=True)
    assert "メールアドレスを消去しました" in erased.get_data(as_text=True)
    rows = client.get(f"/api/v1/rounds/{round_['id']}/invitations", headers=users.owner).json
    assert [r["has_contact"] for r in rows] == [True, False, True]


def test_pages_are_for_owners_of_the_organisation(client, users):
    survey, round_, _ = setup_round(client, users.owner, rows=1)
    users.login("owner@globex.example")
    assert client.get(f"/company/rounds/{round_['id']}").status_code == 404
    assert client.get(f"/company/surveys/{survey['id']}").status_code == 404
    client.post("/logout")
    users.login("reviewer@example.com")
    assert client.get(f"/company/rounds/{round_['id']}").status_code == 403
    assert client.get("/company/surveys").status_code == 403


def test_roster_link_through_the_pages_opening_confirm_thanks(app, client, users):
    _, round_, _ = setup_round(client, users.owner, rows=1)
    token = member_tokens(app, round_["id"])[0]
    opening = client.get(f"/s/{token}", headers=JA).get_data(as_text=True)
    assert "組織サーベイ（2026）" in opening and "キャリア・オーナーシップ調査" in opening
    assert "5人以上の集団" in opening and "プログラム" not in opening
    english = client.get(f"/s/{token}?lang=en").get_data(as_text=True)
    assert "Workplace survey (2026)" in english and "groups of 5 or more" in english
    visible = english.replace('class="muted pilot-title"', "")
    assert "programme" not in visible and "pilot" not in visible.lower()

    form = {f"answer_{k}": str(v) for k, v in ANSWERS.items()}
    partial = client.post(f"/s/{token}", data={"answer_vision_1": "4", "step": "review"})
    assert partial.status_code == 422  # the rest is missing; the given answer is kept as a draft
    resumed = client.get(f"/s/{token}", headers=JA).get_data(as_text=True)
    assert 'value="4" checked' in resumed
    # F5: another browser with the same link (a forwarded mail) gets no draft back.
    elsewhere = app.test_client()
    assert "checked" not in elsewhere.get(f"/s/{token}?start=1", headers=JA).get_data(as_text=True)
    assert elsewhere.get(f"/api/v1/surveys/{token}").json["draft"] is None
    confirm = client.post(f"/s/{token}", data={**form, "step": "review"}, headers=JA)
    assert confirm.status_code == 200
    assert "回答内容をご確認ください" in confirm.get_data(as_text=True)
    sent = client.post(f"/s/{token}", data={**form, "step": "submit"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/thanks")
    thanks = client.get(f"/s/{token}/thanks", headers=JA).get_data(as_text=True)
    assert 'id="thanks"' in thanks and "next-wave" not in thanks
    again = client.get(f"/s/{token}", headers=JA).get_data(as_text=True)
    assert 'id="unavailable"' in again
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoundResponse)) == 1
        db.session.remove()


def test_closed_round_link_shows_the_closed_page(app, client, users):
    _, round_, _ = setup_round(client, users.owner, rows=1)
    close(client, users.owner, round_["id"])
    token = member_tokens(app, round_["id"])[0]
    page = client.get(f"/s/{token}?lang=en").get_data(as_text=True)
    assert 'id="unavailable"' in page and "This survey is closed" in page
