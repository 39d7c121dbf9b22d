"""A participant answers on a phone-sized screen in Debian's Chromium, driven by Playwright."""

from playwright.sync_api import expect
import sqlalchemy as sa

from crossover.auth.models import Role
from crossover.extensions import db
from crossover.surveys.models import Response
from tests.browser.conftest import ConsoleWatch
from tests.conftest import Users
from tests.factories import enroll, make_pilot


def _pre_link(app) -> str:
    client = app.test_client()
    users = Users(app, client)
    users.create("owner@acme.example", Role.OWNER, "acme")
    headers = users.headers("owner@acme.example")
    pilot = make_pilot(client, headers, status="running")
    person = enroll(client, headers, pilot["id"])
    return next(i["token"] for i in person["invitations"] if i["wave"] == "pre")


def test_participant_answers_on_a_phone(live, browser, tmp_path):
    app, base = live
    token = _pre_link(app)
    page = browser.new_page(
        viewport={"width": 360, "height": 740}, locale="en-US", has_touch=True, is_mobile=True
    )
    console = ConsoleWatch(page)
    page.goto(f"{base}/s/{token}")
    assert (
        page.locator("h1").inner_text() == "プログラム開始前のアンケート"
    )  # Japanese, whatever the browser says
    assert (
        "約3分（12問）" in page.locator("#opening").inner_text()
    )  # the opening screen comes first
    page.click("#start")
    # The click only waits for the navigation to begin: measure once the stylesheets are in.
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    assert page.locator("#progress-text").inner_text() == "12問中 0問 回答済み"
    anchor = page.locator(".point .anchor").first
    assert anchor.is_visible() and anchor.inner_text() == "まったくあてはまらない"

    questions = page.locator("fieldset.question")
    assert questions.count() == 12
    box = questions.first.locator(".point .value").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # tap targets
    # Answer 4 everywhere except one item, then send: the page keeps the 11 answers.
    for index in range(11):
        questions.nth(index).locator(".point").nth(3).tap()
    assert page.locator("#progress-text").inner_text() == "12問中 11問 回答済み"
    page.locator("#review").tap()
    page.wait_for_selector("#form-errors")
    assert page.locator("input[type=radio]:checked").count() == 11
    questions.nth(11).locator(".point").nth(1).tap()  # the last item (reverse-keyed), answer 2
    page.locator("#review").tap()
    page.wait_for_selector("#confirm-form")
    page.screenshot(path=str(tmp_path / "confirm.png"), full_page=True)
    page.locator("#submit").tap()
    page.wait_for_selector("#thanks")
    assert "ご回答ありがとうございました" in page.locator("#thanks").inner_text()

    with app.app_context():
        stored = db.session.scalar(sa.select(Response))
        # connection_3 is reverse-keyed: 2 counts as 4; learning_3 and the others: 4 → 2 for the
        # reverse ones.
        assert stored.answers["connection_3"] == 2
        assert stored.scores["connection"] == 4.0
        assert stored.scores["total"] == (4 * 8 + 2 * 3 + 4) / 12
        db.session.remove()

    page.goto(f"{base}/s/{token}")  # the used link: a friendly page
    assert "回答済み" in page.locator("#unavailable").inner_text()
    console.assert_clean()  # the progress script ran under the Content-Security-Policy


def test_answers_are_saved_while_answering_and_a_reopened_link_resumes(live, browser):
    app, base = live
    token = _pre_link(app)
    page = browser.new_page(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    console = ConsoleWatch(page)
    page.goto(f"{base}/s/{token}?start=1")
    questions = page.locator("fieldset.question")
    for index in range(3):
        questions.nth(index).locator(".point").nth(4).tap()
    # wait_for_function would need eval, which the page's CSP refuses; the locator polls instead.
    expect(page.locator("#draft-status")).to_have_text("ここまでの回答を保存しました。")

    page.goto(f"{base}/s/{token}")  # the same link, later: no opening screen, three answers back
    assert page.locator("#opening").count() == 0
    assert page.locator("#progress-text").inner_text() == "12問中 3問 回答済み"
    assert page.locator("input[type=radio]:checked").count() == 3
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
        )  # a draft is not a response
        db.session.remove()
    console.assert_clean()
