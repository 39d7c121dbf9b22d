"""The pilot report in Chromium, in Japanese: axe-clean on screen, and printed on A4 without the
navigation, with the questionnaire and the date named and the details unfolded."""

from crossover.auth.models import Role
from crossover.extensions import db
from crossover.simulate import PilotSpec, simulate_pilot
from tests.browser.axe import assert_accessible
from tests.browser.conftest import ConsoleWatch
from tests.browser.test_staff_pages import OWNER, _sign_in
from tests.conftest import Users

A4_POINTS = (595, 842)  # 210 × 297 mm


def _closed_pilot(app) -> int:
    Users(app, app.test_client()).create(OWNER, Role.OWNER, "acme")
    spec = PilotSpec(
        org_slug="acme",
        initiative_key="community-external-mentoring",
        title="社外メンタリング 2026",
        format="mentoring",
        n=30,
        effect=0.5,
    )
    with app.app_context():
        pilot = simulate_pilot(spec, seed=3)
        db.session.commit()
        return pilot.id


def test_report_reads_on_screen_and_prints_on_a4(live, browser, tmp_path):
    app, base = live
    pilot_id = _closed_pilot(app)
    page = browser.new_page(locale="ja-JP")
    console = ConsoleWatch(page)
    _sign_in(page, base)
    page.goto(f"{base}/pilots/{pilot_id}/report")
    assert page.locator("#headline-test").inner_text().startswith("対応のあるt検定: p ")
    assert not page.locator("#effect-details dl").is_visible()  # folded on screen
    assert_accessible(page, "pilot report (ja)")
    page.locator("#effect-details summary").click()
    assert_accessible(page, "pilot report with details open (ja)")
    page.locator("#effect-details summary").click()

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("#back").is_visible() and not page.locator("#export").is_visible()
    meta = page.locator("#report-meta").inner_text()
    assert "質問票: " in meta and "時点の数値" in meta
    assert page.locator("#effect-details dl").is_visible()  # details print unfolded
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (tmp_path / "report.pdf").write_bytes(pdf)
    box = pdf.split(b"/MediaBox [")[1].split(b"]")[0].split()
    assert tuple(round(float(x)) for x in box[2:4]) == A4_POINTS
    console.assert_clean()


def test_error_pages_in_japanese_are_accessible(live, browser):
    app, base = live
    Users(app, app.test_client()).create(OWNER, Role.OWNER, "acme")
    participant = browser.new_page(locale="ja-JP")
    response = participant.goto(f"{base}/s/no-such-token")
    assert response.status == 404 and participant.title().startswith("ページが見つかりません")
    assert participant.locator("a", has_text="カタログ").count() == 0
    assert_accessible(participant, "participant 404 (ja)")
    page = browser.new_page(locale="ja-JP")
    _sign_in(page, base)
    response = page.goto(f"{base}/no-such-page")
    assert response.status == 404 and page.locator("#way-back").inner_text() == "カタログに戻る"
    assert_accessible(page, "staff 404 (ja)")
