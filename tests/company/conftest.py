"""A company ('acme') with a two-round survey built straight through the models."""

from datetime import date

import pytest

from crossover.extensions import db
from tests.company import factories, people
from tests.conftest import create_users


@pytest.fixture
def users(app, client):
    return create_users(app, client)


@pytest.fixture
def company(app, users):
    """ids of acme's survey and its two rounds (2025, 2026), both closed."""
    with app.app_context():
        org = factories.organization("acme")
        survey = factories.add_survey(org)
        keys = factories.item_keys(factories.shipped_instrument())
        first = factories.add_round(
            survey,
            "2025",
            people.first_round(keys),
            opens_on=date(2025, 4, 1),
            closes_on=date(2025, 4, 30),
        )
        second = factories.add_round(
            survey,
            "2026",
            people.second_round(keys),
            opens_on=date(2026, 4, 1),
            closes_on=date(2026, 4, 30),
        )
        db.session.commit()
        return {"survey": survey.id, "first": first.id, "second": second.id}
