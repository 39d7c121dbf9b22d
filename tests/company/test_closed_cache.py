"""A closed round's results and trend are computed once per change: an engagement or roster
upload (the round's data version) or a new response makes them fresh. An open round's results
follow every answer; what its roster rows give (crossover.company.roster_cache) is read again
after each upload."""

from datetime import timedelta
import io

import sqlalchemy as sa

from crossover.company.models import RosterMember, SurveyRound
from crossover.config import local_today
from crossover.extensions import db
from tests.company.flows import ANSWERS, roster_csv, setup_round, upload


def _results(client, users, round_id) -> dict:
    response = client.get(f"/api/v1/rounds/{round_id}/results", headers=users.owner)
    assert response.status_code == 200, response.json
    return response.json


def _set_engagement_behind_the_service(app, round_id, value: float) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(RosterMember)
            .where(RosterMember.round_id == round_id)
            .values(engagement=value)
        )
        db.session.commit()
        db.session.remove()


def test_closed_round_results_are_reused_until_an_upload_changes_them(app, client, users, company):
    first = _results(client, users, company["first"])
    assert first["engagement"]["n"] > 0 and first["engagement"]["pearson_r"] is not None
    # Changed behind the service (no data version bump): the cached answer stands.
    _set_engagement_behind_the_service(app, company["first"], 1.0)
    assert _results(client, users, company["first"]) == first
    # An engagement upload bumps the round's data version: the results are computed again.
    upload = client.post(
        f"/api/v1/rounds/{company['first']}/engagement",
        headers=users.owner,
        data={"file": (io.BytesIO(b"employee_ref,engagement\ne000,2.5\n"), "e.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 200, upload.json
    fresh = _results(client, users, company["first"])
    assert fresh["engagement"] != first["engagement"]


def _open_round_with_roster(client, users, rows: int = 12) -> tuple[int, dict]:
    _survey, round_, uploaded = setup_round(client, users.owner, rows=rows)
    tokens = {i["employee_ref"]: i["token"] for i in uploaded["invitations"]}
    return round_["id"], tokens


def _answer(client, token: str) -> None:
    sent = client.post(f"/api/v1/surveys/{token}", json={"answers": ANSWERS})
    assert sent.status_code == 201, sent.json


def test_open_round_results_follow_every_answer(client, users):
    round_id, tokens = _open_round_with_roster(client, users)
    refs = sorted(tokens)
    for ref in refs[:6]:
        _answer(client, tokens[ref])
    assert _results(client, users, round_id)["participation"]["responded"] == 6
    _answer(client, tokens[refs[6]])
    assert _results(client, users, round_id)["participation"]["responded"] == 7


def test_open_round_roster_is_read_again_after_each_upload(client, users):
    round_id, tokens = _open_round_with_roster(client, users)
    for ref in sorted(tokens)[:8]:
        _answer(client, tokens[ref])
    first = _results(client, users, round_id)
    assert first["participation"]["invited"] == 12
    more = upload(client, users.owner, round_id, roster_csv(6, start=12))
    assert more.status_code == 201, more.json
    assert _results(client, users, round_id)["participation"]["invited"] == 18
    scores = "employee_ref,engagement\n" + "".join(f"E{i:05d},{i}\n" for i in range(12))
    changed = upload(client, users.owner, round_id, scores.encode(), what="engagement")
    assert changed.status_code == 200, changed.json
    assert _results(client, users, round_id)["engagement"] != first["engagement"]


def test_roster_rows_changed_behind_the_service_wait_for_an_upload(app, client, users):
    """The contract the roster arrays are kept under: roster rows change only through uploads,
    which bump the round's data version. A change made straight in the database (no bump) is
    not read until the next upload."""
    round_id, tokens = _open_round_with_roster(client, users)
    for ref in sorted(tokens)[:8]:
        _answer(client, tokens[ref])
    first = _results(client, users, round_id)
    _set_engagement_behind_the_service(app, round_id, 1.0)
    assert _results(client, users, round_id)["engagement"] == first["engagement"]
    bumped = upload(
        client, users.owner, round_id, b"employee_ref,engagement\nE00000,1.0\n", what="engagement"
    )
    assert bumped.status_code == 200, bumped.json
    assert _results(client, users, round_id)["engagement"]["pearson_r"] is None  # all 1.0 now


def test_trend_of_closed_rounds_follows_the_survey_title_and_uploads(app, client, users, company):
    url = f"/api/v1/company-surveys/{company['survey']}/trend"
    first = client.get(url, headers=users.owner).json
    renamed = client.patch(
        f"/api/v1/company-surveys/{company['survey']}", headers=users.owner, json={"title": "New"}
    )
    assert renamed.status_code == 200, renamed.json
    again = client.get(url, headers=users.owner).json
    assert again["survey"]["title"] == "New"  # read fresh, never from the cache
    assert again["rounds"] == first["rounds"] and again["changes"] == first["changes"]


def _closes(app, round_id: int, days_from_today: int) -> None:
    with app.app_context():
        survey_round = db.session.get(SurveyRound, round_id)
        survey_round.closes_on = local_today() + timedelta(days=days_from_today)
        db.session.commit()
        db.session.remove()


def test_an_answer_stored_as_the_window_closed_refreshes_the_results(app, client, users):
    """A round that closed yesterday may still get the answer that was being stored at
    midnight: its response count is part of what the cache checks."""
    round_id, tokens = _open_round_with_roster(client, users)
    refs = sorted(tokens)
    for ref in refs[:6]:
        _answer(client, tokens[ref])
    _closes(app, round_id, -1)
    assert _results(client, users, round_id)["participation"]["responded"] == 6
    _closes(app, round_id, 0)  # the late answer's request began inside the window
    _answer(client, tokens[refs[6]])
    _closes(app, round_id, -1)
    assert _results(client, users, round_id)["participation"]["responded"] == 7
