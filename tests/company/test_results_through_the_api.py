"""The whole company survey as a client runs it: two rosters uploaded as CSV, every answer sent
through the participant survey API, then the results and the trend checked against the values
pinned to R in tests/company/test_results.py (the same people, there built through the models).
"""

import csv
import io

import pytest

from crossover.extensions import db
from tests.company import factories, people
from tests.company.flows import close as close_round
from tests.company.flows import make_round, make_survey, member_tokens, upload
from tests.company.test_results import CORRELATIONS, FIELDS, SCALES, close


def _roster(employees) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["employee_ref", "age_band", "tenure_band", "unit", "engagement"])
    for e in employees:
        engagement = "" if e.engagement is None else repr(e.engagement)
        writer.writerow([e.ref, e.age_band, e.tenure_band, e.unit, engagement])
    return out.getvalue().encode()


def _run_round(app, client, headers, survey_id, label, opens, employees) -> int:
    survey_round = make_round(client, headers, survey_id, label=label, opens=opens, closes=30)
    answer = upload(client, headers, survey_round["id"], _roster(employees))
    assert answer.status_code == 201, answer.json
    # Each employee's own link, as their mailbox gets it (in roster order).
    tokens = member_tokens(app, survey_round["id"])
    for e, token in zip(employees, tokens, strict=True):
        if e.answers is not None:
            sent = client.post(f"/api/v1/surveys/{token}", json={"answers": e.answers})
            assert sent.status_code == 201, sent.json
    close_round(client, headers, survey_round["id"])
    return survey_round["id"]


@pytest.fixture
def through_the_api(app, client, users):
    with app.app_context():
        keys = factories.item_keys(factories.shipped_instrument())
        db.session.remove()
    survey = make_survey(client, users.owner)
    first = _run_round(
        app, client, users.owner, survey["id"], "2025", -10, people.first_round(keys)
    )
    second = _run_round(
        app, client, users.owner, survey["id"], "2026", 0, people.second_round(keys)
    )
    return {"survey": survey["id"], "first": first, "second": second}


def test_results_and_trend_fed_through_the_api_match_r(client, users, through_the_api):
    results = client.get(
        f"/api/v1/rounds/{through_the_api['first']}/results", headers=users.owner
    ).json
    participation = results["participation"]
    assert (participation["invited"], participation["responded"]) == (120, 103)
    scales = {"total": results["total"], **{s["key"]: s for s in results["subscales"]}}
    for key, (mean, sd, low, high) in SCALES.items():
        assert scales[key]["n"] == 103
        for name, expected in zip(
            ("mean", "sd", "ci_low", "ci_high"), (mean, sd, low, high), strict=True
        ):
            close(scales[key][name], expected)
    engagement = results["engagement"]
    by_scale = {"total": engagement, **{s["key"]: s for s in engagement["subscales"]}}
    for key, values in CORRELATIONS.items():
        for name, expected in zip(FIELDS, values, strict=True):
            close(by_scale[key][name], expected, rel=1e-6)
    close(engagement["line"]["slope"], 0.335585264056609)  # coef(lm(total ~ engagement, data = e))

    trend = client.get(
        f"/api/v1/company-surveys/{through_the_api['survey']}/trend", headers=users.owner
    ).json
    assert [(r["label"], r["n"]) for r in trend["rounds"]] == [("2025", 103), ("2026", 112)]
    (change,) = trend["changes"]
    close(change["welch"]["t"], -0.363772240296088)  # t.test(b$total, a$total)
    close(change["welch"]["df"], 212.83814789635)
    close(change["welch"]["g"], -0.0493690394649079)
    # m <- merge(a, b, by = "ref"): the panel is linked by the keyed hash of the uploaded refs
    assert change["panel"]["n"] == 80
    close(change["panel"]["t"], -0.473658260431328)  # t.test(m$total.y, m$total.x, paired = TRUE)
    close(change["panel"]["dz"], -0.0529566034214374)
