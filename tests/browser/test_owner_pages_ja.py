"""What an owner and a reviewer see, in Chromium, in Japanese and English: axe-clean pages,
the report's CSV download with the session, Japanese errors in view after a submit, and a
confirmation that says the consequence before closing."""

from pathlib import Path

import pytest

from crossover.auth.models import Role
from crossover.extensions import db
from crossover.simulate import PilotSpec, simulate_pilot
from tests.browser.axe import assert_accessible
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_staff_pages import OWNER, _pilot_with_a_contact, _sign_in
from tests.conftest import Users
from tests.factories import make_mentor

REVIEWER = "reviewer@example.com"


def _closed_simulated_pilot(app) -> int:
    with app.app_context():
        pilot = simulate_pilot(
            PilotSpec(
                org_slug="acme",
                initiative_key="community-external-mentoring",
                title="Simulated",
                format="mentoring",
                n=40,
                effect=0.3,
            ),
            seed=7,
        )
        db.session.commit()
        return pilot.id


def _in_view(page, selector: str) -> bool:
    return page.evaluate(
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }",
        selector,
    )


def test_owner_pilot_page_in_japanese_errors_in_view_and_close_confirmation(live, browser):
    app, base = live
    pilot_id = _pilot_with_a_contact(app)
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    _sign_in(page, base)
    page.goto(f"{base}/pilots/{pilot_id}")
    assert_accessible(page, "owner's pilot page (ja)")

    # An ineligible enrolment: a Japanese message naming the label, at the top, in view.
    page.select_option("#age_band", "40-44")
    page.check("#consent")
    page.fill("#email", "kept@acme.example")
    page.click("#enroll-form button[type=submit]")
    page.wait_for_load_state()
    flash = page.locator("p.flash.error")
    assert "このパイロットの対象外です。" in flash.inner_text() and "年齢層" in flash.inner_text()
    assert _in_view(page, "p.flash.error")
    assert page.input_value("#email") == "kept@acme.example"  # what was typed is kept
    assert_accessible(page, "pilot page after an ineligible enrolment (ja)")

    # A bad CSV: the line is named in Japanese, in view.
    page.set_input_files(
        "#file",
        files=[
            {
                "name": "p.csv",
                "mimeType": "text/csv",
                "buffer": b"age_band,career_phase,consent\n38,post_off,yes\n",
            }
        ],
    )
    page.click("text=アップロードして登録")
    page.wait_for_load_state()
    assert "2行目" in page.locator("#upload-errors").inner_text()
    assert _in_view(page, "p.flash.error")

    # Closing asks first and says it closes early: dismissing keeps the pilot running.
    page.goto(f"{base}/pilots/{pilot_id}")
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.click("#advance")
    page.wait_for_load_state()
    assert messages and "予定より早い締め切りです" in messages[0]
    assert page.locator("#pilot-status").inner_text() == "実施中"
    console.assert_clean()


@pytest.mark.parametrize("locale", ["ja-JP", "en-US"])
def test_report_page_is_accessible_and_downloads_the_csv(live, browser, locale):
    app, base = live
    Users(app, app.test_client()).create(OWNER, Role.OWNER, "acme")
    pilot_id = _closed_simulated_pilot(app)
    page = browser.new_page(locale=locale, accept_downloads=True)
    console = ConsoleWatch(page)
    _sign_in(page, base)
    page.goto(f"{base}/pilots/{pilot_id}/report")
    assert_accessible(page, f"report ({locale})")
    with page.expect_download() as download:
        page.click("#export")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("code,arm,arm_label,") and "+09:00" in text
    console.assert_clean()


@pytest.mark.parametrize("locale", ["ja-JP", "en-US"])
def test_evidence_board_is_accessible(live, browser, locale):
    app, base = live
    users = Users(app, app.test_client())
    users.create(OWNER, Role.OWNER, "acme")
    users.create(REVIEWER, Role.REVIEWER)
    _closed_simulated_pilot(app)
    page = browser.new_page(locale=locale)
    console = ConsoleWatch(page)
    _sign_in(page, base, REVIEWER)
    page.goto(f"{base}/evidence")
    assert_accessible(page, f"evidence board ({locale})")
    console.assert_clean()


def test_owner_pilot_page_in_english_is_accessible(live, browser):
    app, base = live
    pilot_id = _pilot_with_a_contact(app)
    page = browser.new_page(locale="en-US")
    console = ConsoleWatch(page)
    _sign_in(page, base)
    page.goto(f"{base}/pilots/{pilot_id}")
    assert_accessible(page, "owner's pilot page (en)")
    page.goto(f"{base}/pilots/new")
    assert_accessible(page, "new pilot form (en)")
    assert page.locator("#low-power").is_visible()  # 30 pairs at dz 0.2: far under 80%
    console.assert_clean()


