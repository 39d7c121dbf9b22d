"""Builders for company-survey data straight through the models (the upload API is elsewhere).

People are plain records; `add_round` inserts the roster rows and the responses of one round in
two bulk statements, responses packed with the surveys' RecordLayout exactly as the submit path
stores them. Big data (benchmarks) goes through the same functions.
"""

from dataclasses import dataclass, field
from datetime import date
import hashlib

import numpy as np
import sqlalchemy as sa

from crossover.auth.models import Organization
from crossover.company.models import CompanySurvey, RosterMember, RoundResponse, SurveyRound
from crossover.extensions import db
from crossover.instruments.models import Instrument, InstrumentItem
from crossover.instruments.shipped import KEY as SHIPPED_INSTRUMENT
from crossover.surveys.packed import RecordLayout
from crossover.surveys.scoring import means, scale_sums


@dataclass
class Employee:
    """One roster row of one round; `answers` None for someone who did not respond."""

    ref: str
    age_band: str
    tenure_band: str
    unit: str
    engagement: float | None = None
    answers: dict | None = None
    career_phase: str | None = None
    extra: dict = field(default_factory=dict)


def person_key(ref: str, organization_id: int) -> str:
    """A stand-in for the keyed hash: equal for one ref within one organisation."""
    return hashlib.sha256(f"{organization_id}:{ref}".encode()).hexdigest()


def shipped_instrument() -> Instrument:
    return db.session.scalar(sa.select(Instrument).where(Instrument.key == SHIPPED_INSTRUMENT))


def next_version(instrument: Instrument, *, scale_max: int | None = None) -> Instrument:
    """A new version of the instrument's family (same items; optionally another scale top)."""
    version = Instrument(
        family=instrument.family,
        version=instrument.version + 1,
        name=f"{instrument.name} v{instrument.version + 1}",
        organization_id=instrument.organization_id,
        scale_min=instrument.scale_min,
        scale_max=scale_max or instrument.scale_max,
        anchors=[],
    )
    version.items = [
        InstrumentItem(
            position=item.position,
            key=item.key,
            text_ja=item.text_ja,
            text_en=item.text_en,
            subscale=item.subscale,
            reverse=item.reverse,
        )
        for item in instrument.items
    ]
    db.session.add(version)
    db.session.flush()
    return version


def organization(slug: str) -> Organization:
    found = db.session.scalar(sa.select(Organization).where(Organization.slug == slug))
    if found is None:
        found = Organization(slug=slug, name=slug.title())
        db.session.add(found)
        db.session.flush()
    return found


def add_survey(org: Organization, title: str = "Career ownership survey") -> CompanySurvey:
    survey = CompanySurvey(
        organization_id=org.id, title=title, instrument_id=shipped_instrument().id
    )
    db.session.add(survey)
    db.session.flush()
    return survey


def add_round(
    survey: CompanySurvey,
    label: str,
    people: list[Employee],
    *,
    opens_on: date = date(2025, 4, 1),
    closes_on: date = date(2025, 4, 30),
    instrument: Instrument | None = None,
) -> SurveyRound:
    """A round with its roster and responses, inserted in bulk."""
    instrument = instrument or db.session.get(Instrument, survey.instrument_id)
    survey_round = SurveyRound(
        company_survey_id=survey.id,
        organization_id=survey.organization_id,
        label=label,
        opens_on=opens_on,
        closes_on=closes_on,
        instrument_id=instrument.id,
    )
    db.session.add(survey_round)
    db.session.flush()
    ids = insert_roster(survey_round, people)
    insert_responses(survey_round, instrument, people, ids)
    return survey_round


def insert_roster(survey_round: SurveyRound, people: list[Employee]) -> list[int]:
    rows = [
        {
            "round_id": survey_round.id,
            "person_key": person_key(p.ref, survey_round.organization_id),
            "age_band": p.age_band,
            "tenure_band": p.tenure_band,
            "unit": p.unit,
            "career_phase": p.career_phase,
            "engagement": p.engagement,
            "nonce": f"{index:032x}",
            "token_hash": hashlib.sha256(f"{survey_round.id}:{index}".encode()).hexdigest(),
        }
        for index, p in enumerate(people)
    ]
    ids: list[int] = []
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        ids.extend(
            db.session.scalars(
                sa.insert(RosterMember).returning(RosterMember.id, sort_by_parameter_order=True),
                chunk,
            ).all()
        )
    return ids


def insert_responses(
    survey_round: SurveyRound, instrument: Instrument, people: list[Employee], ids: list[int]
) -> None:
    layout = RecordLayout.of(instrument)
    rows = []
    for member_id, p in zip(ids, people, strict=True):
        if p.answers is None:
            continue
        sums = scale_sums(p.answers, layout.items, layout.scale_min, layout.scale_max)
        rows.append(
            {
                "member_id": member_id,
                "round_id": survey_round.id,
                "answers": p.answers,
                "total": means(sums)["total"],
                "packed": layout.pack(member_id, p.answers, sums),
            }
        )
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(RoundResponse), rows[start : start + 5000])


def item_keys(instrument: Instrument) -> list[str]:
    return [item.key for item in instrument.items]


def random_answers(
    rng: np.random.Generator, keys: list[str], level: float, scale_min: int = 1, scale_max: int = 5
) -> dict:
    """Answers scattered around `level` (a point on the scale), each clipped to the scale."""
    values = np.clip(np.rint(rng.normal(level, 0.9, len(keys))), scale_min, scale_max)
    return dict(zip(keys, values.astype(int).tolist(), strict=True))
