"""Which instruments the pilots freeze: a pilot past draft keeps its instrument as it was, so
editing one makes a new version. Registered with crossover.instruments.in_use by
crossover.modules."""

import sqlalchemy as sa

from crossover.extensions import db
from crossover.pilots.models import Pilot, PilotStatus


def frozen_instrument_ids(instrument_ids: set[int]) -> set[int]:
    """Which of these instruments a pilot past draft uses."""
    return set(
        db.session.scalars(
            sa.select(Pilot.instrument_id)
            .distinct()
            .where(Pilot.instrument_id.in_(instrument_ids), Pilot.status != PilotStatus.DRAFT)
        )
    )
