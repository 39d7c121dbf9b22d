"""A newcomer's demo mail: 「送信」 on a pilot's page queues the invitations, the page shows their
progress, and an admin reads them in the development mail box and follows the survey link
(CROSSOVER_MAIL_BACKEND=dev); every page axe-clean."""

from tests.browser.axe import assert_accessible
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_staff_pages import _pilot_with_a_contact, _sign_in


def test_sent_invitations_land_in_the_dev_mail_box_and_their_link_opens_the_survey(live, browser):
    app, base = live
    app.config.update(MAIL_BACKEND="dev", PUBLIC_BASE_URL=base)
    pilot_id = _pilot_with_a_contact(app)
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    _sign_in(page, base)
    page.goto(f"{base}/pilots/{pilot_id}")
    page.click("#send-form button[type=submit]")
    page.wait_for_selector("text=送信待ちに入れました")
    assert page.locator("#mail-progress", has_text="送信済み 2 件").count() == 1
    assert_accessible(page, "pilot page with mail progress")
    page.click("text=ログアウト")

    _sign_in(page, base, "admin@example.com")
    page.goto(f"{base}/admin/mail")
    assert page.locator("#mailbox", has_text="2 件のメールを保管しています").count() == 1
    assert_accessible(page, "admin mail box")
    page.locator("#mailbox a[href*='/s/']").first.click()
    page.wait_for_url(lambda url: "/s/" in url)
    assert page.locator("h1").count() == 1
    console.assert_clean()
