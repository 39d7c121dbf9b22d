"""Look-ups of pilots and enrollments that keep each organisation to its own: another
organisation's pilot answers 404, and only owners act on or see participants."""

import sqlalchemy as sa

from crossover.auth.models import Role, User
from crossover.extensions import db
from crossover.pilots.models import Enrollment, Pilot, PilotStatus
from crossover.web.errors import Forbidden, NotFound


def pilots_query(actor: User) -> sa.Select:
    query = sa.select(Pilot)
    if actor.role is Role.OWNER:
        query = query.where(Pilot.organization_id == actor.organization_id)
    return query


def get_pilot(pilot_id: int, actor: User) -> Pilot:
    """A pilot the actor may see; another organization's pilot answers 404."""
    pilot = db.session.scalar(pilots_query(actor).where(Pilot.id == pilot_id))
    if pilot is None:
        raise NotFound(f"No pilot {pilot_id}.")
    return pilot


def get_owned_pilot(pilot_id: int, actor: User) -> Pilot:
    """A pilot of the actor's own organization (owners only act on their own)."""
    if actor.role is not Role.OWNER:
        raise Forbidden("Only the pilot's owners may do this.")
    return get_pilot(pilot_id, actor)


def get_owned_enrollment(enrollment_id: int, actor: User) -> Enrollment:
    if actor.role is not Role.OWNER:
        raise Forbidden("Only the pilot's owners see participants.")
    enrollment = db.session.scalar(
        sa.select(Enrollment)
        .join(Enrollment.pilot)
        .where(Enrollment.id == enrollment_id, Pilot.organization_id == actor.organization_id)
    )
    if enrollment is None:
        raise NotFound(f"No enrollment {enrollment_id}.")
    return enrollment


def list_pilots(actor: User, status: str | None = None) -> list[Pilot]:
    query = pilots_query(actor).order_by(Pilot.created_at.desc(), Pilot.id.desc())
    if status:
        query = query.where(Pilot.status == PilotStatus(status))
    return list(db.session.scalars(query))
