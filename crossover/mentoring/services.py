"""Mentoring rules: the shared pool, the cross-organization rule, capacity, session logs."""

import sqlalchemy as sa

from crossover import audit
from crossover.auth.models import Role, User
from crossover.config import local_today
from crossover.db import utcnow
from crossover.extensions import db
from crossover.mentoring.models import Match, Mentor, MentoringSession, SessionMode
from crossover.pilots.models import Arm, Enrollment, Pilot, PilotStatus
from crossover.web.errors import Conflict, Forbidden, Invalid, NotFound


def list_mentors(
    q: str | None = None, language: str | None = None, available: bool | None = None
) -> list[Mentor]:
    """The consortium's shared pool, which every owner may browse."""
    query = (
        sa.select(Mentor)
        .where(Mentor.active.is_(True))
        .order_by(Mentor.organization_id, Mentor.name)
    )
    mentors = list(db.session.scalars(query))
    if q:
        needle = q.strip().lower()
        mentors = [
            m
            for m in mentors
            if needle in m.name.lower() or any(needle in t.lower() for t in m.expertise)
        ]
    if language:
        mentors = [m for m in mentors if language in m.languages]
    if available:
        mentors = [m for m in mentors if m.active_matches < m.capacity]
    return mentors


def sees_match_count(mentor: Mentor, viewer: User) -> bool:
    """Whether the viewer reads a mentor's running count of matches: the mentor's own
    organization and the operator do. Matches always cross organizations, so another
    organization's owner watching the count would see when that organization's participants
    are matched and released; they see only whether the mentor is available or full."""
    return viewer.role is Role.ADMIN or viewer.organization_id == mentor.organization_id


def availability(mentor: Mentor) -> str:
    """ "available" while the mentor has a free place, else "full"."""
    return "available" if mentor.active_matches < mentor.capacity else "full"


def get_mentor(mentor_id: int) -> Mentor:
    mentor = db.session.get(Mentor, mentor_id)
    if mentor is None:
        raise NotFound(f"No mentor {mentor_id}.")
    return mentor


def register_mentor(data: dict, *, actor: User) -> Mentor:
    """Register a volunteer of the owner's own organization."""
    if actor.role is not Role.OWNER:
        raise Forbidden("Owners register their own organization's mentors.")
    mentor = Mentor(
        organization_id=actor.organization_id,
        name=data["name"].strip(),
        expertise=list(dict.fromkeys(data["expertise"])),
        languages=list(dict.fromkeys(data["languages"])),
        capacity=data["capacity"],
        created_by_id=actor.id,
    )
    db.session.add(mentor)
    db.session.flush()
    audit.record(actor, "mentor.register", "mentor", mentor.id)
    db.session.commit()
    return mentor


def update_mentor(mentor: Mentor, data: dict, *, actor: User) -> Mentor:
    if actor.role is not Role.OWNER or mentor.organization_id != actor.organization_id:
        raise NotFound(f"No mentor {mentor.id} of your organization.")
    if "capacity" in data and data["capacity"] < mentor.active_matches:
        raise Conflict(
            "Capacity below current matches.",
            {"capacity": [f"The mentor has {mentor.active_matches} active matches."]},
        )
    for field in ("name", "expertise", "languages", "capacity", "active"):
        if field in data:
            setattr(mentor, field, data[field])
    audit.record(actor, "mentor.update", "mentor", mentor.id, fields=sorted(data))
    db.session.commit()
    return mentor


def _owned_enrollment_in(pilot: Pilot, enrollment_id: int) -> Enrollment:
    enrollment = db.session.scalar(
        sa.select(Enrollment).where(Enrollment.id == enrollment_id, Enrollment.pilot_id == pilot.id)
    )
    if enrollment is None:
        raise Invalid(
            "Unknown enrollment.", {"enrollment_id": ["No such enrollment in this pilot."]}
        )
    return enrollment


