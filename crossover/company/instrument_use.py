"""Which instruments the company surveys freeze: a round froze its instrument when it was
created, so editing one makes a new version. Registered with crossover.instruments.in_use by
crossover.modules."""

import sqlalchemy as sa

from crossover.company.models import SurveyRound
from crossover.extensions import db


def frozen_instrument_ids(instrument_ids: set[int]) -> set[int]:
    """Which of these instruments a company survey round uses."""
    return set(
        db.session.scalars(
            sa.select(SurveyRound.instrument_id)
            .distinct()
            .where(SurveyRound.instrument_id.in_(instrument_ids))
        )
    )
