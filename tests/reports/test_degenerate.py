"""Issue 13 item 4: changes equal in exact arithmetic are equal in the analysis.

The reproduction from the issue: six people each +1 item point on a 12-item scale. Their changes
are all 1/12, but post/12 − pre/12 differs in the last bits between people, which used to give
dz ≈ 2×10¹⁴ and a verdict that flipped with the bits; on the board it moved I².
"""

import numpy as np
import pytest

from crossover import analysis
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.pilots.models import Pilot
from tests.privacy_attacker import Person
from tests.reports import people

PRE_SUMS = [20, 21, 22, 23, 24, 25]  # pre sums whose change of +1 comes out in different last bits


class Scripted:
    """Stands in for the random generator of tests/reports/people.py: hands out chosen answers."""

    def __init__(self, answers):
        self.answers = iter(answers)

    def integers(self, low, high):
        return next(self.answers)


def _answers(total: int) -> list[int]:
    """12 answers on 1..5 summing to `total` (item 0 left below 5, so it can rise by one)."""
    answers = [1] * 12
    for index in range(1, 12):
        while sum(answers) < total and answers[index] < 5:
            answers[index] += 1
    return answers


def _constant_change_pilot(app, monkeypatch) -> int:
    """A closed pilot whose six pairs all raise item 0 by one point (total 12 items)."""
    script = []
    for total in PRE_SUMS:
        pre = _answers(total)
        script += [*pre, pre[0] + 1, *pre[1:]]
    monkeypatch.setattr(people.np.random, "default_rng", lambda seed: Scripted(script))
    group = [Person("specialist", "30-34") for _ in PRE_SUMS]
    return people.build_pilot(app, group)


def test_the_reproduction_really_differs_in_the_last_bits():
    pre = np.array(PRE_SUMS) / 12
    post = (np.array(PRE_SUMS) + 1) / 12
    assert np.ptp(post - pre) > 0  # the noise the analysis must not turn into numbers
    change = analysis.changes(pre, post, grid=12)
    assert np.ptp(change) == 0 and change[0] == 1 / 12


def test_every_change_the_same_gives_no_t_no_dz_and_a_stable_verdict(
    app, client, users, monkeypatch
):
    pilot_id = _constant_change_pilot(app, monkeypatch)
    with app.app_context():
        pilot = db.session.get(Pilot, pilot_id)
        reversed_first = db.session.get(Instrument, pilot.instrument_id).items[0].reverse
    report = client.get(f"/api/v1/pilots/{pilot_id}/report", headers=users.owner).json
    primary = report["primary"]
    sign = -1 if reversed_first else 1
    assert primary["n"] == 6 and primary["mean_change"] == sign / 12
    assert primary["sd_change"] == 0 and primary["t"] is None and primary["p_t"] is None
    assert primary["dz"] is None and primary["gz"] is None
    assert primary["shapiro_w"] is None and "same" in primary["note"]
    assert primary["ci_test_low"] is None and primary["ci_test_high"] is None
    # wilcox.test(rep(1/12, 6), alternative = "greater")$p.value = 0.00982807862508494
    # (all six tie: the normal approximation)
    assert primary["wilcoxon_v"] == (21 if sign > 0 else 0)
    if sign > 0:
        assert primary["p_wilcoxon"] == pytest.approx(0.00982807862508494, rel=1e-6)
    verdict = report["verdict"]
    # paired t is the primary test and undefined: not significant; the effect condition is met
    assert verdict["value"] == ("promising" if sign > 0 else "no_evidence")
    assert verdict["effect"] is None and verdict["effect_name"] == "dz" and verdict["p"] is None
    assert "same" in verdict["rule"]["label_en"] and verdict["rule"]["label_ja"]


def test_the_board_pools_no_noise(app, client, users, monkeypatch):
    pilot_id = _constant_change_pilot(app, monkeypatch)
    board = client.get("/api/v1/evidence", headers=users.reviewer).json
    entry = next(p for p in board["pilots"] if p["id"] == pilot_id)
    assert entry["effect"] is None and entry["suppressed"] is False and entry["n"] == 6
    # nothing from noise enters a pool (it used to move I² from 0 to 79.8%)
    assert all(c["uncontrolled"]["k"] == 0 for c in board["cells"])
