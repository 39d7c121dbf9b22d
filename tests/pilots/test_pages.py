"""Owner pages: register with the planner, lifecycle, enrol (form and CSV), match, log sessions."""

from datetime import timedelta
import io
import re

from tests.factories import TODAY, enroll, initiative_id, make_mentor, make_pilot

EN = {"Accept-Language": "en"}
JA = {"Accept-Language": "ja"}


def _register(client, users, headers=EN, **overrides):
    form = {
        "title": "社外メンタリング 2026",
        "initiative_id": str(initiative_id(client, users.owner)),
        "format": "mentoring",
        "planned_n": "30",
        "starts_on": (TODAY - timedelta(days=1)).isoformat(),
        "ends_on": (TODAY + timedelta(days=90)).isoformat(),
        "followup_days": "30, 60",
        "outcome": "total",
        "direction": "increase",
        "alpha": "0.05",
        "test": "paired_t",
        "min_dz": "0.4",
    }
    form.update(overrides)
    return client.post("/pilots/new", data=form, headers=headers)


def test_new_pilot_page_shows_power_planner(client, users):
    users.login("owner@acme.example")
    page = client.get("/pilots/new", headers=EN).get_data(as_text=True)
    # min_dz defaults to 0.2 as in the API and DESIGN (was 0.4: 41 pairs); one-sided, 80%
    assert 'id="power-planner"' in page and 'id="pairs-needed">156<' in page
    assert (
        'id="low-power"' in page and 'id="low-power" hidden' not in page
    )  # 30 pairs: far under 80%
    assert 'id="dz-explained"' in page
    assert "Power of the planned n" in page


def test_two_arm_planner_hidden_without_a_randomised_comparison_arm(client, users):
    users.login("owner@acme.example")
    page = client.get("/pilots/new", headers=EN).get_data(as_text=True)
    assert 'id="two-arm-planner" hidden' in page  # no comparison arm by default
    assert 'id="rho"' in page and 'value="0.5"' in page  # the default rho
    # An assigned (owner-chosen) comparison arm is not the randomised design either.
    page = _register(client, users, title="", has_comparison="on", allocation="assigned")
    assert 'id="two-arm-planner" hidden' in page.get_data(as_text=True)


def test_two_arm_planner_for_a_randomised_comparison_arm(client, users):
    users.login("owner@acme.example")
    # A failed save re-renders the form as typed: comparison arm, randomised, rho 0.5.
    response = _register(client, users, title="", has_comparison="on", allocation="randomised")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="two-arm-planner">' in page and 'id="rho-explained"' in page
    # power.t.test(type = "two.sample", delta = 0.4, sd = sqrt(1 - 0.5^2), power = 0.8,
    #              alternative = "one.sided")$n = 58.6497479914885 -> 59 per arm
    assert 'id="per-arm-needed">59<' in page and 'id="total-needed">118<' in page
    # power.t.test(type = "two.sample", n = 30, delta = 0.4, sd = sqrt(1 - 0.5^2),
    #              alternative = "one.sided")$power = 0.548977921888625
    assert 'id="two-arm-power">55%<' in page
    assert 'id="two-arm-low-power" hidden' not in page
    # A higher pre-post correlation: power.t.test(type = "two.sample", delta = 0.4,
    #   sd = sqrt(1 - 0.7^2), power = 0.8, alternative = "one.sided")$n = 40.1076987024287
    page = _register(client, users, title="", has_comparison="on", rho="0.7")
    assert 'id="per-arm-needed">41<' in page.get_data(as_text=True)
    # A rho out of range leaves the figures blank instead of failing.
    page = _register(client, users, title="", has_comparison="on", rho="1").get_data(as_text=True)
    assert 'id="per-arm-needed">—<' in page


