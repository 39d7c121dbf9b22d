"""Staff pages work in Chromium under the Content-Security-Policy: scripts run, nothing is
refused."""

from crossover.auth.models import Role
from tests.browser.conftest import ConsoleWatch
from tests.conftest import PASSWORD, Users
from tests.factories import enroll, make_pilot

OWNER = "owner@acme.example"


def _pilot_with_a_contact(app) -> int:
    client = app.test_client()
    users = Users(app, client)
    users.create(OWNER, Role.OWNER, "acme")
    users.create("admin@example.com", Role.ADMIN)
    headers = users.headers(OWNER)
    pilot = make_pilot(client, headers, status="running")
    enroll(client, headers, pilot["id"], email="person@acme.example")
    return pilot["id"]


def _sign_in(page, base, email=OWNER):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/login" not in url)


def test_owner_pages_run_their_scripts_under_the_csp(live, browser):
    app, base = live
    pilot_id = _pilot_with_a_contact(app)
    page = browser.new_page(locale="en-US")
    console = ConsoleWatch(page)
    _sign_in(page, base)

    # The power planner asks the API again as the design changes (power-planner.js).
    page.goto(f"{base}/pilots/new")
    before = page.locator("#pairs-needed").inner_text()
    with page.expect_response(lambda r: "/power" in r.url and "power=0.8" in r.url):
        page.fill("#min_dz", "0.9")
    page.wait_for_function(
        "before => document.getElementById('pairs-needed').textContent !== before", arg=before
    )
    assert int(page.locator("#pairs-needed").inner_text()) < int(before)

    # Erasing a contact asks first (confirm.js): dismissing keeps it, accepting erases it.
    page.goto(f"{base}/pilots/{pilot_id}")
    erase = page.locator("#enrollments button", has_text="Erase contact")
    page.once("dialog", lambda dialog: dialog.dismiss())
    erase.click()
    page.wait_for_load_state()
    assert erase.count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        erase.click()
    assert erase.count() == 0 and page.locator("#enrollments", has_text="erased").count() == 1
    console.assert_clean()


def test_evidence_board_and_sign_out_under_the_csp(live, browser):
    app, base = live
    _pilot_with_a_contact(app)
    page = browser.new_page(locale="en-US")
    console = ConsoleWatch(page)
    _sign_in(page, base, "admin@example.com")
    page.goto(f"{base}/evidence")
    # The heat-map colours are style attributes: allowed by style-src-attr, so they apply.
    colour = page.locator("#heatmap td.cell").first.evaluate(
        "cell => getComputedStyle(cell).backgroundColor"
    )
    assert colour == "rgb(243, 244, 246)"  # effect_colour(None): no closed pilots yet
    page.click("text=Sign out")
    page.wait_for_url(f"{base}/login")
    page.goto(f"{base}/evidence")
    assert "/login" in page.url
    console.assert_clean()
