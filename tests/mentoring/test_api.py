"""The shared mentor pool, the cross-organization rule, capacity, and session logs."""

from datetime import timedelta

from crossover.auth.models import Role
from tests.factories import ASSIGNED, TODAY, enroll, make_mentor, make_pilot


def _setup(client, users, capacity=1):
    pilot = make_pilot(client, users.owner, status="running")
    people = [enroll(client, users.owner, pilot["id"]) for _ in range(3)]
    outside = make_mentor(client, users.owner2, name="Globex mentor", capacity=capacity)
    inside = make_mentor(client, users.owner, name="Acme mentor")
    return pilot, people, outside, inside


def test_pool_is_shared_and_owners_register_their_own(client, users):
    mentor = make_mentor(client, users.owner2, expertise=["営業", "career"], languages=["ja", "en"])
    assert mentor["organization"] == "globex" and mentor["active_matches"] == 0
    pool = client.get("/api/v1/mentors", headers=users.owner).json
    assert [m["name"] for m in pool] == ["Sato Hanako"]
    assert client.get("/api/v1/mentors?q=営業", headers=users.owner).json
    assert client.get("/api/v1/mentors?language=en", headers=users.owner).json
    assert not client.get("/api/v1/mentors?q=legal", headers=users.owner).json
    assert client.get("/api/v1/mentors", headers=users.reviewer).status_code == 403
    assert (
        client.post(
            "/api/v1/mentors", headers=users.admin, json={"name": "x", "capacity": 1}
        ).status_code
        == 403
    )
    # Only the registering organization edits its mentor.
    url = f"/api/v1/mentors/{mentor['id']}"
    assert client.patch(url, headers=users.owner, json={"capacity": 5}).status_code == 404
    assert client.patch(url, headers=users.owner2, json={"capacity": 5}).json["capacity"] == 5


def test_match_across_organizations(client, users):
    pilot, people, outside, _ = _setup(client, users)
    response = client.post(
        f"/api/v1/pilots/{pilot['id']}/matches",
        headers=users.owner,
        json={"enrollment_id": people[0]["id"], "mentor_id": outside["id"]},
    )
    assert response.status_code == 201
    assert response.json["enrollment_code"] == people[0]["code"]
    # The mentor is globex's: acme reads whether a place is free, globex reads the count.
    assert response.json["mentor"]["availability"] == "full"
    assert response.json["mentor"]["active_matches"] is None
    mine = client.get(f"/api/v1/mentors/{outside['id']}", headers=users.owner2).json
    assert mine["active_matches"] == 1 and mine["availability"] == "full"


def test_same_organization_mentor_is_409(client, users):
    pilot, people, _, inside = _setup(client, users)
    response = client.post(
        f"/api/v1/pilots/{pilot['id']}/matches",
        headers=users.owner,
        json={"enrollment_id": people[0]["id"], "mentor_id": inside["id"]},
    )
    assert response.status_code == 409 and "own organization" in response.json["message"]


def test_full_mentor_is_409_and_ending_frees_a_place(client, users):
    pilot, people, outside, _ = _setup(client, users, capacity=1)
    url = f"/api/v1/pilots/{pilot['id']}/matches"
    first = client.post(
        url,
        headers=users.owner,
        json={"enrollment_id": people[0]["id"], "mentor_id": outside["id"]},
    )
    full = client.post(
        url,
        headers=users.owner,
        json={"enrollment_id": people[1]["id"], "mentor_id": outside["id"]},
    )
    assert full.status_code == 409 and "capacity" in full.json["message"]
    again = client.post(
        url,
        headers=users.owner,
        json={"enrollment_id": people[0]["id"], "mentor_id": outside["id"]},
    )
    assert again.status_code == 409
    ended = client.post(f"/api/v1/matches/{first.json['id']}/end", headers=users.owner)
    assert ended.status_code == 200 and ended.json["ended_at"]
    assert ended.json["mentor"]["availability"] == "available"
    assert (
        client.get(f"/api/v1/mentors/{outside['id']}", headers=users.owner2).json["active_matches"]
        == 0
    )
    assert (
        client.post(
            url,
            headers=users.owner,
            json={"enrollment_id": people[1]["id"], "mentor_id": outside["id"]},
        ).status_code
        == 201
    )


def test_comparison_arm_gets_no_mentor(client, users):
    pilot = make_pilot(
        client, users.owner, status="running", has_comparison=True, preregistration=ASSIGNED
    )
    waiting = enroll(client, users.owner, pilot["id"], arm="comparison")
    mentor = make_mentor(client, users.owner2)
    response = client.post(
        f"/api/v1/pilots/{pilot['id']}/matches",
        headers=users.owner,
        json={"enrollment_id": waiting["id"], "mentor_id": mentor["id"]},
    )
    assert response.status_code == 409 and "comparison" in response.json["message"].lower()


