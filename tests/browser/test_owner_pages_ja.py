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
