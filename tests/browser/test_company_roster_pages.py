"""Company survey owner pages and a roster link in Chromium: axe-clean in Japanese, the roster
upload's per-line errors in view with the page kept, and the one-time links CSV downloaded."""

from crossover.auth.models import Role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_staff_pages import OWNER, _sign_in
from tests.company.flows import make_round, make_survey, roster_csv, upload
from tests.conftest import Users


def _round(app) -> tuple[int, int, str]:
    client = app.test_client()
    users = Users(app, client)
    users.create(OWNER, Role.OWNER, "acme")
    headers = users.headers(OWNER)
    survey = make_survey(client, headers)
    round_ = make_round(client, headers, survey["id"])
    token = upload(client, headers, round_["id"], roster_csv(3)).json["invitations"][0]["token"]
    return survey["id"], round_["id"], token


def test_owner_pages_and_roster_upload_in_japanese(live, browser, tmp_path):
    app, base = live
    survey_id, round_id, token = _round(app)
    page = browser.new_page(locale="ja-JP", accept_downloads=True)
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
    with page.expect_download() as download:
        page.click("text=名簿をアップロード")
    saved = tmp_path / "links.csv"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    assert text.startswith("employee_ref,url") and "E00010" in text
    # The success takes the place of the earlier error, and the counts are the new ones.
    page.wait_for_selector("#roster-errors", state="detached")
    assert "2人を追加しました" in page.locator("p.flash").inner_text()
    assert page.locator("#invited").inner_text() == "5"
    assert_accessible(page, "round page after a good roster (ja)")
    console.assert_clean()

    survey = browser.new_page(locale="ja-JP")
    survey.goto(f"{base}/s/{token}")
    assert "組織サーベイ（2026）" in survey.content()
    assert_accessible(survey, "roster link opening screen (ja)")
