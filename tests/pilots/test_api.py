"""Pilots: registration defaults, preregistration freeze, lifecycle, enrolment, CSV, erasure."""

from datetime import timedelta
import io

import pytest
import sqlalchemy as sa

from crossover.audit import AuditEvent
from crossover.extensions import db
from crossover.pilots.models import Contact, Enrollment
from tests.factories import ASSIGNED, TODAY, enroll, make_pilot, pilot_payload


def test_register_draft_with_defaults(client, users):
    payload = pilot_payload(client, users.owner, starts_on="2026-04-01", ends_on="2026-06-30")
    response = client.post("/api/v1/pilots", headers=users.owner, json=payload)
    assert response.status_code == 201
    pilot = response.json
    assert pilot["status"] == "draft" and pilot["organization"] == "acme"
    assert pilot["eligibility"]["age_bands"] == ["45-49", "50-54", "55-59", "60-64", "65+"]
    assert pilot["followup_days"] == [30, 60]
    assert pilot["schedule"] == [
        {"wave": "intake", "opens_on": None, "closes_on": "2026-04-08"},
        {"wave": "pre", "opens_on": None, "closes_on": "2026-04-08"},
        {"wave": "post", "opens_on": "2026-06-23", "closes_on": "2026-07-30"},
        {"wave": "followup_30", "opens_on": "2026-07-30", "closes_on": "2026-08-13"},
        {"wave": "followup_60", "opens_on": "2026-08-29", "closes_on": "2026-09-12"},
    ]
    assert pilot["preregistration"]["frozen_at"] is None
    assert pilot["instrument_id"]  # the shipped scale when none is named


def test_other_format_defaults_to_everyone(client, users):
    pilot = make_pilot(client, users.owner, format="other")
    assert pilot["eligibility"] == {"age_bands": [], "career_phases": []}


def test_registration_validation_names_fields(client, users):
    base = pilot_payload(client, users.owner)
    cases = [
        ({**base, "ends_on": "2020-01-01", "starts_on": "2020-02-01"}, "ends_on"),
        ({**base, "initiative_id": 999999}, "initiative_id"),
        ({**base, "instrument_id": 999999}, "instrument_id"),
        ({**base, "format": "retreat"}, "format"),
        ({**base, "planned_n": 1}, "planned_n"),
        ({**base, "preregistration": {"outcome": "happiness"}}, "preregistration.outcome"),
        ({**base, "preregistration": {"direction": "up"}}, "preregistration"),
        ({**base, "eligibility": {"age_bands": ["30-34"]}}, "eligibility.age_bands"),
        ({**base, "schedule": [{"wave": "mid", "closes_on": "2026-01-01"}]}, "schedule"),
    ]
    for payload, field in cases:
        response = client.post("/api/v1/pilots", headers=users.owner, json=payload)
        assert response.status_code == 422, (field, response.json)
        assert field in response.json["errors"], (field, response.json)


def test_subscale_outcome_and_custom_schedule(client, users):
    pilot = make_pilot(
        client,
        users.owner,
        preregistration={"outcome": "agency", "direction": "two-sided"},
        schedule=[{"wave": "pre", "opens_on": None, "closes_on": TODAY.isoformat()}],
    )
    assert pilot["preregistration"]["outcome"] == "agency"
    assert (
        next(w for w in pilot["schedule"] if w["wave"] == "pre")["closes_on"] == TODAY.isoformat()
    )


def test_lifecycle_moves_one_step_forward_only(app, client, users):
    pilot = make_pilot(client, users.owner)
    url = f"/api/v1/pilots/{pilot['id']}/transitions"
    bad = client.post(url, headers=users.owner, json={"to": "running"})
    assert bad.status_code == 409 and "draft pilot cannot become running" in bad.json["message"]
    assert client.post(url, headers=users.owner, json={"to": "draft"}).status_code == 409
    assert client.post(url, headers=users.owner, json={"to": "paused"}).status_code == 422
    moved = client.post(url, headers=users.owner, json={"to": "recruiting"}).json
    assert moved["status"] == "recruiting" and moved["preregistration"]["frozen_at"]
    assert client.post(url, headers=users.owner, json={"to": "draft"}).status_code == 409
    assert client.post(url, headers=users.owner, json={"to": "running"}).status_code == 200
    assert client.post(url, headers=users.owner, json={"to": "closed"}).status_code == 200
    finished = client.post(url, headers=users.owner, json={"to": "running"})
    assert finished.status_code == 409 and "finished" in finished.json["message"]
    with app.app_context():
        moves = db.session.scalars(
            sa.select(AuditEvent.details).where(AuditEvent.action == "pilot.transition")
        ).all()
    assert [m["to"] for m in moves] == ["recruiting", "running", "closed"]


