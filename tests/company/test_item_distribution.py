"""Issue 23's company survey views: each item's favourable / neutral / unfavourable shares (hand-
computed below), the trend's not-comparable rounds, rounds that may not overlap, the disclosure
CSV's definitions read back with the csv module, and the printable disclosure page."""

from datetime import date

import pytest

from crossover.extensions import db
from tests.company import factories
from tests.company.factories import Employee
from tests.company.flows import disclosure_table, make_round, make_survey

FIRST = {"opens_on": date(2025, 4, 1), "closes_on": date(2025, 4, 30)}
SECOND = {"opens_on": date(2026, 4, 1), "closes_on": date(2026, 4, 30)}
JA, EN = {"Accept-Language": "ja"}, {"Accept-Language": "en"}

# Raw answers of six respondents to vision_1 (straight) and vision_3 (reverse-keyed); every
# other item is answered 3. Recoded vision_3 = 6 − raw.
VISION_1 = [5, 4, 4, 3, 2, 1]  # favourable 3/6, neutral 1/6, unfavourable 2/6
VISION_3 = [1, 1, 2, 3, 5, 4]  # recoded 5 5 4 3 1 2: favourable 3/6, neutral 1/6, unfav 2/6
# The same people on a 1–7 version: favourable 6–7, neutral 3–5, unfavourable 1–2.
VISION_1_SEVEN = [7, 6, 5, 4, 3, 1]  # favourable 2/6, neutral 3/6, unfavourable 1/6
VISION_3_SEVEN = [1, 3, 7, 4, 2, 2]  # recoded (8 − raw) 7 5 1 4 6 6: fav 3/6, neu 2/6, unf 1/6


def _people(keys, vision_1, vision_3, middle=3, prefix="p"):
    people = []
    for i, (first, third) in enumerate(zip(vision_1, vision_3, strict=True)):
        answers = dict.fromkeys(keys, middle)
        answers["vision_1"], answers["vision_3"] = first, third
        people.append(Employee(f"{prefix}{i}", "30-34", "3-5", "Sales", None, answers))
    return people


def _survey(app, *rounds, scale_max=None):
    """Closed rounds of one survey: each (label, vision_1, vision_3, dates, middle)."""
    with app.app_context():
        instrument = factories.shipped_instrument()
        keys = factories.item_keys(instrument)
        if scale_max:
            instrument = factories.next_version(instrument, scale_max=scale_max)
        survey = factories.add_survey(factories.organization("acme"))
        ids = [
            factories.add_round(
                survey, label, _people(keys, v1, v3, middle), instrument=instrument, **dates
            ).id
            for label, v1, v3, dates, middle in rounds
        ]
        db.session.commit()
        return survey.id, ids


def _results(client, users, round_id):
    response = client.get(f"/api/v1/rounds/{round_id}/results", headers=users.owner)
    assert response.status_code == 200, response.json
    return response.json


def _items(results):
    return {item["key"]: item for item in results["item_distribution"]}


def _shares(item):
    return (item["favourable"], item["neutral"], item["unfavourable"])


def test_item_shares_match_hand_counts_reverse_keyed_recoded(app, client, users):
    _survey_id, (round_id,) = _survey(app, ("2025", VISION_1, VISION_3, FIRST, 3))
    items = _items(_results(client, users, round_id))
    assert len(items) == 12
    assert _shares(items["vision_1"]) == pytest.approx((3 / 6, 1 / 6, 2 / 6))
    assert _shares(items["vision_3"]) == pytest.approx((3 / 6, 1 / 6, 2 / 6))
    assert items["vision_3"]["reverse"] and not items["vision_1"]["reverse"]
    assert items["vision_3"]["subscale"] == "vision" and items["vision_1"]["n"] == 6
    assert _shares(items["agency_1"]) == (0, 1, 0)  # everyone answered 3
    assert items["vision_1"]["change_favourable"] is None  # no earlier round


def test_a_seven_point_scale_is_banded_at_its_quarters(app, client, users):
    _survey_id, (round_id,) = _survey(
        app, ("2025", VISION_1_SEVEN, VISION_3_SEVEN, FIRST, 4), scale_max=7
    )
    items = _items(_results(client, users, round_id))
    assert _shares(items["vision_1"]) == pytest.approx((2 / 6, 3 / 6, 1 / 6))
    assert _shares(items["vision_3"]) == pytest.approx((3 / 6, 2 / 6, 1 / 6))
    assert _shares(items["agency_1"]) == (0, 1, 0)  # 4, the middle of 1–7


