"""Every participant page passes axe-core (WCAG 2.1 A/AA: no serious or critical violation), ja
and en."""

import pytest

from crossover.auth.models import Role
from tests.browser.axe import assert_accessible
from tests.conftest import Users
from tests.factories import enroll, make_pilot

PHONE = {"width": 360, "height": 740}


def _links(app) -> dict:
    """Links in every state: open intake and pre, a used one, one not open yet, one closed."""
    client = app.test_client()
    users = Users(app, client)
    users.create("owner@acme.example", Role.OWNER, "acme")
    owner = users.headers("owner@acme.example")
    running = make_pilot(client, owner, status="running")
    person = {i["wave"]: i["token"] for i in enroll(client, owner, running["id"])["invitations"]}
    used = {i["wave"]: i["token"] for i in enroll(client, owner, running["id"])["invitations"]}[
        "pre"
    ]
    answers = {
        f"{s}_{i}": 4 for s in ("vision", "agency", "learning", "connection") for i in (1, 2, 3)
    }
    assert client.post(f"/api/v1/surveys/{used}", json={"answers": answers}).status_code == 201
    closing = make_pilot(client, owner, status="running")
    closed = {i["wave"]: i["token"] for i in enroll(client, owner, closing["id"])["invitations"]}[
        "pre"
    ]
    client.post(f"/api/v1/pilots/{closing['id']}/transitions", headers=owner, json={"to": "closed"})
    return {**person, "used": used, "closed": closed}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_participant_pages_pass_axe(live, browser, lang):
    app, base = live
    links = _links(app)
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{base}/lang/{lang}?next=/s/{links['intake']}")

    assert_accessible(page, "opening screen")
    page.click("#start")
    page.click("#review")  # nothing chosen: the error banner
    assert_accessible(page, "intake with an error")
    page.check("input[value=none]")
    page.click("#review")
    assert_accessible(page, "intake review")
    page.click("#submit")
    page.wait_for_selector("#thanks")
    assert_accessible(page, "intake thank-you, leading on")

    page.click("#next-wave")
    page.click("#start")
    page.wait_for_selector("fieldset.question")
    assert_accessible(page, "question page")
    page.locator("fieldset.question").first.locator(".point").nth(2).click()
    page.click("#review")  # eleven missing: the banner naming them
    page.wait_for_selector("#form-errors")
    assert_accessible(page, "question page with missing answers")
    for index in range(1, 12):
        page.locator("fieldset.question").nth(index).locator(".point").nth(3).click()
    page.click("#review")
    page.wait_for_selector("#confirm-form")
    assert_accessible(page, "review page")
    page.click("#submit")
    page.wait_for_selector("#thanks")
    assert_accessible(page, "thank-you page")

    for state, token in (
        ("used", links["used"]),
        ("not open", links["post"]),
        ("closed", links["closed"]),
    ):
        page.goto(f"{base}/s/{token}")
        page.wait_for_selector("#unavailable")
        assert_accessible(page, f"{state} link")


def test_the_checker_catches_a_violation(browser):
    # Guards the guard: an unlabeled input and grey-on-grey text must fail.
    page = browser.new_page()
    page.set_content(
        '<html lang="en"><body><main><p style="color:#bbb;background:#ccc">faint</p>'
        '<input type="text"></main></body></html>'
    )
    with pytest.raises(AssertionError, match=r"color-contrast|label"):
        assert_accessible(page, "a bad page")
