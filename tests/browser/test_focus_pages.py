"""A focus area's pages in Chromium, in Japanese: marked from a round's results, an action
added, and the story page (baseline → actions and pilots → what changed) pass axe-core and run
under the CSP."""

from datetime import date

from crossover.auth.models import Role
from crossover.extensions import db
from tests.browser.axe import assert_accessible
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_staff_pages import OWNER, _sign_in
from tests.company import factories, people
from tests.conftest import Users


def _rounds(app) -> int:
    Users(app, app.test_client()).create(OWNER, Role.OWNER, "acme")
    with app.app_context():
        keys = factories.item_keys(factories.shipped_instrument())
        survey = factories.add_survey(factories.organization("acme"))
        first = factories.add_round(survey, "2025", people.first_round(keys))
        factories.add_round(
            survey,
            "2026",
            people.second_round(keys),
            opens_on=date(2026, 4, 1),
            closes_on=date(2026, 4, 30),
        )
        db.session.commit()
        return first.id


def test_focus_pages_in_japanese_are_accessible(live, browser):
    app, base = live
    round_id = _rounds(app)
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    _sign_in(page, base, OWNER)

    page.goto(f"{base}/company/rounds/{round_id}/results")
    page.click("#focus-link")
    page.wait_for_url(f"{base}/company/rounds/{round_id}/focus")
    assert_accessible(page, "focus areas of a round (ja)")
    page.select_option("#what", "scale:agency")
    page.select_option("#age_band", "45-49")
    page.select_option("#tenure_band", "11-20")
    page.fill("#note", "中堅層の主体性を高めたい")
    page.click("#new-focus button[type=submit]")
    page.wait_for_selector("#baseline-figures")

    page.fill("#what", "越境研修の実施")
    page.fill("#who", "人事部")
    page.fill("#starts_on", "2026-05-01")
    page.fill("#ends_on", "2026-06-30")
    page.click("#new-action button[type=submit]")
    page.wait_for_selector("#action-table >> text=越境研修の実施")
    assert page.locator("#change-figures").count() == 1
    assert_accessible(page, "focus area story (ja)")
    console.assert_clean()