def test_change_is_against_the_previous_published_round(app, client, users):
    later_1 = [5, 5, 5, 4, 2, 1]  # favourable 4/6 (was 3/6)
    _survey_id, (first, second) = _survey(
        app,
        ("2025", VISION_1, VISION_3, FIRST, 3),
        ("2026", later_1, VISION_3, SECOND, 4),
    )
    items = _items(_results(client, users, second))
    assert items["vision_1"]["change_favourable"] == pytest.approx(4 / 6 - 3 / 6)
    assert items["vision_3"]["change_favourable"] == pytest.approx(0)
    assert items["agency_1"]["change_favourable"] == pytest.approx(1)  # 3 → 4 for everyone
    # The earlier round's publication is frozen: it knows nothing of the later one.
    assert _items(_results(client, users, first))["vision_1"]["change_favourable"] is None


def test_a_small_round_publishes_no_item_shares_and_no_change(app, client, users):
    _survey_id, (first, second) = _survey(
        app,
        ("2025", VISION_1, VISION_3, FIRST, 3),
        ("2026", VISION_1[:4], VISION_3[:4], SECOND, 3),
    )
    small = _results(client, users, second)
    assert small["total"]["suppressed"] and small["item_distribution"] == []
    assert _items(_results(client, users, first))["vision_1"]["favourable"] == pytest.approx(0.5)
    users.login("owner@acme.example")
    html = client.get(f"/company/rounds/{second}/results", headers=JA).get_data(as_text=True)
    section = html.split('id="item-distribution"', 1)[1].split("</section>", 1)[0]
    assert "likert-bar" not in section and "n < 5" in section


def _crowd(keys, n, answered, level, prefix):
    """n invited, the first `answered` of them answering every item at `level`."""
    return [
        Employee(
            f"{prefix}{i}",
            "30-34",
            "3-5",
            "Sales",
            None,
            dict.fromkeys(keys, level if i % 2 else level - 1) if i < answered else None,
        )
        for i in range(n)
    ]


def test_small_or_low_response_rounds_are_not_comparable_and_never_called_real(app, client, users):
    """40 of 50 answered, then 15 of 48 (31%, the issue's case), then 40 of 100: only the
    first is comparable; the changes are significant (p < 0.001) but never judged real."""
    with app.app_context():
        keys = factories.item_keys(factories.shipped_instrument())
        survey = factories.add_survey(factories.organization("acme"))
        factories.add_round(survey, "2024", _crowd(keys, 50, 40, 2, "a"), **FIRST)
        factories.add_round(survey, "2025", _crowd(keys, 48, 15, 5, "a"), **SECOND)
        factories.add_round(
            survey,
            "2026",
            _crowd(keys, 100, 40, 2, "a"),
            opens_on=date(2026, 9, 1),
            closes_on=date(2026, 9, 30),
        )
        db.session.commit()
        survey_id = survey.id
    trend = client.get(f"/api/v1/company-surveys/{survey_id}/trend", headers=users.owner).json
    assert [r["not_comparable"] for r in trend["rounds"]] == [
        [],
        ["response_rate", "respondents"],
        ["response_rate"],
    ]
    assert [c["comparable"] for c in trend["changes"]] == [False, False]
    assert all(c["welch"]["p"] < 0.001 for c in trend["changes"])
    users.login("owner@acme.example")
    html = client.get(f"/company/surveys/{survey_id}/trend", headers=JA).get_data(as_text=True)
    assert "偶然とは考えにくい変化" not in html
    assert html.count("この変化は判定しません") == 2
    assert "いいえ: 回答率50%未満; 回答者30人未満" in html
    english = client.get(f"/company/surveys/{survey_id}/trend", headers=EN).get_data(as_text=True)
    assert "unlikely to be chance" not in english and "this change is not judged" in english