def _pilot_with_a_mentor_to_pick(app) -> int:
    """A running pilot with a participant and a mentor of another organization: the match
    picker and its search are on the page."""
    pilot_id = _pilot_with_a_contact(app)
    client = app.test_client()
    users = Users(app, client)
    users.create("owner@globex.example", Role.OWNER, "globex")
    make_mentor(client, users.headers("owner@globex.example"))
    return pilot_id


def test_without_javascript_closing_asks_on_a_page_and_the_picker_searches(live, browser):
    app, base = live
    pilot_id = _pilot_with_a_mentor_to_pick(app)
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    _sign_in(page, base)
    page.goto(f"{base}/pilots/{pilot_id}")

    # The picker's search is a plain GET form.
    page.select_option("#find_phase", "specialist")
    page.click("#picker-search button[type=submit]")
    page.wait_for_load_state()
    assert "find_phase=specialist" in page.url
    assert page.locator("#picker-none").is_visible() and page.locator("#match-form").count() == 0

    # Closing: a page says what the dialog would say; cancel changes nothing.
    page.click("#advance")
    page.wait_for_load_state()
    assert "予定より早い締め切りです" in page.locator("#consequence").inner_text()
    page.click("#cancel")
    page.wait_for_load_state()
    assert page.locator("#pilot-status").inner_text() == "実施中"
    page.click("#advance")
    page.wait_for_load_state()
    page.click("#confirm")
    page.wait_for_load_state()
    assert page.locator("#pilot-status").inner_text() == "終了"
    context.close()


def test_confirmation_page_and_picker_search_are_accessible(live, browser):
    # axe-core needs JavaScript, so the no-JS confirmation page is reached by taking the
    # form's data-confirm away: the form then posts without confirmed, as it does without JS.
    app, base = live
    pilot_id = _pilot_with_a_mentor_to_pick(app)
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    _sign_in(page, base)
    page.goto(f"{base}/pilots/{pilot_id}?find_phase=specialist")
    assert page.locator("#picker-none").is_visible()
    assert_accessible(page, "pilot page, picker search with no result (ja)")
    page.goto(f"{base}/pilots/{pilot_id}?find_phase=post_off")
    assert page.locator("#picker-found").is_visible()
    assert_accessible(page, "pilot page, picker search with a result (ja)")
    page.evaluate("() => document.getElementById('advance').form.removeAttribute('data-confirm')")
    with page.expect_navigation():
        page.click("#advance")
    assert "予定より早い締め切りです" in page.locator("#consequence").inner_text()
    assert_accessible(page, "confirmation page (ja)")
    console.assert_clean()


def test_with_javascript_closing_is_one_step_after_the_dialog(live, browser):
    app, base = live
    pilot_id = _pilot_with_a_contact(app)
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    _sign_in(page, base)
    page.goto(f"{base}/pilots/{pilot_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#advance")
    assert page.locator("#pilot-status").inner_text() == "終了"
    console.assert_clean()


@pytest.mark.parametrize("locale", ["ja-JP", "en-US"])
def test_planner_shows_the_randomised_two_arm_design(live, browser, locale):
    app, base = live
    Users(app, app.test_client()).create(OWNER, Role.OWNER, "acme")
    page = browser.new_page(locale=locale)
    console = ConsoleWatch(page)
    _sign_in(page, base)
    page.goto(f"{base}/pilots/new")
    two_arm = page.locator("#two-arm-planner")
    assert not two_arm.is_visible()  # no comparison arm yet
    with page.expect_response(lambda r: "design=two_arm" in r.url):
        page.check("#has_comparison")
    page.wait_for_function("() => document.getElementById('per-arm-needed').textContent !== '—'")
    assert two_arm.is_visible() and page.locator("#rho-explained").is_visible()
    # power.t.test(type = "two.sample", delta = 0.2, sd = sqrt(1 - 0.5^2), power = 0.8,
    #              alternative = "one.sided")$n = 232.525245846396: 233 per arm, 466 in all
    assert page.locator("#per-arm-needed").inner_text() == "233"
    assert page.locator("#total-needed").inner_text() == "466"
    assert_accessible(page, f"new pilot form with the two-arm planner ({locale})")
    with page.expect_response(lambda r: "design=two_arm" in r.url and "power=0.8" in r.url):
        page.fill("#rho", "0.8")
    page.wait_for_function("() => document.getElementById('per-arm-needed').textContent !== '233'")
    assert int(page.locator("#per-arm-needed").inner_text()) < 233
    page.select_option("#allocation", "assigned")
    page.wait_for_function("() => document.getElementById('two-arm-planner').hidden")
    console.assert_clean()
