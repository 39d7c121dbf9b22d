"""Where a pilot sits on the grid, answered in one place.

Until it closes, a pilot sits in its initiative's cell. Closing keeps that cell on the pilot, so
finished evidence stays where it was gathered when an admin later moves the initiative.
"""

import sqlalchemy as sa

from crossover.catalogue.models import Initiative, Level, Venue
from crossover.pilots.models import Pilot


def cell_of(pilot: Pilot) -> tuple[Venue, Level]:
    """The venue and level a pilot counts in."""
    if pilot.closed_venue_id is not None:
        return pilot.closed_venue, pilot.closed_level
    return pilot.initiative.venue, pilot.initiative.level


def cell_columns() -> tuple[sa.ColumnElement[int], sa.ColumnElement[int]]:
    """`cell_of` in SQL: venue and level ids, for a select that joins the pilot's initiative."""
    return (
        sa.func.coalesce(Pilot.closed_venue_id, Initiative.venue_id),
        sa.func.coalesce(Pilot.closed_level_id, Initiative.level_id),
    )


def keep_cell(pilot: Pilot) -> None:
    """Record the cell a pilot ran in, as it closes."""
    pilot.closed_venue, pilot.closed_level = pilot.initiative.venue, pilot.initiative.level
