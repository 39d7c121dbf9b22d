"""Company survey owner pages and a roster link in Chromium: axe-clean in Japanese, the roster
upload's per-line errors in view with the page kept, and no link shown after an upload."""

from crossover.auth.models import Role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_staff_pages import OWNER, _sign_in
from tests.company.flows import make_round, make_survey, member_tokens, roster_csv, upload
from tests.conftest import Users


def _round(app) -> tuple[int, int, str]:
    client = app.test_client()
    users = Users(app, client)
    users.create(OWNER, Role.OWNER, "acme")
    headers = users.headers(OWNER)
    survey = make_survey(client, headers)
    round_ = make_round(client, headers, survey["id"])
    assert upload(client, headers, round_["id"], roster_csv(3)).status_code == 201
    return survey["id"], round_["id"], member_tokens(app, round_["id"])[0]


def test_owner_pages_and_roster_upload_in_japanese(live, browser):
    app, base = live
    survey_id, round_id, token = _round(app)
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    _sign_in(page, base)
    page.goto(f"{base}/company/surveys")
    assert_accessible(page, "company survey list (ja)")
    page.goto(f"{base}/company/surveys/{survey_id}")
    assert_accessible(page, "company survey page (ja)")
    page.goto(f"{base}/company/rounds/{round_id}")
    assert_accessible(page, "round page (ja)")

    bad = roster_csv(2, start=10).replace(b"40-44", b"41")
    page.set_input_files(
        "#roster-file", files=[{"name": "r.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.click("text=名簿をアップロード")
    page.wait_for_load_state()
    assert "2行目" in page.locator("#roster-errors").inner_text()
    assert_accessible(page, "round page after a bad roster (ja)")

    page.set_input_files(
        "#roster-file",
        files=[{"name": "r.csv", "mimeType": "text/csv", "buffer": roster_csv(2, start=10)}],
    )
    page.click("text=名簿をアップロード")
    page.wait_for_load_state()
    # The success takes the place of the earlier error, and the counts are the new ones.
    page.wait_for_selector("#roster-errors", state="detached")
    assert "2名を追加しました" in page.content() and token not in page.content()
    assert page.locator("#invited").inner_text() == "5"
    assert_accessible(page, "round page after a good roster (ja)")
    console.assert_clean()

    survey = browser.new_page(locale="ja-JP")
    survey.goto(f"{base}/s/{token}")
    assert "組織サーベイ（2026）" in survey.content()
    assert_accessible(survey, "roster link opening screen (ja)")
