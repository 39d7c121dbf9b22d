"""Catalogue rules: grid counts, filtered listing, creating and editing initiatives."""

from flask_babel import get_locale
import sqlalchemy as sa

from crossover import audit
from crossover.auth.models import Role, User
from crossover.catalogue.models import Initiative, InitiativeStatus, Level, ReferenceOption, Venue
from crossover.db import page_of
from crossover.extensions import db
from crossover.web.errors import Conflict, Forbidden, Invalid, NotFound

REFERENCE_KINDS = {
    "age_bands": "age_band",
    "career_phases": "career_phase",
    "concerns": "concern",
    "formats": "format",
    "effects": "effect",
}


def venues() -> list[Venue]:
    return list(db.session.scalars(sa.select(Venue).order_by(Venue.position, Venue.id)))


def levels() -> list[Level]:
    return list(db.session.scalars(sa.select(Level).order_by(Level.position, Level.id)))


def options(kind: str) -> list[ReferenceOption]:
    return list(
        db.session.scalars(
            sa.select(ReferenceOption)
            .where(ReferenceOption.kind == kind)
            .order_by(ReferenceOption.position, ReferenceOption.id)
        )
    )


def option_notes(
    column: str, kind: str, allowed: list[str] | None = None
) -> list[tuple[str, str, str]]:
    """A template CSV's notes for one column: each option's code and its label in the page's
    language (only the allowed ones, when given)."""
    lang = str(get_locale())
    return [
        (column, o.key, getattr(o, f"label_{lang}"))
        for o in options(kind)
        if not allowed or o.key in allowed
    ]


def option_keys(kind: str) -> set[str]:
    return {o.key for o in options(kind)}


def reference() -> dict[str, list[dict]]:
    """Every choice list a form or client needs, with ja/en labels."""
    result = {
        name: [
            {"key": o.key, "label_ja": o.label_ja, "label_en": o.label_en} for o in options(kind)
        ]
        for name, kind in REFERENCE_KINDS.items()
    }
    result["venues"] = [
        {"key": v.key, "label_ja": v.name_ja, "label_en": v.name_en} for v in venues()
    ]
    result["levels"] = [
        {"key": lv.key, "label_ja": lv.name_ja, "label_en": lv.name_en} for lv in levels()
    ]
    return result


def grid() -> dict:
    """Venues, levels and the number of live initiatives in each of their cells."""
    counts = {
        (venue_id, level_id): n
        for venue_id, level_id, n in db.session.execute(
            sa.select(Initiative.venue_id, Initiative.level_id, sa.func.count())
            .where(Initiative.status != InitiativeStatus.RETIRED)
            .group_by(Initiative.venue_id, Initiative.level_id)
        )
    }
    all_venues, all_levels = venues(), levels()
    cells = [
        {"venue": v.key, "level": lv.key, "initiatives": counts.get((v.id, lv.id), 0)}
        for lv in all_levels
        for v in all_venues
    ]
    return {"venues": all_venues, "levels": all_levels, "cells": cells}


def _venue(key: str) -> Venue:
    venue = db.session.scalar(sa.select(Venue).where(Venue.key == key))
    if venue is None:
        raise Invalid("Unknown venue.", {"venue": [f"Unknown venue {key!r}."]})
    return venue


def _level(key: str) -> Level:
    level = db.session.scalar(sa.select(Level).where(Level.key == key))
    if level is None:
        raise Invalid("Unknown level.", {"level": [f"Unknown level {key!r}."]})
    return level


def initiatives_query(
    venue: str | None = None,
    level: str | None = None,
    q: str | None = None,
    status: str | None = None,
) -> sa.Select:
    """A select of initiatives matching the filters, in grid order."""
    query = sa.select(Initiative).join(Initiative.venue).join(Initiative.level)
    if venue:
        query = query.where(Initiative.venue_id == _venue(venue).id)
    if level:
        query = query.where(Initiative.level_id == _level(level).id)
    if status:
        query = query.where(Initiative.status == InitiativeStatus(status))
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(
            sa.or_(
                Initiative.title_ja.ilike(pattern),
                Initiative.title_en.ilike(pattern),
                Initiative.description_ja.ilike(pattern),
                Initiative.description_en.ilike(pattern),
            )
        )
    return query.order_by(Venue.position, Level.position, Initiative.id)


