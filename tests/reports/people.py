"""Build a pilot from an explicit list of people (who they are, which waves they answered).

Written straight to the database, as the simulator does, so a test can shape every group; the
scores go through the service's own scoring code (scored_response) and packed copies.
"""

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import sqlalchemy as sa

from crossover import waves
from crossover.auth.models import Organization
from crossover.catalogue.models import Initiative
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.mentoring.models import Match, Mentor, MentoringSession, SessionMode
from crossover.pilots.models import (
    Allocation,
    Arm,
    Enrollment,
    Pilot,
    PilotFormat,
    PilotStatus,
    WaveWindow,
)
from crossover.surveys import tokens
from crossover.surveys.models import Invitation
from crossover.surveys.store import add_with_copies, intake_response, scored_response
from tests.privacy_attacker import Person

FOLLOWUP_DAYS = [30, 60]


def build_pilot(
    app,
    people: list[Person],
    *,
    seed: int = 0,
    status: str = "closed",
    org: str = "acme",
    allocation: str = "assigned",
) -> int:
    """A pilot holding exactly `people` (comparison arm if any has one; the test picks the arms,
    labelled `allocation`), with their matches and sessions; returns its id."""
    rng = np.random.default_rng(seed)
    with app.app_context():
        pilot = _pilot(
            org,
            status,
            has_comparison=any(p.arm == "comparison" for p in people),
            allocation=Allocation(allocation),
        )
        instrument = db.session.get(Instrument, pilot.instrument_id)
        mentor = _mentor(org) if any(p.matched or p.sessions for p in people) else None
        for index, person in enumerate(people):
            add_person(pilot, instrument, person, rng, code=f"T{pilot.id}-{index}", mentor=mentor)
        db.session.commit()
        return pilot.id


def _mentor(org_slug: str) -> Mentor:
    """A mentor of another organization than the pilot's (the match rule)."""
    other = db.session.scalar(sa.select(Organization).where(Organization.slug != org_slug))
    mentor = Mentor(organization_id=other.id, name="Shaped mentor", capacity=50)
    db.session.add(mentor)
    db.session.flush()
    return mentor


def _answers(instrument: Instrument, person: Person, wave: str, rng) -> dict:
    """The person's set answer to every item of the wave, else random ones."""
    fixed = (person.answers or {}).get(wave)
    return {
        item.key: int(fixed)
        if fixed is not None
        else int(rng.integers(instrument.scale_min, instrument.scale_max + 1))
        for item in instrument.items
    }


def add_person(
    pilot: Pilot,
    instrument: Instrument,
    person: Person,
    rng,
    code: str,
    mentor: Mentor | None = None,
) -> None:
    """Enrol one person and store their answers (intake concerns, scale waves)."""
    start = datetime.combine(pilot.starts_on - timedelta(days=14), time(10), UTC)
    enrollment = Enrollment(
        pilot_id=pilot.id,
        code=code,
        arm=Arm(person.arm),
        age_band=person.age_band,
        career_phase=person.career_phase,
        consented_at=start,
        created_at=start,
    )
    for window in pilot.waves:
        nonce = tokens.new_nonce()
        enrollment.invitations.append(
            Invitation(
                wave=window.wave,
                position=window.position,
                nonce=nonce,
                token_hash=tokens.hash_token(tokens.token_for(nonce)),
            )
        )
    db.session.add(enrollment)
    db.session.flush()
    by_wave = {invitation.wave: invitation for invitation in enrollment.invitations}
    common = dict(enrollment_id=enrollment.id, pilot_id=pilot.id, submitted_at=start)
    responses = []
    if person.concerns:
        responses.append(
            intake_response(
                list(person.concerns),
                None,
                invitation_id=by_wave["intake"].id,
                wave="intake",
                **common,
            )
        )
    for wave in waves.scale_waves(FOLLOWUP_DAYS):
        if person.answered(wave):
            answers = _answers(instrument, person, wave, rng)
            responses.append(
                scored_response(
                    instrument, answers, invitation_id=by_wave[wave].id, wave=wave, **common
                )
            )
    add_with_copies(db.session, responses)
    if person.matched or person.sessions:
        match = Match(pilot_id=pilot.id, enrollment_id=enrollment.id, mentor_id=mentor.id)
        match.sessions = [
            MentoringSession(held_on=pilot.starts_on, minutes=minutes, mode=SessionMode.ONLINE)
            for minutes in person.sessions
        ]
        db.session.add(match)
        db.session.flush()


def _pilot(org_slug: str, status: str, *, has_comparison: bool, allocation: Allocation) -> Pilot:
    org = db.session.scalar(sa.select(Organization).where(Organization.slug == org_slug))
    initiative = db.session.scalar(
        sa.select(Initiative).where(Initiative.key == "community-external-mentoring")
    )
    instrument = db.session.scalar(
        sa.select(Instrument).where(Instrument.key == "career-ownership-v1")
    )
    ends_on = date.today() - timedelta(days=90)
    starts_on = ends_on - timedelta(days=90)
    pilot = Pilot(
        organization_id=org.id,
        initiative_id=initiative.id,
        instrument_id=instrument.id,
        title="Shaped",
        format=PilotFormat.OTHER,
        status=PilotStatus(status),
        has_comparison=has_comparison,
        planned_n=10,
        starts_on=starts_on,
        ends_on=ends_on,
        followup_days=FOLLOWUP_DAYS,
        allocation=allocation if has_comparison else None,
        allocation_seed="shaped" if has_comparison else None,
    )  # the test picks arms
    for position, window in enumerate(waves.default_schedule(starts_on, ends_on, FOLLOWUP_DAYS)):
        pilot.waves.append(WaveWindow(position=position, **window))
    db.session.add(pilot)
    db.session.flush()
    return pilot