def test_allocation_chosen_on_the_form_is_preregistered(client, users):
    users.login("owner@acme.example")
    assigned = _register(client, users, has_comparison="on", allocation="assigned")
    pilot_id = int(assigned.location.rsplit("/", 1)[1])
    pilot = client.get(f"/api/v1/pilots/{pilot_id}", headers=users.owner).json
    assert pilot["preregistration"]["allocation"] == "assigned"
    edit = client.get(f"/pilots/{pilot_id}/edit", headers=EN).get_data(as_text=True)
    assert 'value="assigned" selected' in edit and 'id="two-arm-planner" hidden' in edit
    randomised = _register(client, users, has_comparison="on")
    pilot_id = int(randomised.location.rsplit("/", 1)[1])
    pilot = client.get(f"/api/v1/pilots/{pilot_id}", headers=users.owner).json
    assert pilot["preregistration"]["allocation"] == "randomised"
    edit = client.get(f"/pilots/{pilot_id}/edit", headers=EN).get_data(as_text=True)
    assert 'id="two-arm-planner">' in edit


def test_register_pilot_through_the_form(client, users):
    users.login("owner@acme.example")
    response = _register(client, users)
    assert response.status_code == 302
    detail = client.get(response.location, headers=EN).get_data(as_text=True)
    assert (
        "社外メンタリング 2026" in detail and "Draft" in detail and "Move to: Recruiting" in detail
    )
    assert "45-49, 50-54, 55-59, 60-64, 65+" in detail  # mentoring defaults to 45+