def test_rounds_of_one_survey_may_not_overlap_api_and_page(app, client, users):
    survey = make_survey(client, users.owner)
    first = make_round(client, users.owner, survey["id"], label="2025", opens=-1, closes=30)
    response = client.post(
        f"/api/v1/company-surveys/{survey['id']}/rounds",
        headers=users.owner,
        json={"label": "2026", "opens_on": first["closes_on"], "closes_on": "2099-01-01"},
    )
    assert response.status_code == 422
    dates = f"({first['opens_on']} to {first['closes_on']})"
    assert response.json["errors"]["opens_on"] == [f"Overlaps round '2025' {dates}."]
    # the day after is fine
    make_round(client, users.owner, survey["id"], label="2026", opens=31, closes=60)
    users.login("owner@acme.example")
    page = client.post(
        f"/company/surveys/{survey['id']}/rounds",
        data={"label": "2027", "opens_on": "2000-01-01", "closes_on": first["opens_on"]},
        headers=JA,
    )
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert f"回「2025」（{first['opens_on']}〜{first['closes_on']}）と重なっています" in html
    with app.app_context():
        from crossover.company.models import SurveyRound

        assert db.session.query(SurveyRound).count() == 2  # nothing half-written


def test_disclosure_csv_definitions_read_back_with_csv(app, client, users):
    _survey_id, (_first, second) = _survey(
        app,
        ("2025", VISION_1, VISION_3, FIRST, 3),
        ("2026", VISION_1, VISION_3, SECOND, 5),
    )
    response = client.get(f"/api/v1/rounds/{second}/disclosure.csv", headers={**users.owner, **EN})
    body = response.data
    assert body.startswith("\ufeff".encode())
    definitions, header, rows = disclosure_table(body.decode("utf-8-sig"))
    assert list(definitions)[:3] == ["Survey", "Questionnaire", "Response scale"]
    assert definitions["Questionnaire"].endswith("version 1 (rounds: 2025, 2026)")
    assert definitions["Response scale"].startswith("1 to 5 ")
    assert "4 or more" in definitions["Favourable (%)"]
    assert definitions["Minimum group size (K)"].startswith("K = 5 people")
    assert "t distribution" in definitions["95 percent CI"]
    assert "Decimals" in definitions and "Exported on" in definitions
    assert header[0] == "Round" and [row[0] for row in rows] == ["2025", "2026"]
    row = dict(zip(header, rows[1], strict=True))
    # Every other item answered 5 (the three other reverse-keyed ones recode to 1): 38, plus
    # vision_1 (5 4 4 3 2 1) and recoded vision_3 (5 5 4 3 1 2): sums 48 47 46 44 41 41 over 12
    # items; one of six at 4 or more.
    assert row["Favourable (%)"] == "16.7"
    assert row["Response rate (%)"] == "100.0"  # one decimal always, never 100
    assert row["Mean"] == f"{(48 + 47 + 46 + 44 + 41 + 41) / 72:.2f}" == "3.71"
    ja = client.get(f"/api/v1/rounds/{second}/disclosure.csv", headers={**users.owner, **JA})
    definitions, header, _rows = disclosure_table(ja.data.decode("utf-8-sig"))
    assert definitions["最小集計人数（K）"].startswith("K = 5人")
    assert header[0] == "回"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_printable_disclosure_page(app, client, users, lang):
    _survey_id, (_first, second) = _survey(
        app,
        ("2025", VISION_1, VISION_3, FIRST, 3),
        ("2026", VISION_1, VISION_3, SECOND, 4),
    )
    users.login("owner@acme.example")
    headers = {"Accept-Language": lang}
    results = client.get(f"/company/rounds/{second}/results", headers=headers)
    link = f"/company/rounds/{second}/disclosure"
    assert f'href="{link}"' in results.get_data(as_text=True)
    if lang == "ja":
        assert "人的資本開示" in results.get_data(as_text=True)
    response = client.get(link, headers=headers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="main-nav"' not in html and "site-header" not in html
    assert "print.css" in html and f'lang="{lang}"' in html
    assert "2026-04-01" in html  # the round's dates
    words = {
        "ja": ("質問票: ", "人的資本の開示での引用のしかた", "時点の数値", "いいえ: 回答者30人"),
        "en": ("Questionnaire: ", "How to cite these figures", "Figures as of", "No: under 30"),
    }[lang]
    for text in words:
        assert text in html, text
    assert html.count('id="cite-title"') == 1
    # a reviewer has no printable page of a company's round
    client.post("/logout")
    users.login("reviewer@example.com")
    assert client.get(link).status_code == 403
