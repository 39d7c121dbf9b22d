"""The company survey's pages: a round's results, the trend, the disclosure download with the
session, and the consortium view (reviewers see the spread, an owner only its own band)."""

from datetime import date

import pytest
import sqlalchemy as sa

from crossover.audit import AuditEvent
from crossover.extensions import db
from tests.company import factories
from tests.company.factories import Employee
from tests.company.flows import disclosure_table
from tests.company.test_results_consortium import consortium  # noqa: F401  (fixture)

OWNER, OWNER2, REVIEWER = "owner@acme.example", "owner@globex.example", "reviewer@example.com"
JA = {"Accept-Language": "ja"}


def _answers(keys, i, level):
    return {key: min(5, max(1, level + (i + j) % 3 - 1)) for j, key in enumerate(keys)}


def small_cell_people(keys: list[str]) -> list[Employee]:
    """A 3 × 3 map of 30 respondents per cell at different levels, but one cell of 3 (withheld);
    everyone's engagement follows their cell's level."""
    ages, tenures = ("30-34", "45-49", "55-59"), ("3-5", "11-20", "21-30")
    cells = [
        (age, tenure, 3 if (age, tenure) == ("45-49", "11-20") else 30, 2 + (a + t) % 3)
        for a, age in enumerate(ages)
        for t, tenure in enumerate(tenures)
    ]
    people, i = [], 0
    for age, tenure, n, level in cells:
        for _ in range(n):
            people.append(
                Employee(
                    ref=f"p{i}",
                    age_band=age,
                    tenure_band=tenure,
                    unit=("Sales", "R&D")[i % 2],
                    engagement=1.5 * level + (i % 4) / 2,  # tied to the cell's level
                    answers=_answers(keys, i, level),
                )
            )
            i += 1
    return people


@pytest.fixture
def small_cell_round(app, users):
    """acme's round with three large cells and one of 3 respondents."""
    with app.app_context():
        keys = factories.item_keys(factories.shipped_instrument())
        survey = factories.add_survey(factories.organization("acme"))
        first = factories.add_round(
            survey,
            "2025",
            small_cell_people(keys),
            opens_on=date(2025, 4, 1),
            closes_on=date(2025, 4, 30),
        )
        db.session.commit()
        return {"survey": survey.id, "round": first.id}


def _page(client, url, headers=JA):
    response = client.get(url, headers=headers)
    return response, response.get_data(as_text=True)


def test_round_page_in_japanese_shows_labels_and_withholds_the_small_cell(
    client, users, small_cell_round
):
    users.login(OWNER)
    response, html = _page(client, f"/company/rounds/{small_cell_round['round']}/results")
    assert response.status_code == 200
    labels = ("参加状況", "30-34歳", "勤続11-20年", "主体的な行動", "色の凡例", "取り組むべきこと")
    for text in labels:
        assert text in html, text
    assert "agency" not in html.replace("data-", "")  # subscale labels, never keys
    summary = html.split('id="engagement-summary">', 1)[1].split("</p>", 1)[0]
    assert summary.startswith("中程度の正の相関（r = 0.39")  # 0.30 ≤ |r| < 0.50: moderate
    assert "いいえ。" in html  # engagement is not lowered
    assert "エンゲージメントを下げるか" in html
    # the 3-person cell is withheld, and says why
    cell = html.split('data-age="45-49" data-tenure="11-20"', 1)[1].split("</td>", 1)[0]
    assert "n < 5" in cell and "n = 3" not in cell
    assert html.count('<td class="cell" style="background: #') >= 4  # coloured, shown cells
    assert html.count('class="point"') >= 2 and 'class="fit"' in html
    assert "<title>エンゲージメントスコア別" in html
    assert f"/company/rounds/{small_cell_round['round']}/disclosure.csv" in html
    assert f"/company/surveys/{small_cell_round['survey']}/trend" in html
    assert "-0.00" not in html


def test_complementary_withholding_is_worded(client, users, small_cell_round):
    users.login(OWNER)
    _, html = _page(client, f"/company/rounds/{small_cell_round['round']}/results")
    # with one cell of the 45-49 row withheld, its row margin or a neighbour must be too
    assert "小さなグループを守るため非表示" in html


