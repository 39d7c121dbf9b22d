"""A seeded generator of simulated pilots, participants and answers, and of company survey
rounds (demo and benchmarks only).

Each simulated person has a latent career-ownership level; item answers scatter around it on the
instrument's scale (reverse-keyed items mirrored), and the post wave adds the pilot's true effect
for the participant arm. Responses are written directly as historical data, skipping survey
windows, with scores computed by the same scoring code as live submissions.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import sqlalchemy as sa

from crossover import waves
from crossover.auth.models import Organization
from crossover.catalogue.bands import AGE_BANDS as COMPANY_AGE_BANDS
from crossover.catalogue.bands import TENURE_BANDS as COMPANY_TENURE_BANDS
from crossover.catalogue.models import Initiative
from crossover.company.models import (
    CompanySurvey,
    RosterContact,
    RosterMember,
    RoundResponse,
    SurveyRound,
)
from crossover.company.rosters import person_key
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.mentoring.models import Match, Mentor, MentoringSession, SessionMode
from crossover.pilots import allocation
from crossover.pilots.cells import keep_cell
from crossover.pilots.enrolment import new_code, new_invitations
from crossover.pilots.models import (
    Allocation,
    Arm,
    Direction,
    Enrollment,
    Pilot,
    PilotFormat,
    PilotStatus,
    WaveWindow,
)
from crossover.pilots.registration import MID_SENIOR
from crossover.surveys.packed import RecordLayout
from crossover.surveys.scoring import means, scale_sums
from crossover.surveys.store import add_with_copies, intake_response, scored_response
from crossover.surveys.tokens import hash_token, new_nonce, token_for

FOLLOWUP_DAYS = waves.DEFAULT_FOLLOWUP_DAYS  # (30, 60): the follow-ups simulated below
FOLLOWUP_30, FOLLOWUP_60 = (waves.followup_wave(days) for days in FOLLOWUP_DAYS)
AGE_BANDS = ["45-49", "50-54", "55-59", "60-64", "65+"]
PHASES = ["in_management", "post_off", "specialist", "reemployed", "other"]
CONCERNS = [
    "role_after_post_off",
    "marketability",
    "relearning",
    "meaning",
    "caregiving",
    "health",
    "network",
    "pay_evaluation",
    "after_retirement",
    "younger_colleagues",
]


@dataclass
class PilotSpec:
    org_slug: str
    initiative_key: str
    title: str
    format: str
    n: int
    effect: float  # true mean change of the participant arm, in scale points
    comparison_n: int = 0
    direction: str = "increase"
    # "randomised": n + comparison_n people whose arms are drawn as enrolment draws them
    allocation: str = "assigned"
    status: str = "closed"
    followup_keep: float = 0.7  # share of the effect still there at follow-up
    ended_days_ago: int = 90


def _answers(rng, level: np.ndarray, items: list, low: int, high: int) -> list[dict[str, int]]:
    noise = rng.normal(0, 0.75, size=(level.size, len(items)))
    raw = np.clip(np.rint(level[:, None] + noise), low, high).astype(int)
    for j, item in enumerate(items):
        if item.reverse:
            raw[:, j] = low + high - raw[:, j]
    return [{item.key: int(raw[i, j]) for j, item in enumerate(items)} for i in range(level.size)]


def simulate_pilot(spec: PilotSpec, seed: int) -> Pilot:
    """Create one pilot with simulated people, invitations, answers, matches and sessions."""
    rng = np.random.default_rng(seed)
    org = db.session.scalar(sa.select(Organization).where(Organization.slug == spec.org_slug))
    initiative = db.session.scalar(
        sa.select(Initiative).where(Initiative.key == spec.initiative_key)
    )
    instrument = db.session.scalar(
        sa.select(Instrument).where(Instrument.key == "career-ownership-v1")
    )
    ends_on = date.today() - timedelta(days=spec.ended_days_ago)
    starts_on = ends_on - timedelta(days=90)
    pilot = Pilot(
        organization_id=org.id,
        initiative=initiative,
        instrument_id=instrument.id,
        title=spec.title,
        format=PilotFormat(spec.format),
        status=PilotStatus(spec.status),
        has_comparison=spec.comparison_n > 0,
        planned_n=max(spec.n, 2),
        starts_on=starts_on,
        ends_on=ends_on,
        followup_days=list(FOLLOWUP_DAYS),
        eligible_age_bands=list(MID_SENIOR) if spec.format != "other" else [],
        eligible_career_phases=[],
        outcome="total",
        direction=Direction(spec.direction),
        alpha=0.05,
        min_dz=0.2,
        preregistered_at=datetime.combine(starts_on - timedelta(days=20), time(9), UTC),
        allocation=Allocation(spec.allocation) if spec.comparison_n > 0 else None,
    )
    if pilot.randomised:
        pilot.allocation_seed = allocation.new_seed()
    if pilot.status is PilotStatus.CLOSED:
        keep_cell(pilot)
    for position, window in enumerate(waves.default_schedule(starts_on, ends_on, FOLLOWUP_DAYS)):
        pilot.waves.append(WaveWindow(position=position, **window))
    db.session.add(pilot)
    db.session.flush()
    _people(rng, pilot, instrument, spec)
    return pilot


def _demographics(rng) -> dict:
    return {
        "age_band": str(rng.choice(AGE_BANDS, p=[0.2, 0.3, 0.25, 0.2, 0.05])),
        "career_phase": str(rng.choice(PHASES, p=[0.3, 0.3, 0.2, 0.15, 0.05])),
    }


def _randomised(pilot: Pilot, count: int, rng) -> list[dict]:
    """`count` people in enrolment order, each given an arm as a randomised pilot's enrolment
    does."""
    people = [_demographics(rng) for _ in range(count)]
    allocation.assign(pilot, people)
    return people


def _people(rng, pilot: Pilot, instrument: Instrument, spec: PilotSpec) -> None:
    items, low, high = instrument.items, instrument.scale_min, instrument.scale_max
    arms = [Arm.PARTICIPANT] * spec.n + [Arm.COMPARISON] * spec.comparison_n
    drawn = (
        _randomised(pilot, len(arms), np.random.default_rng(rng.integers(2**32)))
        if pilot.randomised
        else None
    )
    if drawn is not None:
        arms = [Arm(row["arm"]) for row in drawn]
    level = rng.normal(3.0, 0.55, size=len(arms))
    treated = np.array([arm is Arm.PARTICIPANT for arm in arms])
    drift = rng.normal(0.05, 0.35, size=len(arms))  # everyone moves a little, experience or not
    levels = {
        waves.PRE: level,
        waves.POST: level + drift + treated * spec.effect,
        FOLLOWUP_30: level + drift + treated * spec.effect * spec.followup_keep,
        FOLLOWUP_60: level + drift + treated * spec.effect * spec.followup_keep**2,
    }
    answered = {
        waves.PRE: rng.random(len(arms)) < 0.97,
        waves.POST: rng.random(len(arms)) < 0.88,
        FOLLOWUP_30: rng.random(len(arms)) < 0.75,
        FOLLOWUP_60: rng.random(len(arms)) < 0.65,
    }
    answers = {wave: _answers(rng, values, items, low, high) for wave, values in levels.items()}
    start = datetime.combine(pilot.starts_on - timedelta(days=14), time(10), UTC)
    enrollments = []
    for index, arm in enumerate(arms):
        person = drawn[index] if drawn is not None else _demographics(rng)
        enrollment = Enrollment(
            pilot_id=pilot.id,
            code=new_code(),
            arm=arm,
            consented_at=start,
            created_at=start,
            **{key: person[key] for key in ("age_band", "career_phase")},
            stratum=person.get("stratum"),
            allocation_slot=person.get("allocation_slot"),
        )
        enrollment.invitations.extend(new_invitations(pilot))
        enrollments.append(enrollment)
    db.session.add_all(enrollments)
    db.session.flush()
    responses = []
    for index, enrollment in enumerate(enrollments):
        by_wave = {inv.wave: inv for inv in enrollment.invitations}
        common = dict(enrollment_id=enrollment.id, pilot_id=pilot.id)
        chosen = [str(c) for c in rng.choice(CONCERNS, size=int(rng.integers(1, 4)), replace=False)]
        responses.append(
            intake_response(
                chosen,
                None,
                invitation_id=by_wave[waves.INTAKE].id,
                wave=waves.INTAKE,
                submitted_at=start,
                **common,
            )
        )
        for wave, offset in (
            (waves.PRE, 0),
            (waves.POST, 100),
            (FOLLOWUP_30, 130),
            (FOLLOWUP_60, 160),
        ):
            if answered[wave][index]:
                responses.append(
                    scored_response(
                        instrument,
                        answers[wave][index],
                        invitation_id=by_wave[wave].id,
                        wave=wave,
                        submitted_at=start + timedelta(days=offset),
                        **common,
                    )
                )
    add_with_copies(db.session, responses)
    _mentoring(rng, pilot, [e for e in enrollments if e.arm is Arm.PARTICIPANT])


def _mentoring(rng, pilot: Pilot, participants: list[Enrollment]) -> None:
    """Match participants of mentoring and interview pilots with mentors of other organizations."""
    if pilot.format is PilotFormat.OTHER:
        return
    mentors = list(
        db.session.scalars(sa.select(Mentor).where(Mentor.organization_id != pilot.organization_id))
    )
    if not mentors:
        return
    for index, enrollment in enumerate(participants):
        mentor = mentors[index % len(mentors)]
        match = Match(
            pilot_id=pilot.id,
            enrollment_id=enrollment.id,
            mentor_id=mentor.id,
            ended_at=datetime.combine(pilot.ends_on, time(18), UTC),
        )
        db.session.add(match)
        db.session.flush()
        for number in range(int(rng.integers(1, 6))):
            db.session.add(
                MentoringSession(
                    match_id=match.id,
                    held_on=pilot.starts_on + timedelta(days=14 * number + 3),
                    minutes=int(rng.choice([30, 45, 60, 90])),
                    mode=SessionMode(str(rng.choice(["online", "in_person"]))),
                    topics=[str(rng.choice(["棚卸し", "社外の視点", "学び直し", "役職定年後"]))],
                )
            )


# --- company surveys ------------------------------------------------------------------------------

UNITS = ["営業", "開発", "製造", "管理", "企画"]


@dataclass
class CompanySpec:
    """A simulated company survey: one workforce answering several yearly rounds."""

    org_slug: str
    title: str
    employees: int
    level: float  # mean latent ownership on the 1–5 scale
    rounds: list[tuple[str, date, date]]
    trend: float = 0.06  # latent change per round: a small upward drift
    response_rate: float = 0.72
    turnover: float = 0.08  # leavers per round, replaced by new refs (the panel shrinks)
    with_email_in: str | None = None  # the round whose roster carries e-mail addresses


def _workforce(rng, spec: CompanySpec, start: int, count: int) -> dict:
    """New employees: refs, bands, unit, latent ownership and an engagement linked to it."""
    age_index = rng.integers(0, len(COMPANY_AGE_BANDS), size=count)
    tenure_index = np.minimum(age_index // 2 + rng.integers(-1, 2, size=count), 5).clip(0)
    own = rng.normal(0, 1, size=count)
    # engagement shares a factor with ownership: r 0.65 latent, about 0.5 with the observed total
    engagement = 0.65 * own + np.sqrt(1 - 0.65**2) * rng.normal(0, 1, size=count)
    return {
        "ref": [f"{spec.org_slug}-{start + i:05d}" for i in range(count)],
        "age": [COMPANY_AGE_BANDS[i] for i in age_index],
        "tenure": [COMPANY_TENURE_BANDS[i] for i in tenure_index],
        "unit": [str(u) for u in rng.choice(UNITS, size=count)],
        "own": own,
        "engagement": engagement,
    }


def _replace_leavers(rng, spec: CompanySpec, people: dict, next_ref: int) -> int:
    leaving = np.flatnonzero(rng.random(len(people["ref"])) < spec.turnover)
    fresh = _workforce(rng, spec, next_ref, len(leaving))
    for key, values in fresh.items():
        for slot, value in zip(leaving, values, strict=True):
            people[key][slot] = value
    return next_ref + len(leaving)


def simulate_company_survey(spec: CompanySpec, seed: int) -> CompanySurvey:
    """A company survey with its rounds, rosters (keyed-hash refs), engagement and responses,
    written in bulk; the same refs recur across rounds, so a panel links them."""
    rng = np.random.default_rng(seed)
    org = db.session.scalar(sa.select(Organization).where(Organization.slug == spec.org_slug))
    instrument = db.session.scalar(
        sa.select(Instrument).where(Instrument.key == "career-ownership-v1")
    )
    survey = CompanySurvey(organization_id=org.id, title=spec.title, instrument_id=instrument.id)
    db.session.add(survey)
    db.session.flush()
    people = _workforce(rng, spec, 0, spec.employees)
    people["own"], people["engagement"] = list(people["own"]), list(people["engagement"])
    next_ref = spec.employees
    layout = RecordLayout.of(instrument)
    for index, (label, opens_on, closes_on) in enumerate(spec.rounds):
        if index:
            next_ref = _replace_leavers(rng, spec, people, next_ref)
        round_ = SurveyRound(
            company_survey_id=survey.id,
            organization_id=org.id,
            label=label,
            opens_on=opens_on,
            closes_on=closes_on,
            instrument_id=instrument.id,
        )
        db.session.add(round_)
        db.session.flush()
        _round_people(rng, spec, round_, people, index, instrument, layout)
    return survey


def _round_people(rng, spec, round_, people, index, instrument, layout) -> None:
    now = datetime.combine(round_.opens_on, time(9), UTC)
    count = len(people["ref"])
    drift = rng.normal(0, 0.25, size=count)
    level = spec.level + 0.55 * np.asarray(people["own"]) + spec.trend * index + drift
    engagement = np.round(60 + 12 * np.asarray(people["engagement"]) + rng.normal(0, 3, count), 1)
    members = []
    for i in range(count):
        nonce = new_nonce()
        members.append(
            {
                "round_id": round_.id,
                "person_key": person_key(round_.organization_id, people["ref"][i]),
                "age_band": people["age"][i],
                "tenure_band": people["tenure"][i],
                "unit": people["unit"][i],
                "career_phase": None,
                "engagement": float(engagement[i]),
                "nonce": nonce,
                "token_hash": hash_token(token_for(nonce)),
                "created_at": now,
            }
        )
    db.session.execute(sa.insert(RosterMember.__table__), members)
    ids = dict(
        db.session.execute(
            sa.select(RosterMember.person_key, RosterMember.id).where(
                RosterMember.round_id == round_.id
            )
        ).all()
    )
    member_ids = [ids[m["person_key"]] for m in members]
    if spec.with_email_in == round_.label:
        contacts = [
            {"member_id": member_id, "email": f"{ref}@{spec.org_slug}.example"}
            for member_id, ref in zip(member_ids, people["ref"], strict=True)
        ]
        db.session.execute(sa.insert(RosterContact.__table__), contacts)
    answered = np.flatnonzero(rng.random(count) < spec.response_rate)
    answers = _answers(rng, level[answered], instrument.items, 1, 5)
    days = max(1, (min(round_.closes_on, date.today()) - round_.opens_on).days)
    responses = []
    for slot, given in zip(answered, answers, strict=True):
        sums = scale_sums(given, layout.items, layout.scale_min, layout.scale_max)
        responses.append(
            {
                "member_id": member_ids[slot],
                "round_id": round_.id,
                "submitted_at": now + timedelta(days=int(rng.integers(0, days))),
                "answers": given,
                "total": means(sums)["total"],
                "packed": layout.pack(member_ids[slot], given, sums),
            }
        )
    if responses:
        db.session.execute(sa.insert(RoundResponse.__table__), responses)
