"""The attacker of DESIGN.md "Privacy and access" against a round's results.

The attacker knows the roster (the company uploaded it: everyone's age band, tenure band, unit
and engagement score) but not who answered or what. It reads the results as the API returns
them and combines every published group of one variable by sums and differences
(tests/privacy_attacker.find_leak); no combination may leave 1..K−1 people:
- scores, over the respondents: the total, every visible map cell, row and column, the
  engagement relation's respondents and each visible engagement bin;
- the response count, over the invited: the total, cells, rows, columns, the engagement
  respondents and every visible unit of the participation breakdown.
"""

from datetime import date

import numpy as np
import pytest

from crossover.extensions import db
from tests.company import factories
from tests.company.factories import Employee
from tests.privacy_attacker import find_leak

K = 5


def _answers(keys, i):
    return {key: 1 + (i * 5 + j * 2) % 5 for j, key in enumerate(keys)}


def _round(app, people):
    with app.app_context():
        org = factories.organization("acme")
        survey = factories.add_survey(org)
        survey_round = factories.add_round(
            survey, "2025", people, opens_on=date(2025, 4, 1), closes_on=date(2025, 4, 30)
        )
        db.session.commit()
        return survey_round.id


def _shown(group: dict, field: str = "mean") -> bool:
    return not group.get("suppressed") and group.get(field) is not None


def published_families(results: dict, people: list[Employee]) -> dict[str, dict]:
    answered = np.array([p.answers is not None for p in people])
    everyone = np.ones(len(people), dtype=bool)
    age = np.array([p.age_band for p in people])
    tenure = np.array([p.tenure_band for p in people])
    unit = np.array([p.unit for p in people])
    engagement = np.array([np.nan if p.engagement is None else p.engagement for p in people])
    groups: dict[str, np.ndarray] = {}  # membership over the whole roster
    if _shown(results["total"]):
        groups["total"] = everyone
    for c in results["map"]["cells"]:
        if _shown(c):
            groups[f"cell {c['age_band']}/{c['tenure_band']}"] = (age == c["age_band"]) & (
                tenure == c["tenure_band"]
            )
    for r in results["map"]["rows"]:
        if _shown(r):
            groups[f"age {r['age_band']}"] = age == r["age_band"]
    for c in results["map"]["columns"]:
        if _shown(c):
            groups[f"tenure {c['tenure_band']}"] = tenure == c["tenure_band"]
    engaged = results["engagement"]
    scores = dict(groups)
    counts = dict(groups)
    if _shown(engaged, "pearson_r"):
        scores["engaged"] = counts["engaged"] = np.isfinite(engagement)
        bins = engaged["bins"] or []
        for index, b in enumerate(bins):
            if _shown(b):
                upper = (
                    engagement <= b["high"] if index == len(bins) - 1 else engagement < b["high"]
                )
                scores[f"bin {index}"] = (engagement >= b["low"]) & upper
    participation = results["participation"]
    for breakdown, values in (("by_age_band", age), ("by_tenure_band", tenure), ("by_unit", unit)):
        for g in participation[breakdown]:
            if _shown(g, "responded"):
                counts[f"{breakdown} {g['key']}"] = values == g["key"]
    if _shown(participation, "responded"):
        counts["participation"] = everyone
    return {
        "scores": {name: (mask & answered).astype(np.int64) for name, mask in scores.items()},
        "counts": {name: mask.astype(np.int64) for name, mask in counts.items()},
    }


def assert_no_one_singled_out(results: dict, people: list[Employee]) -> None:
    k = results["round"]["privacy_k"]
    leaks = [
        leak
        for name, groups in published_families(results, people).items()
        if (leak := find_leak(name, groups, k)) is not None
    ]
    assert not leaks, "; ".join(str(leak) for leak in leaks)