def test_form_errors_are_shown_and_values_kept(client, users):
    users.login("owner@acme.example")
    response = _register(
        client, users, ends_on="2000-01-01", starts_on="2000-02-01", title="Keep me"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Must not be before Starts on." in page and 'value="Keep me"' in page
    assert "starts_on" not in page.split("<form")[0]  # the message names the label, not the key


def test_lifecycle_enrol_and_refusal_reason(client, users):
    users.login("owner@acme.example")
    pilot_url = _register(client, users).location
    pilot_id = int(pilot_url.rsplit("/", 1)[1])
    client.post(f"/pilots/{pilot_id}/transition", data={"to": "recruiting", "confirmed": "1"})
    refused = client.post(
        f"/pilots/{pilot_id}/enroll",
        data={"age_band": "40-44", "career_phase": "post_off", "consent": "on"},
        headers=EN,
        follow_redirects=True,
    )
    assert "40-44 is not eligible" in refused.get_data(as_text=True)
    ok = client.post(
        f"/pilots/{pilot_id}/enroll",
        data={
            "age_band": "50-54",
            "career_phase": "post_off",
            "consent": "on",
            "email": "a@example.com",
        },
        headers=EN,
        follow_redirects=True,
    )
    page = ok.get_data(as_text=True)
    assert re.search(r"Enrolled as P-[A-Z0-9]{8}", page)
    # One copy-link per row (the wave to answer now), not five identical links (issue 11)
    assert page.count('class="survey-link copy-link"') == 1 and "Erase contact" in page
    assert "Copy link (Intake)" in page
    no_consent = client.post(
        f"/pilots/{pilot_id}/enroll",
        data={"age_band": "50-54", "career_phase": "post_off"},
        headers=EN,
        follow_redirects=True,
    )
    assert "Consent is required" in no_consent.get_data(as_text=True)


def test_csv_upload_page_reports_lines(client, users):
    users.login("owner@acme.example")
    pilot = make_pilot(client, users.owner, status="recruiting")
    bad = b"age_band,career_phase,consent\n50-54,post_off,yes\n30-34,post_off,yes\n"
    page = client.post(
        f"/pilots/{pilot['id']}/enroll-csv",
        data={"file": (io.BytesIO(bad), "p.csv")},
        content_type="multipart/form-data",
        headers=EN,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "line 3" in page and "nobody was enrolled" in page
    good = b"age_band,career_phase,consent\n50-54,post_off,yes\n55-59,specialist,yes\n"
    page = client.post(
        f"/pilots/{pilot['id']}/enroll-csv",
        data={"file": (io.BytesIO(good), "p.csv")},
        content_type="multipart/form-data",
        headers=EN,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "2 people enrolled" in page


def test_match_and_log_session_through_pages(client, users):
    mentor = make_mentor(client, users.owner2, name="Globex Mentor")
    pilot = make_pilot(client, users.owner, status="running")
    users.login("owner@acme.example")
    client.post(
        f"/pilots/{pilot['id']}/enroll",
        data={"age_band": "50-54", "career_phase": "post_off", "consent": "on"},
    )
    page = client.get(f"/pilots/{pilot['id']}", headers=EN).get_data(as_text=True)
    enrollment_id = re.search(
        r'<select id="enrollment_id" name="enrollment_id"><option value="(\d+)"', page
    ).group(1)
    page = client.post(
        f"/pilots/{pilot['id']}/match",
        data={"enrollment_id": enrollment_id, "mentor_id": mentor["id"]},
        headers=EN,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Matched." in page and "Globex Mentor" in page
    match_id = re.search(r"/matches/(\d+)/sessions", page).group(1)
    page = client.post(
        f"/matches/{match_id}/sessions",
        data={
            "held_on": TODAY.isoformat(),
            "minutes": "45",
            "mode": "in_person",
            "topics": "棚卸し, 社外の視点",
        },
        headers=EN,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert (
        "Session logged." in page and "45 minutes in all" in page and "棚卸し, 社外の視点" in page
    )


def _confirmation(response) -> str:
    """A no-JavaScript confirmation page: 200, a confirm form carrying confirmed=1, a way back."""
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="confirmation"' in page and 'name="confirmed" value="1"' in page
    assert 'id="cancel"' in page
    return page


def _status(client, users, pilot_id) -> str:
    return client.get(f"/api/v1/pilots/{pilot_id}", headers=users.owner).json["status"]


def test_leaving_draft_without_javascript_asks_on_a_page_first(client, users):
    pilot = make_pilot(client, users.owner)
    users.login("owner@acme.example")
    url = f"/pilots/{pilot['id']}/transition"
    # The page gives the dialog's words to data-confirm (confirm.js) ...
    detail = client.get(f"/pilots/{pilot['id']}", headers=EN).get_data(as_text=True)
    dialog = "Leaving draft freezes the preregistration: the design, outcome and test can no "
    assert f'data-confirm="{dialog}' in detail
    # ... and without JavaScript the form arrives without confirmed: a page asks instead.
    page = _confirmation(client.post(url, data={"to": "recruiting"}, headers=EN))
    assert dialog in page and "Continue?" in page and "Move to: Recruiting" in page
    assert f'action="{url}"' in page and 'name="to" value="recruiting"' in page
    assert f'href="/pilots/{pilot["id"]}" id="cancel"' in page
    assert _status(client, users, pilot["id"]) == "draft"  # nothing happened yet
    done = client.post(url, data={"to": "recruiting", "confirmed": "1"})
    assert done.status_code == 302 and _status(client, users, pilot["id"]) == "recruiting"
    # A move with nothing irreversible to say goes ahead in one step, as before.
    assert client.post(url, data={"to": "running"}).status_code == 302
    assert _status(client, users, pilot["id"]) == "running"


def test_closing_without_javascript_states_the_consequence_in_japanese(client, users):
    pilot = make_pilot(client, users.owner, status="running")
    users.login("owner@acme.example")
    url = f"/pilots/{pilot['id']}/transition"
    page = _confirmation(client.post(url, data={"to": "closed"}, headers=JA))
    assert "予定より早い締め切りです" in page
    assert f"登録者は予定 {pilot['planned_n']} 人のうち 0 人だけです。" in page
    assert _status(client, users, pilot["id"]) == "running"
    client.post(url, data={"to": "closed", "confirmed": "1"})
    assert _status(client, users, pilot["id"]) == "closed"


def test_erasing_a_contact_without_javascript_asks_first(client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    person = enroll(client, users.owner, pilot["id"], email="taro@example.com")
    users.login("owner@acme.example")
    url = f"/enrollments/{person['id']}/erase"
    page = _confirmation(client.post(url, headers=EN))
    assert "Erase this contact?" in page and person["code"] in page
    kept = client.get(f"/api/v1/enrollments/{person['id']}", headers=users.owner).json
    assert kept["has_contact"] is True
    assert client.post(url, data={"confirmed": "1"}).status_code == 302
    erased = client.get(f"/api/v1/enrollments/{person['id']}", headers=users.owner).json
    assert erased["has_contact"] is False


def test_ending_a_match_without_javascript_asks_first(client, users):
    mentor = make_mentor(client, users.owner2, capacity=1)
    pilot = make_pilot(client, users.owner, status="running")
    person = enroll(client, users.owner, pilot["id"])
    match = client.post(
        f"/api/v1/pilots/{pilot['id']}/matches",
        headers=users.owner,
        json={"enrollment_id": person["id"], "mentor_id": mentor["id"]},
    ).json
    users.login("owner@acme.example")
    url = f"/matches/{match['id']}/end"
    page = _confirmation(client.post(url, headers=JA))
    assert "このマッチングを終えますか" in page
    matches = client.get(f"/api/v1/pilots/{pilot['id']}/matches", headers=users.owner).json
    assert matches[0]["ended_at"] is None
    assert (
        client.get(f"/api/v1/mentors/{mentor['id']}", headers=users.owner2).json["active_matches"]
        == 1
    )
    assert client.post(url, data={"confirmed": "1"}).status_code == 302
    matches = client.get(f"/api/v1/pilots/{pilot['id']}/matches", headers=users.owner).json
    assert matches[0]["ended_at"] is not None
    # Ending it again needs no confirmation: nothing is left to lose.
    assert client.post(url).status_code == 302


def test_mentor_pool_page_registers_mentors(client, users):
    users.login("owner@acme.example")
    page = client.post(
        "/mentors",
        data={
            "name": "山田 太郎",
            "expertise": "営業、キャリア",
            "languages": ["ja", "en"],
            "capacity": "3",
        },
        headers=EN,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "山田 太郎" in page and "営業, キャリア" in page and "3 / 3" in page
    bad = client.post("/mentors", data={"name": "", "capacity": "0"}, headers=EN)
    assert bad.status_code == 422


def test_other_organization_pages_are_404(client, users):
    pilot = make_pilot(client, users.owner)
    users.login("owner@globex.example")
    assert client.get(f"/pilots/{pilot['id']}").status_code == 404
    assert (
        client.post(f"/pilots/{pilot['id']}/transition", data={"to": "recruiting"}).status_code
        == 404
    )


def test_reviewer_cannot_open_owner_pages(client, users):
    users.login("reviewer@example.com")
    assert client.get("/pilots").status_code == 403
    assert client.get("/mentors").status_code == 403


def test_pilot_pages_in_japanese(client, users):
    users.login("owner@acme.example")
    page = client.get("/pilots/new", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "検出力" in page and "事前登録" in page


def test_randomised_pilot_page_draws_the_arm(client, users):
    users.login("owner@acme.example")
    pilot = make_pilot(client, users.owner, status="recruiting", has_comparison=True)
    page = client.get(f"/pilots/{pilot['id']}", headers=EN).get_data(as_text=True)
    assert 'name="arm"' not in page  # the owner does not choose
    done = client.post(
        f"/pilots/{pilot['id']}/enroll",
        headers=EN,
        follow_redirects=True,
        data={"age_band": "50-54", "career_phase": "post_off", "consent": "on"},
    )
    # the arm label is drawn too: "Participant" or "Comparison (wait-list)"
    assert re.search(
        r"Enrolled as P-[A-Z0-9]{8}; the draw gave the [^<]+ arm", done.get_data(as_text=True)
    )


def _picker_codes(page: str) -> list[str]:
    picker = re.search(r'<select id="enrollment_id" name="enrollment_id">(.*?)</select>', page)
    return re.findall(r'<option value="\d+">([^ <]+) —', picker.group(1)) if picker else []


def test_match_picker_search_finds_people_beyond_its_cap(client, users):
    make_mentor(client, users.owner2)
    pilot = make_pilot(client, users.owner, status="recruiting")
    # 205 participants: the picker shows 200; the last one is the only 60-64 specialist.
    rows = "".join("50-54,post_off,yes,participant\n" for _ in range(204))
    rows += "60-64,specialist,yes,participant\n"
    users.login("owner@acme.example")
    client.post(
        f"/pilots/{pilot['id']}/enroll-csv",
        data={
            "file": (io.BytesIO(b"age_band,career_phase,consent,arm\n" + rows.encode()), "p.csv")
        },
        content_type="multipart/form-data",
    )
    people = client.get(f"/api/v1/pilots/{pilot['id']}/enrollments", headers=users.owner).json
    assert len(people) == 205
    last = max(people, key=lambda p: p["id"])
    url = f"/pilots/{pilot['id']}"

    page = client.get(url, headers=EN).get_data(as_text=True)
    assert len(_picker_codes(page)) == 200 and last["code"] not in _picker_codes(page)
    assert (
        'id="picker-search"' in page
        and 'method="get"' in page.split('id="picker-search"')[0][-300:]
    )
    assert '<label for="find_code">Enrolment code contains</label>' in page
    assert "Showing 200 of 205 participants without a mentor; search" in page

    # By age band and career phase (a plain GET: no JavaScript needed).
    found = client.get(f"{url}?find_age_band=60-64&find_phase=specialist", headers=EN)
    page = found.get_data(as_text=True)
    assert _picker_codes(page) == [last["code"]] and 'id="picker-capped"' not in page
    assert "1 participant without a mentor fits this search." in page
    assert 'value="60-64" selected' in page and 'value="specialist" selected' in page
    # By part of the code, in any case.
    page = client.get(f"{url}?find_code={last['code'][-5:].lower()}", headers=EN).get_data(
        as_text=True
    )
    assert last["code"] in _picker_codes(page)
    # Nothing fits: the search stays, with a message, and no picker.
    page = client.get(f"{url}?find_age_band=50-54&find_phase=specialist", headers=EN).get_data(
        as_text=True
    )
    assert "No participant without a mentor fits this search." in page
    assert 'id="picker-search"' in page and 'id="match-form"' not in page
    # A % is a character to find, not a wildcard; an unknown band is no filter.
    page = client.get(f"{url}?find_code=%25", headers=EN).get_data(as_text=True)
    assert 'id="picker-none"' in page
    page = client.get(f"{url}?find_age_band=nonsense", headers=EN).get_data(as_text=True)
    assert len(_picker_codes(page)) == 200 and 'id="picker-capped"' in page

    # The one found can be matched, and then leaves the picker.
    client.post(
        f"/pilots/{pilot['id']}/match",
        data={"enrollment_id": str(last["id"]), "mentor_id": str(_first_mentor(page))},
    )
    page = client.get(f"{url}?find_age_band=60-64", headers=EN).get_data(as_text=True)
    assert _picker_codes(page) == [] and 'id="picker-none"' in page


def _first_mentor(page: str) -> int:
    return int(re.search(r'<select id="mentor_id" name="mentor_id"><option value="(\d+)"', page)[1])


def test_match_picker_search_in_japanese(client, users):
    make_mentor(client, users.owner2)
    pilot = make_pilot(client, users.owner, status="recruiting")
    enroll(client, users.owner, pilot["id"])
    users.login("owner@acme.example")
    page = client.get(f"/pilots/{pilot['id']}?find_phase=specialist", headers=JA).get_data(
        as_text=True
    )
    assert "登録コード" in page and "条件に合う" in page