def list_initiatives(
    filters: dict, page: int = 1, page_size: int = 50
) -> tuple[list[Initiative], int]:
    """One page of matching initiatives and the total count."""
    query = initiatives_query(**filters)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    return page_of(db.session, query, page, page_size), total


def get_initiative(initiative_id: int) -> Initiative:
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None:
        raise NotFound(f"No initiative {initiative_id}.")
    return initiative


def _values(data: dict) -> dict:
    """The stored values a payload asks for: keys looked up, effects checked, texts trimmed."""
    values = {}
    if "venue" in data:
        values["venue"] = _venue(data["venue"])
    if "level" in data:
        values["level"] = _level(data["level"])
    if "effects" in data:
        unknown = sorted(set(data["effects"]) - option_keys("effect"))
        if unknown:
            raise Invalid(
                "Unknown effect tag.", {"effects": [f"Unknown effect {k!r}." for k in unknown]}
            )
        values["effects"] = list(dict.fromkeys(data["effects"]))
    if "status" in data:
        values["status"] = InitiativeStatus(data["status"])
    for field in ("title_ja", "title_en", "description_ja", "description_en"):
        if field in data:
            values[field] = data[field].strip()
    return values


def _apply(initiative: Initiative, values: dict) -> None:
    for field, value in values.items():
        setattr(initiative, field, value)


def create_initiative(data: dict, *, actor: User) -> Initiative:
    """Add an initiative to the catalogue."""
    initiative = Initiative(
        created_by_id=actor.id, description_ja="", description_en="", effects=[]
    )
    _apply(initiative, _values(data))
    db.session.add(initiative)
    db.session.flush()
    audit.record(actor, "initiative.create", "initiative", initiative.id)
    db.session.commit()
    return initiative


def may_edit(initiative: Initiative, actor: User) -> bool:
    """Whether the actor may edit this entry at all (what it may change is
    `update_initiative`'s)."""
    # Shipped entries belong to the consortium; an owner edits what its organization added.
    if actor.role is Role.ADMIN:
        return True
    if initiative.key is not None or initiative.created_by_id is None:
        return False
    creator = db.session.get(User, initiative.created_by_id)
    return creator is not None and creator.organization_id == actor.organization_id


class InitiativeInUse(Conflict):
    """Another organization runs (or ran) a pilot of the initiative an owner tried to change."""

    def __init__(self, fields: list[str]):
        super().__init__(
            "A pilot of another organization uses this initiative: its owners can no longer move, "
            "retire or rewrite it; an admin can.",
            {field: ["Used by another organization's pilot."] for field in fields},
        )
        self.fields = fields


# The catalogue sits below pilots (they import it), so it reads who uses an initiative through a
# bare table clause rather than the Pilot model.
_pilots = sa.table("pilots", sa.column("initiative_id"), sa.column("organization_id"))


def _used_by_other_organization(initiative: Initiative, organization_id: int) -> bool:
    # Lock the entry first: on PostgreSQL this waits for a pilot being registered on it right now
    # (its foreign key check holds a key-share lock), so that pilot is seen below.
    db.session.execute(
        sa.select(Initiative.id).where(Initiative.id == initiative.id).with_for_update()
    )
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    _pilots.c.initiative_id == initiative.id,
                    _pilots.c.organization_id != organization_id,
                )
            )
        )
    )


def update_initiative(initiative: Initiative, data: dict, *, actor: User) -> Initiative:
    """Change the named fields of an initiative.

    Admins may change any entry; closed pilots keep the cell they ran in (crossover.pilots.cells).
    An owner may change its organization's own entries freely while only its own pilots use them,
    and not at all once another organization's pilot (of any status) does: that pilot was planned
    against this cell and text. Fields sent unchanged are not changes (a form sends them all).
    """
    if not may_edit(initiative, actor):
        raise Forbidden(
            "Only admins edit shipped initiatives; owners edit their organization's own."
        )
    values = _values(data)
    changed = sorted(f for f, value in values.items() if getattr(initiative, f) != value)
    if (
        changed
        and actor.role is not Role.ADMIN
        and _used_by_other_organization(initiative, actor.organization_id)
    ):
        raise InitiativeInUse(changed)
    _apply(initiative, values)
    audit.record(actor, "initiative.update", "initiative", initiative.id, fields=sorted(data))
    db.session.commit()
    return initiative
