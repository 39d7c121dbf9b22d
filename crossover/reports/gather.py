"""Read one pilot's stored scores in a fixed, small number of queries (never item by item).

Scores come from the packed analysis copies (ResponseScore): one aggregate query returns, per
wave, every respondent's id, scale sums and recoded items as concatenated text, which numpy
parses at C speed. Concern tables are GROUP BY counts. Nothing here grows a query per person.
"""

from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.mentoring.models import Match, MentoringSession
from crossover.pilots.models import Enrollment, Pilot
from crossover.surveys.bulk import aligned_lists, concat_bytes, split_ints, split_strings
from crossover.surveys.models import ResponseConcern, ResponseScore
from crossover.surveys.packed import RecordLayout


@dataclass
class WaveScores:
    ids: np.ndarray  # enrollment ids, ascending
    scores: np.ndarray  # respondents × scales (total first, then subscales), means
    items: np.ndarray  # respondents × items, recoded answers


@dataclass
class PilotData:
    pilot: Pilot
    instrument: Instrument
    scales: list[str]  # "total", then the subscales in instrument order
    ids: np.ndarray  # every enrollment id, ascending
    arm: np.ndarray
    age_band: np.ndarray
    career_phase: np.ndarray
    waves: dict[str, WaveScores]
    concern_counts: dict[tuple[str, str], int]  # (career phase, concern) → respondents choosing it
    intake_respondents: dict[str, int]  # career phase → intake respondents
    sessions: dict[int, tuple[int, int]]  # enrollment → (sessions, minutes)
    items: dict[str, int]  # scale → number of items it averages (scores lie on a grid of 1/items)
    intake_ids: np.ndarray  # enrollment ids of the intake respondents, ascending

    def attribute(self, name: str, ids: np.ndarray) -> np.ndarray:
        """arm / age_band / career_phase of the given enrollment ids."""
        return getattr(self, name)[np.searchsorted(self.ids, ids)]


def _wave_scores(pilot: Pilot, layout: RecordLayout) -> dict[str, WaveScores]:
    rows = db.session.execute(
        sa.select(ResponseScore.wave, concat_bytes(ResponseScore.packed))
        .where(ResponseScore.pilot_id == pilot.id)
        .group_by(ResponseScore.wave)
    )
    waves = {}
    for wave, packed_hex in rows:
        records = layout.unpack(bytes.fromhex(packed_hex))
        waves[wave] = WaveScores(records.ids, records.scores, records.items)
    return waves


def _concerns(pilot: Pilot, ids: np.ndarray, phases: np.ndarray):
    """Concern counts, intake respondents per career phase (every intake names ≥ 1 concern) and
    the respondents' ids."""
    rows = db.session.execute(
        sa.select(ResponseConcern.concern, *aligned_lists(ResponseConcern.enrollment_id))
        .where(ResponseConcern.pilot_id == pilot.id)
        .group_by(ResponseConcern.concern)
    ).all()
    counts: dict[tuple[str, str], int] = {}
    respondents = []
    for concern, chosen_by in rows:
        people = split_ints(chosen_by)
        respondents.append(people)
        names, sizes = np.unique(phases[np.searchsorted(ids, people)], return_counts=True)
        counts.update(
            {(phase, concern): int(size) for phase, size in zip(names.tolist(), sizes, strict=True)}
        )
    everyone = (
        np.unique(np.concatenate(respondents)) if respondents else np.empty(0, dtype=np.int64)
    )
    names, sizes = np.unique(phases[np.searchsorted(ids, everyone)], return_counts=True)
    return counts, dict(zip(names.tolist(), sizes.tolist(), strict=True)), everyone


def gather(pilot: Pilot) -> PilotData:
    """Everything a report needs, in five queries whatever the pilot's size."""
    instrument = db.session.get(Instrument, pilot.instrument_id)
    layout = RecordLayout.of(instrument)
    _n, ids, arms, bands, phases = db.session.execute(
        sa.select(
            sa.func.count(),
            *aligned_lists(
                Enrollment.id, Enrollment.arm, Enrollment.age_band, Enrollment.career_phase
            ),
        ).where(Enrollment.pilot_id == pilot.id)
    ).one()
    ids, arms, bands, phases = (
        split_ints(ids),
        split_strings(arms),
        split_strings(bands),
        split_strings(phases),
    )
    order = np.argsort(ids, kind="stable")
    concern_counts, intake_respondents, intake_ids = _concerns(pilot, ids[order], phases[order])
    sessions = {
        enrollment_id: (int(count), int(minutes or 0))
        for enrollment_id, count, minutes in db.session.execute(
            sa.select(
                Match.enrollment_id,
                sa.func.count(MentoringSession.id),
                sa.func.sum(MentoringSession.minutes),
            )
            .join(MentoringSession, MentoringSession.match_id == Match.id, isouter=True)
            .where(Match.pilot_id == pilot.id)
            .group_by(Match.enrollment_id)
        )
    }
    return PilotData(
        pilot,
        instrument,
        layout.scales,
        ids[order],
        arms[order],
        bands[order],
        phases[order],
        _wave_scores(pilot, layout),
        concern_counts,
        intake_respondents,
        sessions,
        dict(zip(layout.scales, layout.counts.astype(int).tolist(), strict=True)),
        intake_ids,
    )
