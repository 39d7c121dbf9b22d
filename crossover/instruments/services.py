"""Instrument rules: who sees which, and versioning once a running pilot uses one.

Imports: audit, auth, db and the request edge's errors; which instruments are frozen is asked of
the studies through crossover.instruments.in_use, never imported from them.
"""

import uuid

import sqlalchemy as sa

from crossover import audit
from crossover.auth.models import Organization, Role, User
from crossover.extensions import db
from crossover.instruments import in_use, shipped
from crossover.instruments.models import Instrument, InstrumentItem
from crossover.web.errors import Forbidden, Invalid, NotFound


def _visible(actor: User) -> sa.ColumnElement[bool]:
    if actor.role is Role.OWNER:
        return sa.or_(
            Instrument.organization_id.is_(None),
            Instrument.organization_id == actor.organization_id,
        )
    return sa.true()


def list_instruments(actor: User) -> list[Instrument]:
    query = (
        sa.select(Instrument).where(_visible(actor)).order_by(Instrument.family, Instrument.version)
    )
    return _annotate(list(db.session.scalars(query)))


def default_instrument() -> Instrument | None:
    """The shipped career ownership scale, which pilots and company surveys use unless told
    otherwise; None until `crossover seed` has run."""
    return db.session.scalar(sa.select(Instrument).where(Instrument.key == shipped.KEY))


def chosen_instrument(instrument_id: int | None, actor: User) -> Instrument:
    """The instrument a new study names (visible to the actor), else the shipped scale; 422
    naming instrument_id when there is neither."""
    if instrument_id is None:
        if (instrument := default_instrument()) is None:
            raise Invalid(
                "No default instrument; run `crossover seed`.", {"instrument_id": ["Required."]}
            )
        return instrument
    try:
        return get_instrument(instrument_id, actor)
    except NotFound:
        raise Invalid("Unknown instrument.", {"instrument_id": ["No such instrument."]}) from None


def get_instrument(instrument_id: int, actor: User) -> Instrument:
    """An instrument the actor may see; another organization's answers 404."""
    instrument = db.session.scalar(
        sa.select(Instrument).where(Instrument.id == instrument_id, _visible(actor))
    )
    if instrument is None:
        raise NotFound(f"No instrument {instrument_id}.")
    return _annotate([instrument])[0]


def is_frozen(instrument: Instrument) -> bool:
    """Whether a study uses the instrument so that its edits make a new version (a pilot past
    draft, a company survey round): each study answers for itself (in_use)."""
    return instrument.id in in_use.frozen_ids({instrument.id})


def _annotate(instruments: list[Instrument]) -> list[Instrument]:
    """Attach the display-only attributes the schema reads (frozen, organization slug): two
    queries."""
    frozen = in_use.frozen_ids({i.id for i in instruments})
    org_ids = {i.organization_id for i in instruments} - {None}
    slugs = (
        dict(
            db.session.execute(
                sa.select(Organization.id, Organization.slug).where(Organization.id.in_(org_ids))
            ).all()
        )
        if org_ids
        else {}
    )
    for instrument in instruments:
        instrument.frozen = instrument.id in frozen
        instrument.organization_slug = slugs.get(instrument.organization_id)
    return instruments


def _fill(instrument: Instrument, data: dict) -> None:
    instrument.name = data["name"].strip()
    instrument.scale_min, instrument.scale_max = data["scale_min"], data["scale_max"]
    instrument.anchors = sorted(data.get("anchors", []), key=lambda a: a["value"])
    instrument.items = [
        InstrumentItem(
            position=i,
            key=item["key"],
            text_ja=item["text_ja"],
            text_en=item["text_en"],
            subscale=item["subscale"],
            reverse=item.get("reverse", False),
        )
        for i, item in enumerate(data["items"])
    ]


def create_instrument(data: dict, *, actor: User, key: str | None = None) -> Instrument:
    """Create version 1 of a new questionnaire (an owner's belongs to its organization)."""
    instrument = Instrument(
        key=key,
        family=str(uuid.uuid4()),
        version=1,
        created_by_id=getattr(actor, "id", None),
        organization_id=actor.organization_id
        if getattr(actor, "role", None) is Role.OWNER
        else None,
    )
    _fill(instrument, data)
    db.session.add(instrument)
    db.session.flush()
    audit.record(actor, "instrument.create", "instrument", instrument.id)
    db.session.commit()
    return _annotate([instrument])[0]


def revise_instrument(instrument: Instrument, data: dict, *, actor: User) -> Instrument:
    """Change an instrument in place, or as a new version when a running pilot uses it."""
    if actor.role is Role.OWNER and instrument.organization_id != actor.organization_id:
        raise Forbidden("Only admins change consortium-wide instruments.")
    if is_frozen(instrument):
        latest = db.session.scalar(
            sa.select(sa.func.max(Instrument.version)).where(Instrument.family == instrument.family)
        )
        revised = Instrument(
            family=instrument.family,
            version=latest + 1,
            organization_id=instrument.organization_id,
            created_by_id=actor.id,
        )
        _fill(revised, data)
        db.session.add(revised)
        db.session.flush()
        audit.record(
            actor, "instrument.new_version", "instrument", revised.id, previous=instrument.id
        )
        db.session.commit()
        return _annotate([revised])[0]
    instrument.items.clear()
    db.session.flush()  # delete the old items before their keys are reused
    _fill(instrument, data)
    audit.record(actor, "instrument.update", "instrument", instrument.id)
    db.session.commit()
    return _annotate([instrument])[0]
