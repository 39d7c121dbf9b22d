"""A round publishes nothing about scores while it is open (F2: two reads a minute apart would
give the newest answer) and, once closed, one publication computed at the first read: later
reads, uploads and data changed behind the service leave it as it is. Participation shows only
as counts, live while the round is open."""

import io

import sqlalchemy as sa

from crossover.company.models import RosterMember
from crossover.extensions import db
from tests.company.flows import ANSWERS, close, member_tokens, roster_csv, setup_round, upload


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


def test_a_closed_round_s_publication_never_changes(app, client, users, company):
    first = _results(client, users, company["first"])
    assert first["engagement"]["n"] > 0 and first["engagement"]["pearson_r"] is not None
    _set_engagement_behind_the_service(app, company["first"], 1.0)
    assert _results(client, users, company["first"]) == first
    # F1/F3 on a closed round: a later engagement upload is refused, nothing changes.
    refused = client.post(
        f"/api/v1/rounds/{company['first']}/engagement",
        headers=users.owner,
        data={"file": (io.BytesIO(b"employee_ref,engagement\ne000,2.5\n"), "e.csv")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 409, refused.json
    assert "締め切" in refused.json["message"] or "closed" in refused.json["message"]
    assert _results(client, users, company["first"]) == first


def _open_round(client, users, app, rows: int = 12) -> tuple[int, list[str]]:
    _survey, round_, _uploaded = setup_round(client, users.owner, rows=rows)
    return round_["id"], member_tokens(app, round_["id"])


def _answer(client, token: str) -> None:
    sent = client.post(f"/api/v1/surveys/{token}", json={"answers": ANSWERS})
    assert sent.status_code == 201, sent.json


def _participation(client, users, round_id) -> dict:
    response = client.get(f"/api/v1/rounds/{round_id}/participation", headers=users.owner)
    assert response.status_code == 200, response.json
    return response.json


def test_f2_open_round_results_are_409_and_only_counts_follow_the_answers(app, client, users):
    round_id, tokens = _open_round(client, users, app)
    for token in tokens[:6]:
        _answer(client, token)
    refused = client.get(f"/api/v1/rounds/{round_id}/results", headers=users.owner)
    assert refused.status_code == 409 and "結果" in refused.json["message"]
    assert _participation(client, users, round_id)["responded"] == 6
    _answer(client, tokens[6])
    counts = _participation(client, users, round_id)
    assert counts["responded"] == 7 and counts["status"] == "open"
    # Groups under K invited show no count (three age bands of four people each).
    assert all(g["responded"] is None for g in counts["by_age_band"])
    assert client.get(f"/api/v1/rounds/{round_id}/results", headers=users.owner).status_code == 409


def test_closing_early_publishes_once_and_stops_answers(app, client, users):
    round_id, tokens = _open_round(client, users, app)
    for token in tokens[:8]:
        _answer(client, token)
    reviewer = client.post(f"/api/v1/rounds/{round_id}/close", headers=users.reviewer)
    assert reviewer.status_code == 403
    close(client, users.owner, round_id)
    again = client.post(f"/api/v1/rounds/{round_id}/close", headers=users.owner)
    assert again.status_code == 409
    late = client.post(f"/api/v1/surveys/{tokens[8]}", json={"answers": ANSWERS})
    assert late.status_code == 409
    published = _results(client, users, round_id)
    assert published["total"]["n"] == 8 and published["participation"]["responded"] == 8
    assert _participation(client, users, round_id)["status"] == "closed"


def test_open_round_participation_reads_the_roster_again_after_each_upload(app, client, users):
    round_id, _tokens = _open_round(client, users, app)
    assert _participation(client, users, round_id)["invited"] == 12
    more = upload(client, users.owner, round_id, roster_csv(6, start=12))
    assert more.status_code == 201, more.json
    assert _participation(client, users, round_id)["invited"] == 18


def test_trend_follows_the_survey_title_and_keeps_its_figures(client, users, company):
    url = f"/api/v1/company-surveys/{company['survey']}/trend"
    first = client.get(url, headers=users.owner).json
    renamed = client.patch(
        f"/api/v1/company-surveys/{company['survey']}", headers=users.owner, json={"title": "New"}
    )
    assert renamed.status_code == 200, renamed.json
    again = client.get(url, headers=users.owner).json
    assert again["survey"]["title"] == "New"
    assert again["rounds"] == first["rounds"] and again["changes"] == first["changes"]


def test_an_open_round_s_pages_show_counts_and_no_scores(app, client, users):
    round_id, tokens = _open_round(client, users, app)
    for token in tokens[:6]:
        _answer(client, token)
    users.login("owner@acme.example")
    results = client.get(f"/company/rounds/{round_id}/results", headers={"Accept-Language": "ja"})
    assert results.status_code == 302 and results.headers["Location"].endswith(
        f"/company/rounds/{round_id}"
    )
    page = client.get(f"/company/rounds/{round_id}", headers={"Accept-Language": "ja"})
    html = page.get_data(as_text=True)
    assert "締め切り後に公開されます" in html and 'id="answered">6<' in html
    assert "/results" not in html.split('id="privacy-note"', 1)[1].split("</section>", 1)[0]
    csv_export = client.get(f"/company/rounds/{round_id}/disclosure.csv")
    assert csv_export.status_code == 409


def test_the_worker_publishes_closed_rounds_before_anyone_reads_them(app, client, users, company):
    from crossover import worker
    from crossover.company.models import SurveyRound

    jobs = worker.get(app)
    assert jobs.run_job(worker.PUBLISH)["published"] == 2
    assert jobs.run_job(worker.PUBLISH)["published"] == 0  # made once
    with app.app_context():
        stored = db.session.get(SurveyRound, company["first"]).publication
        db.session.remove()
    assert stored is not None
    assert _results(client, users, company["first"])["total"] == stored["results"]["total"]
