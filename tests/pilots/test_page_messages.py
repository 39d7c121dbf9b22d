"""Japanese pages speak Japanese: messages translated, fields named by their labels, shown in
view after a submit, typed values kept, defaults that pass the form's own rules."""

from datetime import timedelta
import io
import re

from tests.factories import TODAY, make_mentor, make_pilot
from tests.pilots.test_pages import _register

JA = {"Accept-Language": "ja"}


def _flash(page: str) -> str:
    return " ".join(re.findall(r'<p class="flash error" role="status">(.*?)</p>', page, re.S))


def test_ineligible_enrolment_is_japanese_once_in_place_and_keeps_the_input(client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")  # mentoring: 45+ only
    users.login("owner@acme.example")
    response = client.post(
        f"/pilots/{pilot['id']}/enroll",
        headers=JA,
        data={
            "age_band": "40-44",
            "career_phase": "post_off",
            "consent": "on",
            "email": "kept@example.com",
        },
    )
    assert response.status_code == 422  # the page itself, not a redirect to #enrollments
    page = response.get_data(as_text=True)
    message = _flash(page)
    assert "このパイロットの対象外です。" in message and "年齢層:" in message
    assert "age_band" not in message and "Not eligible" not in message
    assert message.count("40-44") == 1  # the reason once, not the sentence twice
    assert 'value="kept@example.com"' in page and '<option value="40-44" selected>' in page


def test_enrolment_form_defaults_to_an_eligible_age_band(client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")  # mentoring: 45+ only
    users.login("owner@acme.example")
    page = client.get(f"/pilots/{pilot['id']}", headers=JA).get_data(as_text=True)
    assert '<option value="45-49" selected>' in page


def test_csv_line_errors_are_japanese_with_labels(client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    users.login("owner@acme.example")
    bad = b"age_band,career_phase,consent\n38,post_off,yes\n"
    response = client.post(
        f"/pilots/{pilot['id']}/enroll-csv",
        data={"file": (io.BytesIO(bad), "p.csv")},
        content_type="multipart/form-data",
        headers=JA,
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "1 行に誤りがあるため、誰も登録していません。" in _flash(page)
    assert "2行目: 年齢層: 「38」は選択肢にありません。" in page
    assert "Unknown age band" not in page and "line 2" not in page


def test_pilot_form_number_and_date_errors_are_japanese(client, users):
    users.login("owner@acme.example")
    response = _register(client, users, ends_on="2000-01-01", starts_on="2000-02-01")
    ja = client.post(
        "/pilots/new",
        headers=JA,
        data={
            "title": "t",
            "initiative_id": "1",
            "format": "mentoring",
            "planned_n": "30",
            "starts_on": "2000-02-01",
            "ends_on": "2000-01-01",
            "followup_days": "30",
        },
    ).get_data(as_text=True)
    assert response.status_code == 422
    assert "「開始日」より前の日付にはできません。" in ja and "starts_on" not in _flash(ja)


def test_future_session_date_is_japanese(client, users):
    mentor = make_mentor(client, users.owner2)
    pilot = make_pilot(client, users.owner, status="running")
    users.login("owner@acme.example")
    client.post(
        f"/pilots/{pilot['id']}/enroll",
        data={"age_band": "50-54", "career_phase": "post_off", "consent": "on"},
    )
    page = client.get(f"/pilots/{pilot['id']}").get_data(as_text=True)
    enrollment_id = re.search(r'name="enrollment_id"><option value="(\d+)"', page).group(1)
    page = client.post(
        f"/pilots/{pilot['id']}/match",
        data={"enrollment_id": enrollment_id, "mentor_id": mentor["id"]},
        follow_redirects=True,
    ).get_data(as_text=True)
    match_id = re.search(r"/matches/(\d+)/sessions", page).group(1)
    page = client.post(
        f"/matches/{match_id}/sessions",
        headers=JA,
        follow_redirects=True,
        data={
            "held_on": (TODAY + timedelta(days=3)).isoformat(),
            "minutes": "30",
            "mode": "online",
        },
    ).get_data(as_text=True)
    message = _flash(page)
    assert "実施日: 未来の日付にはできません。" in message and "held_on" not in message


def test_closing_early_and_under_the_planned_n_says_so_before_it_happens(client, users):
    pilot = make_pilot(client, users.owner, status="running")
    users.login("owner@acme.example")
    page = client.get(f"/pilots/{pilot['id']}", headers=JA).get_data(as_text=True)
    form = re.search(r'<form method="post" action="/pilots/\d+/transition"[^>]*>', page).group(0)
    assert "data-confirm=" in form and "予定より早い締め切りです" in form
    assert f"登録者は予定 {pilot['planned_n']} 人のうち 0 人だけです。" in form
    assert 'id="transition-consequence"' in page  # said on the page too, before any click


def test_enrolments_are_paginated_and_matches_collapsed(client, users):
    make_mentor(client, users.owner2)
    pilot = make_pilot(client, users.owner, status="recruiting")
    rows = "".join(f"50-54,post_off,yes,participant,p{i}@example.com\n" for i in range(60))
    users.login("owner@acme.example")
    client.post(
        f"/pilots/{pilot['id']}/enroll-csv",
        content_type="multipart/form-data",
        data={
            "file": (
                io.BytesIO(("age_band,career_phase,consent,arm,email\n" + rows).encode()),
                "p.csv",
            )
        },
    )
    first = client.get(f"/pilots/{pilot['id']}", headers=JA).get_data(as_text=True)
    second = client.get(f"/pilots/{pilot['id']}?page=2", headers=JA).get_data(as_text=True)
    assert first.count("<tr data-code=") == 50 and second.count("<tr data-code=") == 10
    assert "60人が登録済み" in first
    assert "2 ページ中 1 ページ目" in first and 'rel="next"' in first and 'rel="prev"' in second
    assert client.get(f"/pilots/{pilot['id']}?page=--5").status_code == 200  # a bad page is page 1
    # The picker names more than the code: age band and career phase labels.
    assert re.search(r'<option value="\d+">P-[A-Z0-9]{8} — 50〜54歳, ', first)


def test_pilot_page_flags_power_under_80_percent(client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    users.login("owner@acme.example")
    page = client.get(f"/pilots/{pilot['id']}", headers=JA).get_data(as_text=True)
    power = int(re.search(r"予定人数での検出力は (\d+)% です", page).group(1))
    assert power < 80 and 'id="low-power"' in page and "80% 未満です" in page