def test_preregistration_frozen_after_draft(client, users):
    pilot = make_pilot(client, users.owner)
    url = f"/api/v1/pilots/{pilot['id']}"
    assert (
        client.patch(url, headers=users.owner, json={"preregistration": {"min_dz": 0.5}}).json[
            "preregistration"
        ]["min_dz"]
        == 0.5
    )
    client.post(f"{url}/transitions", headers=users.owner, json={"to": "recruiting"})
    for change in (
        {"preregistration": {"alpha": 0.1}},
        {"planned_n": 100},
        {"has_comparison": True},
    ):
        response = client.patch(url, headers=users.owner, json=change)
        assert response.status_code == 409 and next(iter(change)) in response.json["errors"]
    assert client.get(url, headers=users.owner).json["preregistration"]["min_dz"] == 0.5
    renamed = client.patch(url, headers=users.owner, json={"title": "Renamed"})
    assert renamed.status_code == 200 and renamed.json["title"] == "Renamed"
    new_close = (TODAY + timedelta(days=90)).isoformat()
    moved = client.patch(
        url,
        headers=users.owner,
        json={"schedule": [{"wave": "post", "opens_on": None, "closes_on": new_close}]},
    )
    assert moved.status_code == 200
    assert next(w for w in moved.json["schedule"] if w["wave"] == "post")["closes_on"] == new_close


def test_closed_pilot_schedule_is_fixed(client, users):
    pilot = make_pilot(client, users.owner, status="closed")
    response = client.patch(
        f"/api/v1/pilots/{pilot['id']}",
        headers=users.owner,
        json={"schedule": [{"wave": "pre", "closes_on": "2030-01-01"}]},
    )
    assert response.status_code == 409


def test_enrolment_needs_recruiting_or_running(client, users):
    for status in ("draft", "closed"):
        pilot = make_pilot(client, users.owner, status=status)
        response = client.post(
            f"/api/v1/pilots/{pilot['id']}/enrollments",
            headers=users.owner,
            json={"age_band": "50-54", "career_phase": "post_off", "consent": True},
        )
        assert response.status_code == 409 and status in response.json["message"]


