"""Account pages in Chromium, in Japanese: axe-clean, working forms, confirmations that ask."""

import re

from playwright.sync_api import expect

from crossover.auth.models import Role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import ConsoleWatch
from tests.conftest import PASSWORD, Users

ADMIN, OWNER = "admin@example.com", "owner@acme.example"
NEW_PASSWORD = "a fresh long passphrase"


def _people(app) -> None:
    users = Users(app, app.test_client())
    users.create(ADMIN, Role.ADMIN)
    users.create(OWNER, Role.OWNER, "acme")


def _sign_in(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/login" not in url)


def test_admin_adds_a_user_who_chooses_a_password(live, browser):
    app, base = live
    _people(app)
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    _sign_in(page, base, ADMIN)

    page.goto(f"{base}/admin/organizations")
    assert_accessible(page, "organizations")
    page.fill("#slug", "initech")
    page.fill("#name", "イニテック")
    page.click("button[type=submit].primary")
    assert page.locator("td", has_text="イニテック").count() == 1

    page.goto(f"{base}/admin/users")
    assert_accessible(page, "users")
    page.fill("#email", "new@initech.example")
    page.select_option("#role", "owner")
    page.click("button[type=submit].primary")
    assert page.locator(".field-error", has_text="オーナーの所属組織を選んでください").count() == 1
    assert_accessible(page, "users with an error")
    page.select_option("#organization", "initech")
    page.click("button[type=submit].primary")
    setup_url = page.locator("#setup-url").input_value()
    assert_accessible(page, "users with a setup link")

    # Deactivating asks first: dismissing keeps the account active.
    deactivate = page.locator("button", has_text="owner@acme.example を無効化")
    page.once("dialog", lambda dialog: dialog.dismiss())
    deactivate.click()
    page.wait_for_load_state()
    assert deactivate.count() == 1

    page.goto(f"{base}/admin/audit?action=auth.user_created")
    assert page.locator("tbody tr", has_text="new@initech.example").count() == 1
    assert_accessible(page, "audit log")

    newcomer = browser.new_page(locale="ja-JP")
    newcomer.goto(setup_url.replace("http://127.0.0.1:5000", base))
    assert_accessible(newcomer, "choose a password")
    newcomer.fill("#password", "short")
    newcomer.fill("#password_again", "short")
    newcomer.evaluate("document.getElementById('password').removeAttribute('minlength')")
    newcomer.click("button[type=submit].primary")
    assert newcomer.locator(".field-error", has_text="12 文字以上").count() == 1
    assert_accessible(newcomer, "choose a password with an error")
    newcomer.fill("#password", NEW_PASSWORD)
    newcomer.fill("#password_again", NEW_PASSWORD)
    newcomer.click("button[type=submit].primary")
    newcomer.wait_for_url(re.compile(r".*/account$"))
    assert_accessible(newcomer, "account")
    newcomer.click("text=トークンを作成する")
    assert newcomer.locator("#new-token").input_value()
    assert_accessible(newcomer, "account with a new token")
    newcomer.goto(setup_url.replace("http://127.0.0.1:5000", base))
    assert newcomer.locator("h1", has_text="このリンクは使えません").count() == 1
    assert_accessible(newcomer, "spent link")
    console.assert_clean()


def test_forgot_password_and_team_pages(live, browser):
    app, base = live
    _people(app)
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    page.goto(f"{base}/password/forgot")  # mail off: said plainly, no form
    assert page.locator("#mail-off", has_text="SMTP が未設定です").count() == 1
    assert_accessible(page, "forgot password without mail")
    app.config.update(ACCOUNT_MAIL=True, MAIL_BACKEND="dev")  # mail kept in the dev mail box
    page.goto(f"{base}/login")
    page.click("text=パスワードをお忘れですか")
    assert_accessible(page, "forgot password")
    page.fill("#email", "nobody@example.com")
    page.click("button[type=submit].primary")
    expect(page.locator("h1", has_text="メールを確認してください")).to_have_count(1)  # waits
    assert_accessible(page, "forgot password sent")

    _sign_in(page, base, OWNER)
    page.goto(f"{base}/team")
    assert_accessible(page, "team")
    page.fill("#email", "colleague@acme.example")
    page.click("button[type=submit].primary")
    # The click only waits for the next page to begin loading (failed once under load: 0).
    expect(page.locator("#setup-url")).to_have_count(1)

    page.goto(f"{base}/")
    page.click("text=取り組みを提案する")
    assert_accessible(page, "propose an initiative")
    console.assert_clean()
