"""Issue 13 item 1: randomised allocation by permuted blocks within strata."""

import io

import numpy as np
import sqlalchemy as sa

from crossover.audit import AuditEvent
from crossover.extensions import db
from crossover.pilots.allocation import block_sequence
from crossover.pilots.models import Enrollment, Pilot
from tests.factories import enroll, make_pilot

STRATUM = "age_band=50-54|career_phase=post_off"


def _randomised(client, users, **overrides):
    return make_pilot(client, users.owner, status="recruiting", has_comparison=True, **overrides)


def _seed(app, pilot_id):
    with app.app_context():
        return db.session.get(Pilot, pilot_id).allocation_seed


def test_blocks_are_of_two_or_four_and_balanced():
    arms = block_sequence("seed", "all", 400)
    running = np.cumsum([1 if arm.value == "participant" else -1 for arm in arms])
    assert np.max(np.abs(running)) <= 2  # blocks of at most 4, each half and half
    assert np.max(np.abs(running)) == 2  # and some of 4 (blocks of 2 alone never reach 2)
    gaps = np.diff(np.flatnonzero(np.concatenate([[0], running]) == 0))
    assert set(gaps) <= {2, 4}  # balanced at least after every 4
    assert block_sequence("seed", "all", 50) == arms[:50]  # a pure function of seed and stratum
    assert block_sequence("other", "all", 50) != arms[:50]


def test_a_randomised_pilot_draws_each_arm_and_audits_it(app, client, users):
    pilot = _randomised(client, users)
    assert pilot["preregistration"]["allocation"] == "randomised"
    assert pilot["preregistration"]["strata"] == ["age_band", "career_phase"]
    assert pilot["preregistration"]["allocation_seed"] is None  # kept from the owner
    seed = _seed(app, pilot["id"])
    assert seed
    people = [enroll(client, users.owner, pilot["id"]) for _ in range(12)]
    assert all(p["allocation"] == "randomised" for p in people)
    expected = [arm.value for arm in block_sequence(seed, STRATUM, 12)]
    assert [p["arm"] for p in people] == expected
    assert abs(sum(1 if a == "participant" else -1 for a in expected)) <= 2
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "enrollment.allocate")
            .order_by(AuditEvent.id)
        ).all()
        assert [e.details["arm"] for e in events] == expected
        assert [e.details["slot"] for e in events] == list(range(12))
        assert all(seed not in str(e.details) for e in db.session.scalars(sa.select(AuditEvent)))
    shown = client.get(f"/api/v1/pilots/{pilot['id']}", headers=users.owner).json
    assert shown["preregistration"]["allocation_seed"] is None


def test_an_arm_sent_for_a_randomised_pilot_is_refused(client, users):
    pilot = _randomised(client, users)
    for arm in ("comparison", "participant"):
        response = client.post(
            f"/api/v1/pilots/{pilot['id']}/enrollments",
            headers=users.owner,
            json={"age_band": "50-54", "career_phase": "post_off", "consent": True, "arm": arm},
        )
        assert response.status_code == 422 and list(response.json["errors"]) == ["arm"]


def test_strata_named_in_the_preregistration(app, client, users):
    prereg = {
        "outcome": "total",
        "direction": "increase",
        "alpha": 0.05,
        "test": "paired_t",
        "min_dz": 0.3,
        "strata": [],
    }
    pilot = _randomised(client, users, preregistration=prereg)
    seed = _seed(app, pilot["id"])
    people = [
        enroll(client, users.owner, pilot["id"], age_band=band) for band in ["50-54", "55-59"] * 4
    ]
    assert [p["arm"] for p in people] == [a.value for a in block_sequence(seed, "all", 8)]


def test_csv_assigns_in_file_order_and_refuses_an_arm(app, client, users):
    pilot = _randomised(client, users)
    rows = "".join("50-54,post_off,yes,,\n" for _ in range(10))
    upload = client.post(
        f"/api/v1/pilots/{pilot['id']}/enrollments/csv",
        headers=users.owner,
        data={
            "file": (
                io.BytesIO(("age_band,career_phase,consent,arm,email\n" + rows).encode()),
                "people.csv",
            )
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 201, upload.json
    seed = _seed(app, pilot["id"])
    arms = [e["arm"] for e in upload.json["enrollments"]]
    assert arms == [a.value for a in block_sequence(seed, STRATUM, 10)]
    single = enroll(client, users.owner, pilot["id"])  # the next one continues the same sequence
    assert single["arm"] == block_sequence(seed, STRATUM, 11)[10].value
    with app.app_context():
        slots = db.session.scalars(
            sa.select(Enrollment.allocation_slot)
            .where(Enrollment.pilot_id == pilot["id"])
            .order_by(Enrollment.allocation_slot)
        ).all()
        assert slots == list(range(11))
        audited = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "enrollment.allocate")
        )
        assert audited == 11
    bad = (
        "age_band,career_phase,consent,arm,email\n50-54,post_off,yes,,\n"
        "50-54,post_off,yes,comparison,\n"
    )
    refused = client.post(
        f"/api/v1/pilots/{pilot['id']}/enrollments/csv",
        headers=users.owner,
        data={"file": (io.BytesIO(bad.encode()), "more.csv")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["line 3"]


def test_seed_is_shown_once_closed(app, client, users):
    pilot = make_pilot(client, users.owner, status="closed", has_comparison=True)
    assert pilot["preregistration"]["allocation_seed"] == _seed(app, pilot["id"])
