"""Pages name their icon, so no browser asks for /favicon.ico.

That request used to get the 404 page, which loads the signed-out session and marks it not fresh:
when it was still in flight as the owner signed in, its answer set the signed-out cookie back and
the next page asked to sign in again (seen in CI as sign-ins that did not hold).
"""

from crossover.auth.models import Role
from tests.browser.test_staff_pages import OWNER, _sign_in
from tests.conftest import Users


def test_signing_in_asks_for_no_favicon_and_holds(live, browser):
    app, base = live
    Users(app, app.test_client()).create(OWNER, Role.OWNER, "acme")
    page = browser.new_page(locale="ja-JP")
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    _sign_in(page, base)
    page.goto(f"{base}/pilots")
    page.wait_for_load_state("load")
    assert "/login" not in page.url  # still signed in
    assert not [url for url in asked if url.endswith("/favicon.ico")]
    icon = page.locator("link[rel=icon]")
    assert icon.count() == 1
    assert icon.get_attribute("href") == "/static/favicon.svg"
    assert page.request.get(f"{base}/static/favicon.svg").status == 200
