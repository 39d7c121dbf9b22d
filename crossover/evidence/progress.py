"""How far each initiative and grid cell has got: pilots under way, closed pilots, their verdicts,
and the status the catalogue shows.

The stored status is what an owner or admin chose; it is never rewritten. The catalogue shows the
higher of that choice and what the pilots show (retired stays retired):

- piloting: at least one pilot of the initiative has left draft (recruiting, running or closed);
- validated: at least two closed pilots large enough to report (n ≥ K), at least one of them a
  small success, and none adverse.
"""

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from crossover.catalogue.models import Initiative, InitiativeStatus
from crossover.catalogue.services import levels, venues
from crossover.config import privacy_k
from crossover.evidence import services as evidence
from crossover.extensions import db
from crossover.pilots.cells import cell_columns
from crossover.pilots.models import Enrollment, Pilot, PilotStatus

VALIDATED_MIN_CLOSED = 2
RANK = {InitiativeStatus.IDEA: 0, InitiativeStatus.PILOTING: 1, InitiativeStatus.VALIDATED: 2}


@dataclass
class Progress:
    started: int = 0  # pilots past draft, closed ones included
    closed: int = 0
    reportable: int = 0  # closed with at least K pairs
    verdicts: Counter = field(default_factory=Counter)  # of reportable closed pilots

    def derived_status(self) -> InitiativeStatus:
        if (
            self.reportable >= VALIDATED_MIN_CLOSED
            and self.verdicts["small_success"] >= 1
            and self.verdicts["adverse"] == 0
        ):
            return InitiativeStatus.VALIDATED
        return InitiativeStatus.PILOTING if self.started else InitiativeStatus.IDEA


def shown_status(stored: InitiativeStatus, progress: Progress | None) -> InitiativeStatus:
    """The higher of the stored choice and the evidence; a retired entry stays retired."""
    if stored is InitiativeStatus.RETIRED or progress is None:
        return stored
    derived = progress.derived_status()
    return derived if RANK[derived] > RANK[stored] else stored


@dataclass
class Overview:
    initiatives: dict[int, Progress]
    cells: dict[tuple[str, str], Progress]  # (venue key, level key), where the pilots ran
    results: list[dict]  # every closed pilot's primary result (see services.all_results)

    def status_of(self, initiative: Initiative) -> InitiativeStatus:
        return shown_status(initiative.status, self.initiatives.get(initiative.id))


def overview() -> Overview:
    """Counts per initiative and per cell, from one grouped query and the closed pilots' results."""
    venue_keys = {v.id: v.key for v in venues()}
    level_keys = {lv.id: lv.key for lv in levels()}
    venue_id, level_id = cell_columns()
    rows = db.session.execute(
        sa.select(Pilot.initiative_id, venue_id, level_id, Pilot.status, sa.func.count())
        .join(Initiative, Initiative.id == Pilot.initiative_id)
        .where(Pilot.status != PilotStatus.DRAFT)
        .group_by(Pilot.initiative_id, venue_id, level_id, Pilot.status)
    )
    initiatives: dict[int, Progress] = {}
    cells: dict[tuple[str, str], Progress] = {}
    for initiative_id, venue, level, status, count in rows:
        for progress in (
            initiatives.setdefault(initiative_id, Progress()),
            cells.setdefault((venue_keys[venue], level_keys[level]), Progress()),
        ):
            progress.started += count
            if status is PilotStatus.CLOSED:
                progress.closed += count
    results = evidence.all_results(privacy_k())
    for result in results:
        if result["suppressed"]:
            continue
        for progress in (
            initiatives[result["initiative_id"]],
            cells[(result["venue"], result["level"])],
        ):
            progress.reportable += 1
            progress.verdicts[result["verdict"]] += 1
    return Overview(initiatives, cells, results)


def enrolled_counts(pilot_ids: list[int]) -> dict[int, int]:
    """People enrolled per pilot (erased contacts still count: the person took part)."""
    if not pilot_ids:
        return {}
    rows = db.session.execute(
        sa.select(Enrollment.pilot_id, sa.func.count())
        .where(Enrollment.pilot_id.in_(pilot_ids))
        .group_by(Enrollment.pilot_id)
    )
    return dict(rows.all())


def pilot_rows(pilots: list[Pilot], results: list[dict]) -> list[dict]:
    """What a list shows of each pilot: people enrolled, and when closed its primary result (n in
    pairs, or withheld under K, and the verdict)."""
    by_id = {r["id"]: r for r in results}
    enrolled = enrolled_counts([p.id for p in pilots])
    return [
        {
            "pilot": pilot,
            "enrolled": enrolled.get(pilot.id, 0),
            "result": by_id.get(pilot.id) if pilot.status is PilotStatus.CLOSED else None,
        }
        for pilot in pilots
    ]
