"""Audit log: who did what to which object, and when.

Owns the audit_events table and `record`: every room calls it inside its own transaction (the
caller commits). The admin's log page and API are operations (crossover.ops.audit_log).

May import: db and extensions only: every room below the studies writes to it.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crossover.db import utcnow
from crossover.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    target_type: Mapped[str] = mapped_column(sa.String(32))
    target_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(default=dict)


def record(actor, action: str, target_type: str, target_id: int | None, **details) -> None:
    """Add an audit event to the current unit of work (the caller commits)."""
    db.session.add(
        AuditEvent(
            actor_id=getattr(actor, "id", None),
            organization_id=getattr(actor, "organization_id", None),
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details,
        )
    )


def record_many(actor, action: str, target_type: str, events: list[tuple[int, dict]]) -> None:
    """Add one audit event per (target id, details) in a single executemany (bulk enrolment)."""
    if not events:
        return
    now = utcnow()
    common = {
        "actor_id": getattr(actor, "id", None),
        "organization_id": getattr(actor, "organization_id", None),
        "action": action,
        "target_type": target_type,
        "created_at": now,
    }
    rows = [{**common, "target_id": target_id, "details": details} for target_id, details in events]
    db.session.execute(sa.insert(AuditEvent.__table__), rows)