def test_match_rejects_other_pilots_enrollments_and_unknown_mentors(client, users):
    pilot, people, outside, _ = _setup(client, users)
    other = make_pilot(client, users.owner, status="running")
    stranger = enroll(client, users.owner, other["id"])
    url = f"/api/v1/pilots/{pilot['id']}/matches"
    assert client.post(
        url, headers=users.owner, json={"enrollment_id": stranger["id"], "mentor_id": outside["id"]}
    ).json["errors"] == {"enrollment_id": ["No such enrollment in this pilot."]}
    assert (
        "mentor_id"
        in client.post(
            url, headers=users.owner, json={"enrollment_id": people[0]["id"], "mentor_id": 99999}
        ).json["errors"]
    )


def test_sessions_are_logged_on_a_match(client, users):
    pilot, people, outside, _ = _setup(client, users)
    matched = client.post(
        f"/api/v1/pilots/{pilot['id']}/matches",
        headers=users.owner,
        json={"enrollment_id": people[0]["id"], "mentor_id": outside["id"]},
    ).json
    url = f"/api/v1/matches/{matched['id']}/sessions"
    today = TODAY.isoformat()
    logged = client.post(
        url,
        headers=users.owner,
        json={"held_on": today, "minutes": 60, "mode": "online", "topics": ["棚卸し"]},
    )
    assert logged.status_code == 201 and logged.json["mode"] == "online"
    future = (TODAY + timedelta(days=1)).isoformat()
    assert client.post(
        url, headers=users.owner, json={"held_on": future, "minutes": 60, "mode": "online"}
    ).json["errors"] == {"held_on": ["Must not be in the future."]}
    assert (
        client.post(
            url, headers=users.owner, json={"held_on": today, "minutes": 0, "mode": "online"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            url, headers=users.owner, json={"held_on": today, "minutes": 30, "mode": "phone"}
        ).status_code
        == 422
    )
    listed = client.get(f"/api/v1/pilots/{pilot['id']}/matches", headers=users.owner).json
    assert listed[0]["total_minutes"] == 60 and len(listed[0]["sessions"]) == 1
    # The mentor's organization does not own the pilot: the match is not theirs to log on.
    assert (
        client.post(
            url, headers=users.owner2, json={"held_on": today, "minutes": 60, "mode": "online"}
        ).status_code
        == 404
    )


def test_a_session_before_the_pilots_start_is_refused(client, users):
    mentor = make_mentor(client, users.owner2)
    pilot = make_pilot(client, users.owner, status="running")
    person = enroll(client, users.owner, pilot["id"])
    match = client.post(
        f"/api/v1/pilots/{pilot['id']}/matches",
        headers=users.owner,
        json={"enrollment_id": person["id"], "mentor_id": mentor["id"]},
    ).json
    before = (TODAY - timedelta(days=30)).isoformat()  # the pilot started two days ago
    refused = client.post(
        f"/api/v1/matches/{match['id']}/sessions",
        headers=users.owner,
        json={"held_on": before, "minutes": 30, "mode": "online"},
    )
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["held_on"]
    users.login("owner@acme.example")
    page = client.post(
        f"/matches/{match['id']}/sessions",
        headers={"Accept-Language": "ja"},
        data={"held_on": before, "minutes": "30", "mode": "online"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "実施日: パイロットの開始日（" in page


def test_other_organizations_see_availability_not_running_match_counts(client, users):
    """Issue 26: owner A watching organization C's mentor's active_matches saw when C's
    participants were matched and released. Other organizations now read available / full
    only, in the pool (list and one mentor), in matches and on the pool page; the mentor's own
    organization and admins still read the count."""
    pilot, people, outside, _ = _setup(client, users, capacity=3)
    client.post(
        f"/api/v1/pilots/{pilot['id']}/matches",
        headers=users.owner,
        json={"enrollment_id": people[0]["id"], "mentor_id": outside["id"]},
    )
    users.create("owner@initech.example", Role.OWNER, "initech")
    url = f"/api/v1/mentors/{outside['id']}"
    for headers in (users.owner, users.headers("owner@initech.example")):
        pool = client.get("/api/v1/mentors", headers=headers).json
        theirs = next(m for m in pool if m["id"] == outside["id"])
        one = client.get(url, headers=headers).json
        for shown in (theirs, one):
            assert shown["active_matches"] is None and shown["availability"] == "available"
            assert shown["capacity"] == 3
    matches = client.get(f"/api/v1/pilots/{pilot['id']}/matches", headers=users.owner).json
    assert matches[0]["mentor"]["active_matches"] is None
    for headers in (users.owner2, users.admin):
        assert client.get(url, headers=headers).json["active_matches"] == 1
    own = next(
        m
        for m in client.get("/api/v1/mentors", headers=users.owner).json
        if m["organization"] == "acme"
    )
    assert own["active_matches"] == 0  # acme's own mentor: acme reads its count
    users.login("owner@acme.example")
    for lang, word in (("en", "available"), ("ja", "空きあり")):
        page = client.get("/mentors", headers={"Accept-Language": lang}).get_data(as_text=True)
        theirs = page[page.index("Globex mentor") :].split("</tr>")[0]
        assert word in theirs and "/ 3" not in theirs, theirs
        assert "2 / 2" in page[page.index("Acme mentor") :].split("</tr>")[0]
