"""Focus areas through the API: baselines only from published figures, actions, a pilot from a
focus area, and the next round's follow-through (values pinned to R, see tests/company)."""

from dataclasses import replace
from datetime import date

import pytest

from crossover.extensions import db
from tests.company import factories, people
from tests.company.flows import make_round
from tests.factories import enroll, initiative_id

TOL = 1e-9


def focus(client, headers, round_id, **body):
    return client.post(f"/api/v1/rounds/{round_id}/focus", headers=headers, json=body)


@pytest.fixture
def thin(app, users):
    """acme's second survey: one closed round where three respondents sit alone in a map cell
    (50-54 × 0-2) and in a unit ("Legal"), so both are withheld."""
    with app.app_context():
        org = factories.organization("acme")
        survey = factories.add_survey(org, "Thin cells")
        keys = factories.item_keys(factories.shipped_instrument())
        staff = people.first_round(keys)
        answering = [i for i, e in enumerate(staff) if e.answers is not None][:3]
        for i in answering:
            staff[i] = replace(staff[i], age_band="50-54", tenure_band="0-2", unit="Legal")
        closed = factories.add_round(
            survey, "2025", staff, opens_on=date(2025, 4, 1), closes_on=date(2025, 4, 30)
        )
        db.session.commit()
        return {"survey": survey.id, "round": closed.id}


def test_a_company_wide_focus_starts_from_the_published_total_and_follows_the_next_round(
    client, users, company
):
    answer = focus(client, users.owner, company["first"], scale="total", note="自律性を上げる")
    assert answer.status_code == 201, answer.json
    results = client.get(f"/api/v1/rounds/{company['first']}/results", headers=users.owner).json
    baseline = answer.json["baseline"]
    for field in ("n", "mean", "sd", "ci_low", "ci_high"):
        assert baseline[field] == results["total"][field]
    assert baseline["favourable"] is not None and baseline["comparable"] is True
    follow = answer.json["follow_through"]
    assert follow["round"]["label"] == "2026" and follow["comparable"] is True
    # w <- t.test(b$total, a$total)$conf.int (tests/company/reference.R's data)
    assert follow["change"]["ci_low"] == pytest.approx(-0.188992567394784, abs=TOL)
    assert follow["change"]["ci_high"] == pytest.approx(0.130104449040645, abs=TOL)
    assert follow["change"]["favourable_change"] == pytest.approx(
        follow["figure"]["favourable"] - baseline["favourable"], abs=TOL
    )
    # the panel's change is the trend's own (published with the later round)
    trend = client.get(f"/api/v1/company-surveys/{company['survey']}/trend", headers=users.owner)
    assert follow["panel"]["mean_change"] == trend.json["changes"][0]["panel"]["mean_change"]

    listed = client.get(f"/api/v1/company-surveys/{company['survey']}/focus", headers=users.owner)
    assert [f["id"] for f in listed.json] == [answer.json["id"]]
    assert listed.json[0]["note"] == "自律性を上げる"


def test_a_subscale_and_a_cell_follow_their_own_published_figures(client, users, company):
    sub = focus(client, users.owner, company["first"], scale="agency").json
    # t.test(b$agency, a$agency)$conf.int; mean(b$agency) - mean(a$agency)
    change = sub["follow_through"]["change"]
    assert change["difference"] == pytest.approx(0.0703016643550622, abs=TOL)
    assert change["ci_low"] == pytest.approx(-0.177683096742776, abs=TOL)
    assert change["ci_high"] == pytest.approx(0.3182864254529, abs=TOL)
    assert sub["baseline"]["favourable"] is None  # published for the total only

    cell = focus(
        client, users.owner, company["first"], scale="agency", age_band="45-49", tenure_band="11-20"
    )
    assert cell.status_code == 201, cell.json
    baseline = cell.json["baseline"]
    # a map cell publishes its total's n and mean only
    assert (baseline["figure"], baseline["n"], baseline["sd"], baseline["ci_low"]) == (
        "total",
        25,
        None,
        None,
    )
    change = cell.json["follow_through"]["change"]
    # x <- b$total[b$age == "45-49" & b$tenure == "11-20"]; y <- the same of a; mean(x) - mean(y)
    assert change["difference"] == pytest.approx(0.00777777777777811, abs=TOL)
    assert change["ci_low"] is None


