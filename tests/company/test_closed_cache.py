"""A closed round's results and trend are computed once per change: an engagement or roster
upload (the round's data version) or a new response makes them fresh; open rounds never cache."""

from datetime import date, timedelta
import io

import sqlalchemy as sa

from crossover.company.models import RosterMember, SurveyRound
from crossover.extensions import db


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


def test_open_round_results_are_never_reused(app, client, users, company):
    with app.app_context():
        survey_round = db.session.get(SurveyRound, company["first"])
        survey_round.closes_on = date.today() + timedelta(days=30)
        db.session.commit()
        db.session.remove()
    first = _results(client, users, company["first"])
    _set_engagement_behind_the_service(app, company["first"], 1.0)
    assert _results(client, users, company["first"])["engagement"] != first["engagement"]


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
