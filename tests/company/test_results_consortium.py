"""The consortium view: company means per round label, no company named, pinned to R."""

from datetime import date, timedelta

import numpy as np
import pytest

from crossover.company.consortium import private_quartiles
from crossover.extensions import db
from tests.company import factories
from tests.company.factories import Employee
from tests.factories import TODAY


def _people(items, n, level, lowered=4, prefix="x"):
    """n respondents whose every recoded answer is `level` except the first `lowered` items,
    one step lower: each person's total is level − lowered/12."""
    return [
        Employee(
            ref=f"{prefix}{i}",
            age_band="45-49",
            tenure_band="11-20",
            unit="Sales",
            answers={
                item.key: _answer(level - 1 if j < lowered else level, item.reverse)
                for j, item in enumerate(items)
            },
        )
        for i in range(n)
    ]


def _answer(recoded: int, reverse: bool) -> int:
    return 6 - recoded if reverse else recoded


def _items():
    return factories.shipped_instrument().items


CLOSED_2025 = {"opens_on": date(2025, 4, 1), "closes_on": date(2025, 4, 30)}
CLOSED_2024 = {"opens_on": date(2024, 4, 1), "closes_on": date(2024, 4, 30)}
# (slug, respondents, level, items lowered): means level − lowered/12, ten companies with K.
COMPANIES = (
    ("acme", 8, 4, 4),
    ("globex", 6, 3, 4),
    ("initech", 10, 2, 4),
    ("umbrella", 5, 5, 4),
    ("hooli", 5, 3, 0),
    ("vandelay", 5, 4, 0),
    ("stark", 5, 3, 8),
    ("wayne", 5, 5, 8),
    ("wonka", 5, 4, 8),
    ("cyberdyne", 5, 2, 0),
)


@pytest.fixture
def consortium(app, users):
    """Ten companies' closed 2025 rounds and a too-small eleventh; the first five also have a
    closed 2024 round; three have a running 2026 round. acme has a second survey whose 2025
    round has one respondent (F6)."""
    with app.app_context():
        items = _items()
        for index, (slug, n, level, lowered) in enumerate(COMPANIES):
            survey = factories.add_survey(factories.organization(slug))
            factories.add_round(survey, "2025", _people(items, n, level, lowered), **CLOSED_2025)
            if index < 5:
                factories.add_round(
                    survey, "2024", _people(items, n, level, lowered, "y"), **CLOSED_2024
                )
            if index < 3:
                factories.add_round(
                    survey,
                    "2026",
                    _people(items, 9, 3),
                    opens_on=TODAY - timedelta(days=3),
                    closes_on=TODAY + timedelta(days=10),  # still open: not shown
                )
        tiny = factories.add_survey(factories.organization("tiny"))
        factories.add_round(tiny, "2025", _people(items, 4, 2), **CLOSED_2025)  # under K
        second = factories.add_survey(factories.organization("acme"), "Another survey")
        factories.add_round(second, "2025", _people(items, 1, 1, 0, "z"), **CLOSED_2025)
        db.session.commit()


def _labels(client, headers) -> dict:
    response = client.get("/api/v1/consortium/company-surveys", headers=headers)
    assert response.status_code == 200, response.json
    return {row["label"]: row for row in response.json["labels"]}


def test_reviewers_see_the_spread_of_company_means(client, users, consortium):
    labels = _labels(client, users.reviewer)
    assert sorted(labels) == ["2024", "2025"]  # 2026 is still open
    label = labels["2025"]
    assert label["shown"] and (label["companies"], label["contributions"]) == (10, 10)
    assert label["respondents"] == 59
    # m <- c(4-4/12, 3-4/12, 2-4/12, 5-4/12, 3, 4, 3-8/12, 5-8/12, 4-8/12, 2)
    # quantile(m, c(.25, .5, .75)) (type 7; no position falls on one company)
    assert label["q1"] == pytest.approx(2.41666666666667, rel=1e-9)
    assert label["median"] == pytest.approx(3.16666666666667, rel=1e-9)
    assert label["q3"] == pytest.approx(3.91666666666667, rel=1e-9)
    # sum(n * m) / sum(n), n <- c(8, 6, 10, 5, 5, 5, 5, 5, 5, 5): F6, acme's one-person round
    # of another survey (a 1 on every item) changes nothing
    assert label["pooled_mean"] == pytest.approx(3.05649717514124, rel=1e-9)
    assert "organization" not in str(labels) and "acme" not in str(labels)
    assert client.get("/api/v1/consortium/company-surveys", headers=users.admin).status_code == 200


def test_f7_five_companies_give_the_count_and_pooled_mean_but_no_quartile(
    client, users, consortium
):
    label = _labels(client, users.reviewer)["2024"]
    assert label["shown"] and label["companies"] == 5 and label["respondents"] == 34
    assert label["q1"] is None and label["median"] is None and label["q3"] is None
    # sum(n * m) / sum(n) over the first five companies
    assert label["pooled_mean"] == pytest.approx(2.95098039215686, rel=1e-9)


def test_an_owner_sees_only_its_own_band(client, users, consortium):
    response = client.get("/api/v1/consortium/company-surveys", headers=users.owner)
    assert response.status_code == 200
    (label,) = response.json["labels"]  # 2024 shows no quartiles: no band there
    # acme's 11/3 lies between the median (3.17) and Q3 (3.92)
    assert {k: v for k, v in label.items() if v is not None} == {
        "label": "2025",
        "band": "median_to_q3",
    }


def test_fewer_than_five_counted_companies_show_nothing(app, client, users):
    with app.app_context():
        items = _items()
        for slug in ("acme", "globex", "initech", "umbrella"):
            survey = factories.add_survey(factories.organization(slug))
            factories.add_round(survey, "2025", _people(items, 7, 3), **CLOSED_2025)
        db.session.commit()
    (label,) = _labels(client, users.reviewer).values()
    assert not label["shown"] and label["median"] is None and label["companies"] is None
    assert (
        client.get("/api/v1/consortium/company-surveys", headers=users.owner).json["labels"] == []
    )


def test_f7_a_quartile_never_falls_on_one_company_s_mean():
    """Type 7 on 13 companies puts Q1 on the 4th mean; the view takes its neighbours' midpoint."""
    means = np.array([1.0, 1.2, 2.0, 2.3, 2.5, 2.9, 3.0, 3.4, 3.6, 4.0, 4.3, 4.6, 4.8])
    q1, median, q3 = private_quartiles(means)
    assert q1 == pytest.approx((2.0 + 2.5) / 2) and q1 not in means
    assert median == pytest.approx((2.9 + 3.4) / 2) and median not in means
    assert q3 == pytest.approx((3.6 + 4.3) / 2) and q3 not in means
    # positions off the order statistics keep R's type 7: quantile(1:10 / 2, .25) = 1.625
    assert private_quartiles(np.arange(1, 11) / 2)[0] == pytest.approx(1.625)
