"""The consortium view: company means per round label, no company named, pinned to R."""

from datetime import date, timedelta

import pytest

from crossover.extensions import db
from tests.company import factories
from tests.company.factories import Employee
from tests.factories import TODAY


def _people(items, n, level):
    """n respondents whose every recoded answer is `level` except one item in three, one step
    lower: each person's total is level − 1/3."""
    return [
        Employee(
            ref=f"x{i}",
            age_band="45-49",
            tenure_band="11-20",
            unit="Sales",
            answers={
                item.key: _answer(level - 1 if (i + j) % 3 == 0 else level, item.reverse)
                for j, item in enumerate(items)
            },
        )
        for i in range(n)
    ]


def _answer(recoded: int, reverse: bool) -> int:
    return 6 - recoded if reverse else recoded


def _items():
    return factories.shipped_instrument().items


@pytest.fixture
def consortium(app, users):
    """Five companies' 2025 rounds (one too small), acme among them; a running 2026 round."""
    closed = {"opens_on": date(2025, 4, 1), "closes_on": date(2025, 4, 30)}
    with app.app_context():
        items = _items()
        for slug, n, level in (
            ("acme", 8, 4),
            ("globex", 6, 3),
            ("initech", 10, 2),
            ("umbrella", 5, 5),
            ("tiny", 4, 2),  # under K: not counted
        ):
            survey = factories.add_survey(factories.organization(slug))
            factories.add_round(survey, "2025", _people(items, n, level), **closed)
            if slug in ("acme", "globex", "initech"):
                factories.add_round(
                    survey,
                    "2026",
                    _people(items, 9, 3),
                    opens_on=TODAY - timedelta(days=3),
                    closes_on=TODAY + timedelta(days=10),  # still open: not shown
                )
        db.session.commit()


def test_reviewers_see_the_spread_of_company_means(client, users, consortium):
    response = client.get("/api/v1/consortium/company-surveys", headers=users.reviewer)
    assert response.status_code == 200, response.json
    (label,) = response.json["labels"]  # 2026 is still open
    assert label["label"] == "2025" and label["shown"]
    assert (label["companies"], label["respondents"]) == (4, 29)
    # means: acme 4 − 4/12, globex 3 − 4/12 (each has 4 of 12 items one lower), initech 2 − 4/12,
    # umbrella 5 − 4/12 → quantile(c(11/3, 8/3, 5/3, 14/3), c(.25, .5, .75)) (type 7)
    assert label["q1"] == pytest.approx(2.41666666666667, rel=1e-9)
    assert label["median"] == pytest.approx(3.16666666666667, rel=1e-9)
    assert label["q3"] == pytest.approx(3.91666666666667, rel=1e-9)
    # (8·11/3 + 6·8/3 + 10·5/3 + 5·14/3) / 29
    assert label["pooled_mean"] == pytest.approx(2.9425287356321839, rel=1e-9)
    assert "organization" not in str(response.json) and "acme" not in str(response.json)
    assert client.get("/api/v1/consortium/company-surveys", headers=users.admin).status_code == 200


def test_an_owner_sees_only_its_own_band(client, users, consortium):
    response = client.get("/api/v1/consortium/company-surveys", headers=users.owner)
    assert response.status_code == 200
    (label,) = response.json["labels"]
    # acme's 11/3 lies between the median (3.17) and Q3 (3.92)
    assert {k: v for k, v in label.items() if v is not None} == {
        "label": "2025",
        "band": "median_to_q3",
    }


def test_fewer_than_three_counted_companies_show_nothing(app, client, users):
    with app.app_context():
        items = _items()
        for slug in ("acme", "globex"):
            survey = factories.add_survey(factories.organization(slug))
            factories.add_round(
                survey,
                "2025",
                _people(items, 7, 3),
                opens_on=date(2025, 4, 1),
                closes_on=date(2025, 4, 30),
            )
        db.session.commit()
    (label,) = client.get("/api/v1/consortium/company-surveys", headers=users.reviewer).json[
        "labels"
    ]
    assert not label["shown"] and label["median"] is None and label["companies"] is None
    assert (
        client.get("/api/v1/consortium/company-surveys", headers=users.owner).json["labels"] == []
    )
