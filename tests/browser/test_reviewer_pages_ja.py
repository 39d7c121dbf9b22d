"""What a reviewer sees in Chromium, in Japanese: the catalogue grid, an initiative page, the
evidence board and a cell page pass axe-core (no serious or critical violation, colour contrast
included); numbers in the pilot table do not wrap; the owner's pilot list passes too."""

import sqlalchemy as sa

from crossover.auth.models import Role
from crossover.catalogue.models import Initiative
from crossover.extensions import db
from tests.browser.axe import assert_accessible
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_staff_pages import OWNER, _sign_in
from tests.conftest import Users
from tests.evidence.test_board import SPECS, _pilots

REVIEWER = "reviewer@example.com"


def _consortium(app) -> int:
    """Two organisations' closed pilots in one cell (both designs), one elsewhere, one running."""
    users = Users(app, app.test_client())
    users.create(OWNER, Role.OWNER, "acme")
    users.create(REVIEWER, Role.REVIEWER)
    _pilots(app, [SPECS[0], SPECS[1], SPECS[2], SPECS[3], SPECS[5]])
    with app.app_context():
        return db.session.scalar(
            sa.select(Initiative.id).where(Initiative.key == "community-external-mentoring")
        )


def test_reviewer_pages_in_japanese_are_accessible(live, browser):
    app, base = live
    initiative_id = _consortium(app)
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    _sign_in(page, base, REVIEWER)

    page.goto(f"{base}/")
    assert (
        "実験 3件 · 終了 3件"
        in page.locator('td[data-venue="community"][data-level="loose"]').inner_text()
    )
    assert_accessible(page, "catalogue grid (ja, reviewer)")

    page.goto(f"{base}/initiatives/{initiative_id}")
    assert page.locator("#initiative-status").inner_text().startswith("検証済み")
    assert page.locator("#initiative-pilots a", has_text="レポート").count() == 3
    assert_accessible(page, "initiative page (ja, reviewer)")

    page.goto(f"{base}/evidence")
    assert page.locator("#heatmap-legend ul.scale li").count() == 7
    assert page.locator("#heatmap td.empty").count() == 19
    white_space = page.locator("#pilot-list td.num").first.evaluate(
        "cell => getComputedStyle(cell).whiteSpace"
    )
    assert white_space == "nowrap"
    assert_accessible(page, "evidence board (ja)")

    page.click('#heatmap td[data-venue="community"][data-level="loose"] a')
    page.wait_for_url(f"{base}/evidence/community/loose")
    plots = page.locator("svg.forest")
    assert plots.count() == 4
    ticks = plots.evaluate_all(
        "svgs => svgs.map(s => [...s.querySelectorAll('.tick')].map(t => t.textContent).join())"
    )
    assert len(set(ticks)) == 1  # one scale on the page
    page.click("details.forest-numbers summary >> nth=0")
    assert_accessible(page, "evidence cell page (ja)")
    console.assert_clean()


def test_owner_pilot_list_in_japanese_is_accessible(live, browser):
    app, base = live
    _consortium(app)
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    _sign_in(page, base)
    page.goto(f"{base}/pilots")
    assert page.locator("td", has_text="登録 30人").count() == 1
    assert_accessible(page, "pilot list (ja, owner)")
    console.assert_clean()