def test_enrolment_returns_code_and_one_unguessable_invitation_per_wave(client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    first = enroll(client, users.owner, pilot["id"], email="Taro@Example.com")
    second = enroll(client, users.owner, pilot["id"])
    assert first["code"].startswith("P-") and first["code"] != second["code"]
    assert [i["wave"] for i in first["invitations"]] == [
        "intake",
        "pre",
        "post",
        "followup_30",
        "followup_60",
    ]
    tokens = {i["token"] for e in (first, second) for i in e["invitations"]}
    assert len(tokens) == 10 and all(len(t) >= 22 for t in tokens)  # ≥ 128 bits of base64url
    assert first["invitations"][0]["url"].endswith("/s/" + first["invitations"][0]["token"])
    assert (
        first["invitations"][1]["status"] == "open"
        and first["invitations"][2]["status"] == "not_open"
    )
    assert (
        first["arm"] == "participant"
        and first["has_contact"] is True
        and second["has_contact"] is False
    )


def test_ineligible_people_are_refused_with_the_rule(client, users):
    pilot = make_pilot(
        client, users.owner, status="recruiting", eligibility={"career_phases": ["post_off"]}
    )
    url = f"/api/v1/pilots/{pilot['id']}/enrollments"
    young = client.post(
        url,
        headers=users.owner,
        json={"age_band": "40-44", "career_phase": "post_off", "consent": True},
    )
    assert young.status_code == 422
    assert "40-44 is not eligible" in young.json["errors"]["age_band"][0]
    phase = client.post(
        url,
        headers=users.owner,
        json={"age_band": "55-59", "career_phase": "specialist", "consent": True},
    )
    assert phase.status_code == 422 and list(phase.json["errors"]) == ["career_phase"]
    no_consent = client.post(
        url,
        headers=users.owner,
        json={"age_band": "55-59", "career_phase": "post_off", "consent": False},
    )
    assert no_consent.status_code == 422 and list(no_consent.json["errors"]) == ["consent"]
    comparison = client.post(
        url,
        headers=users.owner,
        json={
            "age_band": "55-59",
            "career_phase": "post_off",
            "consent": True,
            "arm": "comparison",
        },
    )
    assert comparison.status_code == 422 and list(comparison.json["errors"]) == ["arm"]
    missing = client.post(url, headers=users.owner, json={"age_band": "55-59"})
    assert missing.status_code == 422 and {"career_phase", "consent"} <= set(missing.json["errors"])


def test_comparison_arm_when_the_pilot_has_one(client, users):
    pilot = make_pilot(
        client, users.owner, status="recruiting", has_comparison=True, preregistration=ASSIGNED
    )
    assert enroll(client, users.owner, pilot["id"], arm="comparison")["arm"] == "comparison"


CSV_GOOD = (
    "age_band,career_phase,consent,arm,email\n50-54,post_off,yes,,a@example.com\n"
    "60-64,reemployed,はい,participant,\n"
)


def _upload(client, headers, pilot_id, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        f"/api/v1/pilots/{pilot_id}/enrollments/csv",
        headers=headers,
        data={"file": (io.BytesIO(data), "people.csv")},
        content_type="multipart/form-data",
    )


def test_csv_enrols_everyone(app, client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    response = _upload(client, users.owner, pilot["id"], "\ufeff" + CSV_GOOD)  # Excel's BOM
    assert response.status_code == 201 and response.json["enrolled"] == 2
    assert all(len(e["invitations"]) == 5 for e in response.json["enrollments"])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 1


def test_csv_with_bad_rows_enrols_nobody_and_names_lines(app, client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    text = (
        CSV_GOOD + "30-34,post_off,yes,,\n55-59,post_off,no,,\n55-59,post_off,yes,,not-an-email\n"
    )
    response = _upload(client, users.owner, pilot["id"], text)
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"line 4", "line 5", "line 6"}
    assert "age_band" in response.json["errors"]["line 4"][0]
    assert "consent" in response.json["errors"]["line 5"][0]
    assert "email" in response.json["errors"]["line 6"][0]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 0


def test_csv_file_problems(client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    assert _upload(client, users.owner, pilot["id"], "age_band,consent\n50-54,yes\n").json[
        "errors"
    ]["file"]
    assert (
        _upload(client, users.owner, pilot["id"], "age_band,career_phase,consent\n").status_code
        == 422
    )
    assert _upload(client, users.owner, pilot["id"], "年齢".encode("shift_jis")).json["errors"][
        "file"
    ]
    no_file = client.post(
        f"/api/v1/pilots/{pilot['id']}/enrollments/csv",
        headers=users.owner,
        data={},
        content_type="multipart/form-data",
    )
    assert no_file.status_code == 422 and "file" in no_file.json["errors"]


def test_erase_removes_contact_keeps_enrolment(app, client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    person = enroll(client, users.owner, pilot["id"], email="taro@example.com")
    erased = client.post(f"/api/v1/enrollments/{person['id']}/erase", headers=users.owner)
    assert (
        erased.status_code == 200
        and erased.json["has_contact"] is False
        and erased.json["erased_at"]
    )
    assert erased.json["code"] == person["code"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 1
        assert db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "enrollment.erase")
        )


def test_list_enrollments_shows_wave_status(client, users):
    pilot = make_pilot(client, users.owner, status="running")
    enroll(client, users.owner, pilot["id"])
    listed = client.get(f"/api/v1/pilots/{pilot['id']}/enrollments", headers=users.owner).json
    assert [link["status"] for link in listed[0]["invitations"]] == [
        "open",
        "open",
        "not_open",
        "not_open",
        "not_open",
    ]


def test_power_endpoint(client):
    needed = client.get("/api/v1/power?dz=0.5&alpha=0.05&power=0.8&direction=increase")
    assert needed.status_code == 200 and needed.json["n"] == 27
    assert abs(needed.json["n_exact"] - 26.1375038059687) < 1e-6
    power = client.get("/api/v1/power?dz=0.35&alpha=0.05&n=100&direction=two-sided").json
    assert abs(power["power"] - 0.933951701086552) < 1e-6
    assert client.get("/api/v1/power?dz=0.5&power=0.8&n=20").status_code == 422
    assert client.get("/api/v1/power?dz=0.5").status_code == 422
    assert client.get("/api/v1/power?dz=abc&power=0.8").json["errors"]["dz"]


def test_power_endpoint_paired_is_the_default_design(client):
    answer = client.get("/api/v1/power?dz=0.5&power=0.8&direction=increase").json
    assert answer["design"] == "paired" and answer["n"] == 27
    assert not {"d", "rho", "n_per_arm", "n_total"} & answer.keys()


def test_power_endpoint_two_arm_matches_r(client):
    # power.t.test(type = "two.sample", delta = 0.3, sd = sqrt(1 - 0.5^2), sig.level = 0.05,
    #              power = 0.8, alternative = "one.sided", tol = 1e-12)$n
    answer = client.get(
        "/api/v1/power?design=two_arm&d=0.3&rho=0.5&alpha=0.05&power=0.8&direction=increase"
    ).json
    assert answer["design"] == "two_arm" and answer["rho"] == 0.5
    assert abs(answer["n_exact"] - 103.725682844584) < 1e-6
    assert answer["n_per_arm"] == 104 and answer["n_total"] == 208
    assert abs(answer["adjusted_sd"] - 0.75**0.5) < 1e-12
    assert "n" not in answer and "dz" not in answer
    # power.t.test(type = "two.sample", n = 30, delta = 0.4, sd = sqrt(1 - 0.5^2),
    #              sig.level = 0.05, alternative = "two.sided")$power
    answer = client.get("/api/v1/power?design=two_arm&d=0.4&rho=0.5&n=30&direction=two-sided")
    assert abs(answer.json["power"] - 0.420451439345874) < 1e-6
    assert answer.json["n_per_arm"] == 30 and answer.json["n_total"] == 60
    # rho = 0 is the unadjusted two-sample design:
    # power.t.test(type = "two.sample", delta = 0.5, sd = 1, power = 0.8, tol = 1e-12)$n
    answer = client.get("/api/v1/power?design=two_arm&d=0.5&rho=0&power=0.8&direction=two-sided")
    assert abs(answer.json["n_exact"] - 63.7657637248468) < 1e-6
    assert answer.json["n_per_arm"] == 64


@pytest.mark.parametrize(
    "query, field",
    [
        ("design=two_arm&d=0.3&power=0.8", "rho"),  # rho required
        ("design=two_arm&d=0.3&rho=1&power=0.8", "rho"),  # rho < 1
        ("design=two_arm&d=0.3&rho=-0.2&power=0.8", "rho"),
        ("design=two_arm&d=0.3&rho=abc&power=0.8", "rho"),
        ("design=two_arm&rho=0.5&power=0.8", "d"),  # the two-arm effect is d
        ("design=two_arm&dz=0.3&d=0.3&rho=0.5&power=0.8", "dz"),
        ("dz=0.3&rho=0.5&power=0.8", "rho"),  # rho means nothing to a paired design
        ("design=paired&power=0.8", "dz"),
        ("design=crossover&dz=0.3&power=0.8", "design"),
        ("design=two_arm&d=0.3&rho=0.5&n=1", "n"),
    ],
)
def test_power_endpoint_names_the_bad_field(client, query, field):
    answer = client.get(f"/api/v1/power?{query}")
    assert answer.status_code == 422
    assert field in answer.json["errors"], answer.json


def test_audit_log_is_admin_only(client, users):
    pilot = make_pilot(client, users.owner, status="recruiting")
    enroll(client, users.owner, pilot["id"])
    events = client.get("/api/v1/audit?target_type=pilot", headers=users.admin)
    assert events.status_code == 200
    assert [e["action"] for e in events.json] == ["pilot.transition", "pilot.register"]
    assert client.get("/api/v1/audit?action=enrollment.create", headers=users.admin).json[0][
        "actor_id"
    ]
    for role in (users.owner, users.reviewer):
        assert client.get("/api/v1/audit", headers=role).status_code == 403