def test_trend_page_lists_rounds_and_changes(client, users, company):
    users.login(OWNER)
    response, html = _page(client, f"/company/surveys/{company['survey']}/trend")
    assert response.status_code == 200
    assert "2025 → 2026" in html and "パネル" in html
    assert "<svg" in html and "95%信頼区間" in html
    assert "p = " in html or "p < 0.001" in html
    assert "-0.00" not in html and "p = < " not in html


def test_reviewer_gets_403_and_another_company_404(client, users, company):
    users.login(REVIEWER)
    assert client.get(f"/company/rounds/{company['first']}/results").status_code == 403
    assert client.get(f"/company/surveys/{company['survey']}/trend").status_code == 403
    assert client.get(f"/company/rounds/{company['first']}/disclosure.csv").status_code == 403
    client.post("/logout")
    users.login(OWNER2)
    assert client.get(f"/company/rounds/{company['first']}/results").status_code == 404
    assert client.get(f"/company/surveys/{company['survey']}/trend").status_code == 404
    assert client.get(f"/company/rounds/{company['first']}/disclosure.csv").status_code == 404


def test_page_export_has_bom_no_store_and_is_audited(app, client, users, company):
    users.login(OWNER)
    response = client.get(f"/company/rounds/{company['second']}/disclosure.csv", headers=JA)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    definitions, header, rows = disclosure_table(body.decode("utf-8-sig"))
    assert header[0] == "回" and "質問紙" in definitions  # Japanese header and definitions
    assert len(rows) == 2  # the two rounds
    with app.app_context():
        logged = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "round.disclosure_export")
        ).all()
        assert [e.target_id for e in logged] == [company["second"]]


def test_reviewer_consortium_page_names_no_company(client, users, consortium):  # noqa: F811
    users.login(REVIEWER)
    response, html = _page(client, "/consortium/company-surveys")
    assert response.status_code == 200
    assert "<svg" in html and 'class="num">10</td>' in html  # companies counted
    for name in ("Acme", "Globex", "Initech", "Umbrella", "Tiny", "acme"):
        assert name not in html
    assert "2.42" in html and "3.17" in html and "3.92" in html  # quartiles (R type 7)
    assert 'id="quartile-rule"' in html and "10社以上" in html
    assert "組織サーベイの分布" in html  # the nav entry


def test_owner_consortium_page_shows_only_its_band(client, users, consortium):  # noqa: F811
    users.login(OWNER)
    response, html = _page(client, "/consortium/company-surveys")
    assert response.status_code == 200
    # acme's mean 11/3 lies between the median (3.17) and the third quartile (3.92)
    assert "中央値から第3四分位の間" in html
    assert "第1四分位未満" not in html and "第3四分位以上" not in html
    for figure in ("2.42", "3.17", "3.92", "3.06", "2.95", "<svg"):
        assert figure not in html
    assert "組織サーベイの分布" not in html  # reviewers' nav entry only


def test_trend_marks_an_instrument_change(app, client, users):
    with app.app_context():
        survey = factories.add_survey(factories.organization("acme"))
        first = factories.shipped_instrument()
        keys = factories.item_keys(first)
        staff = [
            Employee(f"e{i}", "30-34", "3-5", "Sales", answers=_answers(keys, i, 3))
            for i in range(12)
        ]
        factories.add_round(survey, "2025", staff)
        factories.add_round(
            survey,
            "2026",
            staff,
            opens_on=date(2026, 4, 1),
            closes_on=date(2026, 4, 30),
            instrument=factories.next_version(first),
        )
        db.session.commit()
        survey_id = survey.id
    users.login(OWNER)
    _, html = _page(client, f"/company/surveys/{survey_id}/trend")
    assert html.count('class="break"') == 1 and "設問の版を変更" in html
    assert "この2回の間で設問の版が変わりました" in html


def test_items_to_work_on_show_the_item_text_in_the_page_language(
    app, client, users, small_cell_round
):
    with app.app_context():
        items = factories.shipped_instrument().items
        ja, en = items[0].text_ja, items[0].text_en
    users.login(OWNER)
    _, html = _page(client, f"/company/rounds/{small_cell_round['round']}/results")
    listed = html.split('id="items-list"', 1)[1].split("</ol>", 1)[0]
    assert ja in listed and en not in listed and listed.count("<li>") == len(items)
    _, english = _page(
        client, f"/company/rounds/{small_cell_round['round']}/results", {"Accept-Language": "en"}
    )
    assert en in english.split('id="items-list"', 1)[1]
    assert "Participation" in english
