"""The focus pages in Japanese and English: mark a focus area, add an action, start a pilot, and
read the story in order (baseline → actions and pilots → what changed)."""

from tests.factories import initiative_id

JA = {"Accept-Language": "ja"}
EN = {"Accept-Language": "en"}


def test_the_loop_through_the_pages_in_japanese(client, users, company):
    users.login("owner@acme.example")
    results = client.get(f"/company/rounds/{company['first']}/results", headers=JA)
    assert f'href="/company/rounds/{company["first"]}/focus"' in results.text

    page = client.get(f"/company/rounds/{company['first']}/focus", headers=JA)
    assert page.status_code == 200
    assert "重点課題" in page.text and "Focus area" not in page.text

    refused = client.post(
        f"/company/rounds/{company['first']}/focus",
        data={"what": "scale:total", "age_band": "20-24"},
        headers=JA,
    )
    assert refused.status_code == 422
    assert "回答者が 5 人未満" in refused.text and "rule" not in refused.text

    made = client.post(
        f"/company/rounds/{company['first']}/focus",
        data={"what": "scale:agency", "age_band": "45-49", "tenure_band": "11-20", "note": "挑戦"},
        headers=JA,
    )
    assert made.status_code == 302
    detail_url = made.headers["Location"]
    added = client.post(
        f"{detail_url}/actions",
        data={
            "what": "越境研修",
            "who": "人事部",
            "starts_on": "2026-05-01",
            "ends_on": "2026-06-30",
        },
        headers=JA,
    )
    assert added.status_code == 302
    pilot = client.post(
        f"{detail_url}/pilot",
        data={"initiative_id": initiative_id(client, users.owner)},
        headers=JA,
    )
    assert pilot.status_code == 302 and "/pilots/" in pilot.headers["Location"]
    pilot_page = client.get(pilot.headers["Location"], headers=JA).text
    assert 'id="rationale"' in pilot_page and f'href="{detail_url}"' in pilot_page

    story = client.get(detail_url, headers=JA).text
    order = [story.index(marker) for marker in ('id="baseline"', 'id="actions"', 'id="change"')]
    assert order == sorted(order)
    assert "越境研修" in story and "変化" in story and "2026" in story
    assert "45〜49" in story or "45-49" in story

    # the next round's focus page shows what changed by it
    later = client.get(f"/company/rounds/{company['second']}/focus", headers=JA).text
    assert 'id="followed"' in later and detail_url in later


def test_the_focus_page_in_english_marks_a_round_below_the_thresholds(app, client, users, company):
    from crossover.company.models import SurveyRound
    from crossover.extensions import db

    users.login("owner@acme.example")
    made = client.post(
        f"/api/v1/rounds/{company['first']}/focus", json={"scale": "total"}, headers=users.owner
    ).json
    with app.app_context():  # the later round as if fewer than half had answered
        later = db.session.get(SurveyRound, company["second"])
        publication = dict(later.publication)
        results = dict(publication["results"])
        results["participation"] = {**results["participation"], "rate": 0.4}
        later.publication = {**publication, "results": results}
        db.session.commit()
    story = client.get(f"/company/focus/{made['id']}", headers=EN).text
    assert 'id="not-comparable"' in story and "Not comparable" in story
    assert "What changed" in story


def test_other_companies_and_open_rounds(client, users, company):
    users.login("owner@globex.example")
    assert client.get(f"/company/rounds/{company['first']}/focus", headers=JA).status_code == 404


def test_the_trend_shows_each_focus_area_s_change(client, users, company):
    users.login("owner@acme.example")
    before = client.get(f"/company/surveys/{company['survey']}/trend", headers=JA).text
    assert 'id="trend-focus"' not in before
    made = client.post(
        f"/company/rounds/{company['first']}/focus",
        data={"what": "scale:total", "note": "全社"},
        headers=JA,
    )
    assert made.status_code == 302
    trend = client.get(f"/company/surveys/{company['survey']}/trend", headers=JA).text
    section = trend[trend.index('id="trend-focus"') :]
    assert "重点課題：次の回までに何が変わったか" in section
    assert made.headers["Location"] in section
