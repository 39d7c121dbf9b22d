"""A pilot's lifecycle: draft → recruiting → running → closed, and what each move fixes."""

from crossover import audit
from crossover.auth.models import User
from crossover.db import utcnow
from crossover.extensions import db
from crossover.pilots import allocation
from crossover.pilots.cells import keep_cell
from crossover.pilots.models import Pilot, PilotStatus
from crossover.web.errors import Conflict

NEXT_STATUS = {
    PilotStatus.DRAFT: PilotStatus.RECRUITING,
    PilotStatus.RECRUITING: PilotStatus.RUNNING,
    PilotStatus.RUNNING: PilotStatus.CLOSED,
}


def transition(pilot: Pilot, to: str, *, actor: User) -> Pilot:
    """Move a pilot along draft → recruiting → running → closed."""
    target = PilotStatus(to)
    if NEXT_STATUS.get(pilot.status) is not target:
        allowed = NEXT_STATUS.get(pilot.status)
        hint = f" It can only become {allowed.value}." if allowed else " It is finished."
        raise Conflict(
            f"A {pilot.status.value} pilot cannot become {target.value}.{hint}",
            {"to": [f"Not allowed from {pilot.status.value}."]},
        )
    if pilot.status is PilotStatus.DRAFT:
        pilot.preregistered_at = utcnow()
        if pilot.randomised and pilot.allocation_seed is None:
            pilot.allocation_seed = (
                allocation.new_seed()
            )  # never in the audit log: kept until closed
    if target is PilotStatus.CLOSED:
        keep_cell(pilot)
    previous = pilot.status
    pilot.status = target
    audit.record(
        actor, "pilot.transition", "pilot", pilot.id, **{"from": previous.value, "to": target.value}
    )
    db.session.commit()
    return pilot
