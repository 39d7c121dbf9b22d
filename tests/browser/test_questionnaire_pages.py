"""An owner writes a questionnaire in Chromium, previews it at phone width and uses it in a
pilot."""

from datetime import timedelta
import re

from crossover.auth.models import Role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import ConsoleWatch
from tests.conftest import PASSWORD, Users
from tests.factories import TODAY

OWNER = "owner@acme.example"
ITEMS = [
    ("trust_1", "trust", "同僚を信頼している", "I trust my colleagues"),
    ("voice_1", "voice", "会議で意見を言いやすい", "I can speak up in meetings"),
]


def _sign_in(page, base):
    page.goto(f"{base}/login")
    page.fill("#email", OWNER)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/login" not in url)


def test_owner_writes_previews_and_uses_a_questionnaire(live, browser):
    app, base = live
    users = Users(app, app.test_client())
    users.create(OWNER, Role.OWNER, "acme")
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    _sign_in(page, base)

    page.goto(f"{base}/questionnaires")
    assert_accessible(page, "questionnaire list")
    page.click("text=新しい質問票を作る")
    assert_accessible(page, "new questionnaire")
    page.fill("#name", "チームの風土")
    page.fill("#scale_min", "1")
    page.fill("#scale_max", "4")
    page.fill("#anchor-0-value", "1")
    page.fill("#anchor-0-label_ja", "全くそう思わない")
    page.fill("#anchor-0-label_en", "Not at all")
    page.fill("#anchor-1-value", "4")
    page.fill("#anchor-1-label_ja", "とてもそう思う")
    page.fill("#anchor-1-label_en", "Very much")
    for row, (key, subscale, text_ja, text_en) in enumerate(ITEMS):
        page.fill(f"#item-{row}-key", key)
        page.fill(f"#item-{row}-subscale", subscale)
        page.fill(f"#item-{row}-text_ja", text_ja)
        page.fill(f"#item-{row}-text_en", text_en)
    page.fill("#item-2-key", "Bad Key")  # a third row, half written: its errors are shown in place
    page.click("button[type=submit].primary")
    assert page.locator("#item-2 .field-error", has_text="キー：").count() == 1
    assert_accessible(page, "questionnaire with errors")
    page.check("#item-2-remove")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/questionnaires/\d+$"))
    instrument_id = int(page.url.rsplit("/", 1)[1])
    assert_accessible(page, "questionnaire detail")

    phone = browser.new_page(
        viewport={"width": 360, "height": 740}, locale="ja-JP", has_touch=True, is_mobile=True
    )
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{base}/questionnaires/{instrument_id}/preview")
    assert phone.locator("fieldset.question").count() == 2
    assert phone.locator(".point .anchor").first.inner_text() == "全くそう思わない"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    assert phone.locator("#review").is_disabled()
    assert_accessible(phone, "preview at 360 px")

    page.goto(f"{base}/pilots/new")
    page.fill("#title", "風土パイロット")
    page.select_option("#instrument_id", str(instrument_id))
    page.select_option("#initiative_id", index=1)
    page.fill("#starts_on", (TODAY + timedelta(days=7)).isoformat())
    page.fill("#ends_on", (TODAY + timedelta(days=90)).isoformat())
    page.click("#pilot-form button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/pilots/\d+$"))
    pilot_id = int(page.url.rsplit("/", 1)[1])
    client = app.test_client()
    pilot = client.get(f"/api/v1/pilots/{pilot_id}", headers=users.headers(OWNER)).json
    assert pilot["instrument_id"] == instrument_id
    console.assert_clean()