def _people(keys, specs) -> list[Employee]:
    """specs: (count, age, tenure, unit, answers?, engagement?) tuples."""
    people = []
    for count, age, tenure, unit, answers, engaged in specs:
        for _ in range(count):
            i = len(people)
            people.append(
                Employee(
                    ref=f"p{i}",
                    age_band=age,
                    tenure_band=tenure,
                    unit=unit,
                    engagement=(2 + (i * 7) % 13 / 4) if engaged else None,
                    answers=_answers(keys, i) if answers else None,
                )
            )
    return people


ADVERSARIAL = {
    "one person alone in a cell": [
        (12, "30-34", "3-5", "Sales", True, True),
        (12, "30-34", "11-20", "Sales", True, True),
        (12, "45-49", "3-5", "R&D", True, True),
        (1, "45-49", "11-20", "R&D", True, True),
    ],
    # the unit minus the cell it fills would be its one other member
    "a unit of K+1 with one member in a small cell": [
        (5, "30-34", "3-5", "Legal", True, True),
        (1, "45-49", "11-20", "Legal", True, True),
        (14, "45-49", "11-20", "Sales", True, True),
        (15, "45-49", "3-5", "Sales", True, True),
        (15, "30-34", "11-20", "Sales", True, True),
    ],
    "two respondents without an engagement score": [
        (20, "30-34", "3-5", "Sales", True, True),
        (20, "45-49", "11-20", "R&D", True, True),
        (2, "45-49", "11-20", "R&D", True, False),
    ],
    "a unit whose only non-respondents cancel out": [
        (10, "30-34", "3-5", "Sales", True, True),
        (3, "30-34", "3-5", "Sales", False, True),
        (10, "45-49", "3-5", "R&D", True, True),
        (10, "45-49", "11-20", "R&D", True, True),
        (2, "45-49", "11-20", "Ops", False, True),
        (8, "30-34", "11-20", "Ops", True, True),
    ],
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_rosters_single_no_one_out(app, client, users, name):
    with app.app_context():
        keys = factories.item_keys(factories.shipped_instrument())
    people = _people(keys, ADVERSARIAL[name])
    round_id = _round(app, people)
    results = client.get(f"/api/v1/rounds/{round_id}/results", headers=users.owner).json
    assert_no_one_singled_out(results, people)
    withheld = [
        *(c for c in results["map"]["cells"] if c["suppressed"]),
        *(g for g in results["participation"]["by_unit"] if g["suppressed"]),
        *([results["engagement"]] if results["engagement"]["suppressed"] else []),
    ]
    assert withheld  # each roster has something the attacker would otherwise single out


@pytest.mark.parametrize("seed", range(6))
def test_random_small_rosters_single_no_one_out(app, client, users, seed):
    rng = np.random.default_rng(seed)
    with app.app_context():
        keys = factories.item_keys(factories.shipped_instrument())
    specs = []
    for _ in range(int(rng.integers(5, 9))):
        specs.append(
            (
                int(rng.integers(1, 12)),
                str(rng.choice(["30-34", "45-49"])),
                str(rng.choice(["3-5", "11-20"])),
                str(rng.choice(["Sales", "R&D", "Ops"])),
                bool(rng.random() < 0.8),
                bool(rng.random() < 0.9),
            )
        )
    people = _people(keys, specs)
    round_id = _round(app, people)
    results = client.get(f"/api/v1/rounds/{round_id}/results", headers=users.owner).json
    assert_no_one_singled_out(results, people)


def test_a_small_round_shows_no_figure(app, client, users):
    with app.app_context():
        keys = factories.item_keys(factories.shipped_instrument())
    people = _people(
        keys, [(4, "30-34", "3-5", "Sales", True, True), (6, "45-49", "3-5", "R&D", False, True)]
    )
    round_id = _round(app, people)
    results = client.get(f"/api/v1/rounds/{round_id}/results", headers=users.owner).json
    assert results["total"]["suppressed"] and results["total"]["mean"] is None
    assert results["participation"]["responded"] is None
    assert results["participation"]["invited"] == 10  # the company's own roster
    assert results["engagement"]["suppressed"] and results["engagement"]["items"] is None
    assert all(c["mean"] is None for c in results["map"]["cells"])
