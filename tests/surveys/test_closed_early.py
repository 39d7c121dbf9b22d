"""A pilot closed before a wave's planned end: its link never says the survey "was open until" a
date still to come (page and API)."""

from tests.factories import TODAY, enroll, make_pilot

JA = {"Accept-Language": "ja"}


def test_a_link_of_an_early_closed_pilot_does_not_speak_of_the_future_in_the_past(client, users):
    pilot = make_pilot(client, users.owner, status="running")
    person = enroll(client, users.owner, pilot["id"])
    pre = next(i for i in person["invitations"] if i["wave"] == "pre")
    closed = client.post(
        f"/api/v1/pilots/{pilot['id']}/transitions", headers=users.owner, json={"to": "closed"}
    )
    assert closed.status_code == 200
    page = client.get(f"/s/{pre['token']}", headers=JA).get_data(as_text=True)
    closes_on = page.split("予定（")[1].split(" まで）")[0]
    assert closes_on > TODAY.isoformat()  # the planned close is still ahead
    assert "より早く終了したため、回答を受け付けていません" in page
    assert "まででした" not in page and 'id="closed-early"' in page
    answer = client.post(f"/api/v1/surveys/{pre['token']}", json={"answers": {}})
    assert answer.status_code == 409
    assert "closed before this survey's planned end" in answer.json["message"]
    assert "was open from" not in answer.json["message"]