def test_a_focus_adds_no_group_the_round_withheld(app, client, users, thin):
    cell = focus(
        client, users.owner, thin["round"], scale="total", age_band="50-54", tenure_band="0-2"
    )
    assert cell.status_code == 422
    assert cell.json["errors"]["rule"] == ["small"]
    assert "5 人未満" in cell.json["errors"]["tenure_band"][0]  # K = 5 in tests
    unit = focus(client, users.owner, thin["round"], scale="total", unit="Legal")
    assert unit.status_code == 422 and "unit" in unit.json["errors"]
    empty = focus(client, users.owner, thin["round"], scale="total", age_band="20-24")
    assert empty.status_code == 422 and empty.json["errors"]["rule"] == ["small"]
    # a unit alone is published (its counts); a unit by band never is
    banded = focus(
        client, users.owner, thin["round"], scale="total", unit="Sales", age_band="30-34"
    )
    assert banded.status_code == 422 and banded.json["errors"]["rule"] == ["not_published"]
    # single items: a publication made before item shares were published has none to start from
    from crossover.company.models import SurveyRound

    with app.app_context():
        stored = db.session.get(SurveyRound, thin["round"])
        results = {
            k: v for k, v in stored.publication["results"].items() if k != "item_distribution"
        }
        stored.publication = {**stored.publication, "results": results}
        db.session.commit()
        db.session.remove()
    item = focus(client, users.owner, thin["round"], item="agency_1")
    assert item.status_code == 422 and item.json["errors"]["rule"] == ["not_published"]
    with app.app_context():
        assert db.session.scalar(db.text("SELECT count(*) FROM focus_areas")) == 0


def test_rounds_must_be_closed_and_the_organisations_own(client, users, company):
    opened = make_round(client, users.owner, company["survey"], label="2027")
    assert focus(client, users.owner, opened["id"], scale="total").status_code == 409
    assert focus(client, users.owner2, company["first"], scale="total").status_code == 404
    assert focus(client, users.reviewer, company["first"], scale="total").status_code == 403
    made = focus(client, users.owner, company["first"], scale="total").json
    assert client.get(f"/api/v1/focus/{made['id']}", headers=users.owner2).status_code == 404
    for body in ({}, {"scale": "total", "item": "agency_1"}, {"scale": "nope"}):
        answer = focus(client, users.owner, company["first"], **body)
        assert answer.status_code == 422 and answer.json["errors"], body
    bad_band = focus(client, users.owner, company["first"], scale="total", age_band="18-19")
    assert bad_band.status_code == 422 and "age_band" in bad_band.json["errors"]


def test_actions_and_a_pilot_from_a_focus_area(client, users, company):
    made = focus(
        client, users.owner, company["first"], scale="agency", age_band="45-49", tenure_band="11-20"
    ).json
    base = f"/api/v1/focus/{made['id']}"
    action = client.post(
        f"{base}/actions",
        headers=users.owner,
        json={
            "what": "1on1 の導入",
            "who": "人事部",
            "starts_on": "2026-05-01",
            "ends_on": "2026-09-30",
        },
    )
    assert action.status_code == 201 and action.json["status"] == "planned"
    backwards = client.post(
        f"{base}/actions",
        headers=users.owner,
        json={"what": "x", "who": "y", "starts_on": "2026-05-01", "ends_on": "2026-04-30"},
    )
    assert backwards.status_code == 422 and "ends_on" in backwards.json["errors"]
    moved = client.patch(
        f"{base}/actions/{action.json['id']}", headers=users.owner, json={"status": "done"}
    )
    assert moved.status_code == 200 and moved.json["status"] == "done"

    pilot = client.post(
        f"{base}/pilot",
        headers=users.owner,
        json={"initiative_id": initiative_id(client, users.owner)},
    )
    assert pilot.status_code == 201, pilot.json
    pilot = pilot.json
    assert pilot["status"] == "draft"
    assert pilot["preregistration"]["outcome"] == "agency"
    assert pilot["preregistration"]["focus_area_id"] == made["id"]
    assert f"{made['id']}" in pilot["preregistration"]["rationale"]
    assert pilot["eligibility"]["age_bands"] == ["45-49"]
    assert pilot["eligibility"]["tenure_bands"] == ["11-20"]
    listed = client.get(base, headers=users.owner).json
    assert [p["id"] for p in listed["pilots"]] == [pilot["id"]]
    assert [a["status"] for a in listed["actions"]] == ["done"]
    # the focus area a preregistration names stays
    assert client.delete(base, headers=users.owner).status_code == 409

    # enrolment records the tenure band and holds to it
    client.post(
        f"/api/v1/pilots/{pilot['id']}/transitions", headers=users.owner, json={"to": "recruiting"}
    )
    one = enroll(client, users.owner, pilot["id"], age_band="45-49", tenure_band="11-20")
    assert one["tenure_band"] == "11-20"
    wrong = client.post(
        f"/api/v1/pilots/{pilot['id']}/enrollments",
        headers=users.owner,
        json={
            "age_band": "45-49",
            "career_phase": "post_off",
            "consent": True,
            "tenure_band": "0-2",
        },
    )
    assert wrong.status_code == 422 and "tenure_band" in wrong.json["errors"]


