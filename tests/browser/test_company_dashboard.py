"""The company survey's pages in Chromium, in Japanese: a round's results, the trend (with a
version break) and the consortium view for a reviewer and an owner pass axe-core (no serious or
critical violation, colour contrast of the map included) and run under the CSP."""

from datetime import date

from crossover.auth.models import Role
from crossover.extensions import db
from tests.browser.axe import assert_accessible
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_staff_pages import OWNER, _sign_in
from tests.company import factories
from tests.company.test_dashboard_pages import small_cell_people
from tests.company.test_results_consortium import COMPANIES, _people
from tests.conftest import Users

REVIEWER = "reviewer@example.com"


def _companies(app) -> dict:
    """acme: two rounds (the second on a new questionnaire version) with a withheld map cell;
    nine other companies: a 2025 round each, so the consortium shows 2025 with its quartiles."""
    users = Users(app, app.test_client())
    users.create(OWNER, Role.OWNER, "acme")
    users.create(REVIEWER, Role.REVIEWER)
    with app.app_context():
        instrument = factories.shipped_instrument()
        keys = factories.item_keys(instrument)
        survey = factories.add_survey(factories.organization("acme"))
        first = factories.add_round(survey, "2025", small_cell_people(keys))
        factories.add_round(
            survey,
            "2026",
            small_cell_people(keys),
            opens_on=date(2026, 4, 1),
            closes_on=date(2026, 4, 30),
            instrument=factories.next_version(instrument),
        )
        for slug, n, level, lowered in COMPANIES[1:]:
            other = factories.add_survey(factories.organization(slug))
            factories.add_round(other, "2025", _people(instrument.items, n, level, lowered))
        db.session.commit()
        return {"survey": survey.id, "round": first.id}


def test_company_dashboard_pages_in_japanese_are_accessible(live, browser):
    app, base = live
    ids = _companies(app)
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    _sign_in(page, base, OWNER)

    page.goto(f"{base}/company/rounds/{ids['round']}/results")
    assert page.locator("h1").inner_text().startswith("サーベイ結果")
    assert page.locator('#map-table td.withheld[data-age="45-49"][data-tenure="11-20"]').count()
    assert page.locator("#map-legend ul.scale li").count() == 7
    assert page.locator("#engagement svg.scatter circle.point").count() >= 2
    page.click("#engagement details summary")
    assert page.locator("#distribution-table tbody tr").count() == 12
    assert_accessible(page, "round results (ja, owner)")

    page.click("#disclosure-print-link")
    page.wait_for_url(f"{base}/company/rounds/{ids['round']}/disclosure")
    assert "人的資本" in page.locator("#cite-title").inner_text()
    assert_accessible(page, "printable disclosure (ja, owner)")
    page.emulate_media(media="print")
    assert not page.locator("#back").is_visible() and page.locator(".main-nav").count() == 0
    assert "質問票: " in page.locator("#disclosure-meta").inner_text()
    page.emulate_media(media="screen")
    page.goto(f"{base}/company/rounds/{ids['round']}/results")

    page.click("#trend-link")
    page.wait_for_url(f"{base}/company/surveys/{ids['survey']}/trend")
    assert page.locator("svg.trend line.break").count() == 1
    assert page.locator("svg.trend circle.estimate").count() == 2
    assert_accessible(page, "trend (ja, owner)")

    page.goto(f"{base}/consortium/company-surveys")
    assert page.locator("#own-bands li").count() == 1
    assert_accessible(page, "consortium view (ja, owner)")
    console.assert_clean()


def test_consortium_page_for_a_reviewer_is_accessible(live, browser):
    app, base = live
    _companies(app)
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    _sign_in(page, base, REVIEWER)
    page.click("nav >> text=組織サーベイの分布")
    page.wait_for_url(f"{base}/consortium/company-surveys")
    assert page.locator("svg.boxplot rect.box").count() == 1
    # 2026: only acme has closed it, so the row says why it is not shown
    assert page.locator("#consortium-table tbody tr").count() == 2
    assert page.locator("#consortium-table td.withheld").count() == 1
    assert_accessible(page, "consortium view (ja, reviewer)")
    console.assert_clean()