def match(pilot: Pilot, enrollment_id: int, mentor_id: int, *, actor: User) -> Match:
    """Pair a participant with a mentor of another organization who has free capacity."""
    if pilot.status not in (PilotStatus.RECRUITING, PilotStatus.RUNNING):
        raise Conflict(
            f"Matching needs a recruiting or running pilot; this one is {pilot.status.value}."
        )
    enrollment = _owned_enrollment_in(pilot, enrollment_id)
    if enrollment.arm is Arm.COMPARISON:
        raise Conflict(
            "Comparison-arm members wait for the experience; they get no mentor.",
            {"enrollment_id": ["In the comparison arm."]},
        )
    mentor = db.session.get(Mentor, mentor_id)
    if mentor is None or not mentor.active:
        raise Invalid("Unknown mentor.", {"mentor_id": ["No such active mentor."]})
    if mentor.organization_id == pilot.organization_id:
        raise Conflict(
            "The mentor works at the participant's own organization; the crossing is the point.",
            {"mentor_id": ["Same organization as the participant."]},
        )
    if db.session.scalar(sa.select(sa.exists().where(Match.enrollment_id == enrollment.id))):
        raise Conflict(
            "This participant already has a mentor.", {"enrollment_id": ["Already matched."]}
        )
    # One conditional UPDATE claims a place, so two owners racing for the last place cannot both
    # win.
    claimed = db.session.execute(
        sa.update(Mentor)
        .where(Mentor.id == mentor.id, Mentor.active_matches < Mentor.capacity)
        .values(active_matches=Mentor.active_matches + 1)
    ).rowcount
    if not claimed:
        db.session.rollback()
        raise Conflict("The mentor is at capacity.", {"mentor_id": ["No free capacity."]})
    new = Match(
        pilot_id=pilot.id, enrollment_id=enrollment.id, mentor_id=mentor.id, created_by_id=actor.id
    )
    db.session.add(new)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(
            "This participant already has a mentor.", {"enrollment_id": ["Already matched."]}
        ) from None
    audit.record(actor, "match.create", "match", new.id, pilot=pilot.id, mentor=mentor.id)
    db.session.commit()
    return new


def list_matches(pilot: Pilot) -> list[Match]:
    return list(
        db.session.scalars(sa.select(Match).where(Match.pilot_id == pilot.id).order_by(Match.id))
    )


def get_owned_match(match_id: int, actor: User) -> Match:
    """A match in one of the actor's organization's pilots; others answer 404."""
    if actor.role is not Role.OWNER:
        raise Forbidden("Only the pilot's owners manage matches.")
    found = db.session.scalar(
        sa.select(Match)
        .join(Pilot, Pilot.id == Match.pilot_id)
        .where(Match.id == match_id, Pilot.organization_id == actor.organization_id)
    )
    if found is None:
        raise NotFound(f"No match {match_id}.")
    return found


def end_match(found: Match, *, actor: User) -> Match:
    """End a match and give the mentor's place back."""
    if found.ended_at is not None:
        return found
    found.ended_at = utcnow()
    db.session.execute(
        sa.update(Mentor)
        .where(Mentor.id == found.mentor_id, Mentor.active_matches > 0)
        .values(active_matches=Mentor.active_matches - 1)
    )
    audit.record(actor, "match.end", "match", found.id)
    db.session.commit()
    db.session.refresh(found.mentor)
    return found


def log_session(found: Match, data: dict, *, actor: User) -> MentoringSession:
    """Record a mentoring or interview session held on a match."""
    if data["held_on"] > local_today():
        raise Invalid(
            "A session is logged after it is held.", {"held_on": ["Must not be in the future."]}
        )
    starts_on = db.session.get(Pilot, found.pilot_id).starts_on
    if data["held_on"] < starts_on:
        raise Invalid(
            "A session belongs to the pilot's period.",
            {"held_on": [f"Must not be before the pilot's start ({starts_on.isoformat()})."]},
        )
    session = MentoringSession(
        match_id=found.id,
        held_on=data["held_on"],
        minutes=data["minutes"],
        mode=SessionMode(data["mode"]),
        topics=list(dict.fromkeys(data["topics"])),
        created_by_id=actor.id,
    )
    db.session.add(session)
    db.session.flush()
    audit.record(actor, "session.log", "mentoring_session", session.id, match=found.id)
    db.session.commit()
    return session