def test_a_pilot_cannot_target_an_age_band_pilots_do_not_enrol(client, users, company):
    made = focus(client, users.owner, company["first"], scale="total", age_band="30-34").json
    answer = client.post(
        f"/api/v1/focus/{made['id']}/pilot",
        headers=users.owner,
        json={"initiative_id": initiative_id(client, users.owner)},
    )
    assert answer.status_code == 422 and "age_band" in answer.json["errors"]


def test_an_item_focus_starts_from_the_published_item_distribution(app, client, users, company):
    """Where a round publishes its item distribution (DESIGN.md "Item distribution"), an item's
    focus area starts from that item's published n and favourable share."""
    from crossover.company.models import SurveyRound

    client.get(f"/api/v1/rounds/{company['first']}/results", headers=users.owner)  # publish
    with app.app_context():
        first = db.session.get(SurveyRound, company["first"])
        results = dict(first.publication["results"])
        results["item_distribution"] = [
            {
                "key": "agency_1",
                "subscale": "agency",
                "reverse": False,
                "n": 103,
                "favourable": 0.4,
                "neutral": 0.3,
                "unfavourable": 0.3,
                "suppressed": False,
            }
        ]
        first.publication = {**first.publication, "results": results}
        db.session.commit()
    answer = focus(client, users.owner, company["first"], item="agency_1")
    assert answer.status_code == 201, answer.json
    baseline = answer.json["baseline"]
    assert (baseline["figure"], baseline["n"], baseline["favourable"], baseline["mean"]) == (
        "agency_1",
        103,
        0.4,
        None,
    )
    # the next round publishes its item shares: the follow-through is the favourable share's change
    with app.app_context():
        second = db.session.get(SurveyRound, company["second"]).publication["results"]
        later = next(i for i in second["item_distribution"] if i["key"] == "agency_1")
        db.session.remove()
    follow = answer.json["follow_through"]
    assert follow["withheld"] is None
    assert follow["change"]["favourable_change"] == pytest.approx(
        later["favourable"] - 0.4, abs=1e-9
    )
    pilot = client.post(
        f"/api/v1/focus/{answer.json['id']}/pilot",
        headers=users.owner,
        json={"initiative_id": initiative_id(client, users.owner)},
    ).json
    assert pilot["preregistration"]["outcome"] == "total"


def test_a_subscale_the_next_round_does_not_publish_is_withheld_not_an_error(
    app, client, users, company
):
    from crossover.company.models import SurveyRound

    made = focus(client, users.owner, company["first"], scale="agency").json
    with app.app_context():  # as if the later questionnaire version had dropped the subscale
        later = db.session.get(SurveyRound, company["second"])
        results = dict(later.publication["results"])
        results["subscales"] = [s for s in results["subscales"] if s["key"] != "agency"]
        later.publication = {**later.publication, "results": results}
        db.session.commit()
    answer = client.get(f"/api/v1/focus/{made['id']}", headers=users.owner)
    assert answer.status_code == 200
    assert answer.json["follow_through"]["withheld"] == "not_published"
