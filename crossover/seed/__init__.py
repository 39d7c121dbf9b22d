"""Idempotent loader for the shipped grid, reference lists and catalogue.

Owns the shipped data (crossover.seed.data) and `seed_all`, which the CLI and the demo call; the
shipped questionnaire itself belongs to the instruments (crossover.instruments.shipped).

May import: catalogue and instruments (the rows it fills in), extensions. Only the CLI and the
demo import it.
"""

import sqlalchemy as sa

from crossover.catalogue.models import Initiative, Level, ReferenceOption, Venue
from crossover.extensions import db
from crossover.seed import data


def _upsert(model, lookup: dict, values: dict) -> bool:
    """Insert a row when it is missing; never overwrite what an admin has changed."""
    existing = db.session.scalar(sa.select(model).filter_by(**lookup))
    if existing is not None:
        return False
    db.session.add(model(**lookup, **values))
    return True


def seed_grid() -> int:
    added = 0
    for position, (key, ja, en) in enumerate(data.VENUES):
        added += _upsert(Venue, {"key": key}, {"name_ja": ja, "name_en": en, "position": position})
    for position, (key, ja, en, desc_ja, desc_en) in enumerate(data.LEVELS):
        added += _upsert(
            Level,
            {"key": key},
            {
                "name_ja": ja,
                "name_en": en,
                "description_ja": desc_ja,
                "description_en": desc_en,
                "position": position,
            },
        )
    db.session.flush()
    return added


def seed_reference_options() -> int:
    added = 0
    for kind, options in data.REFERENCE_OPTIONS.items():
        for position, (key, ja, en) in enumerate(options):
            added += _upsert(
                ReferenceOption,
                {"kind": kind, "key": key},
                {"label_ja": ja, "label_en": en, "position": position},
            )
    return added


def seed_initiatives() -> int:
    venues = {v.key: v for v in db.session.scalars(sa.select(Venue))}
    levels = {lv.key: lv for lv in db.session.scalars(sa.select(Level))}
    added = 0
    for key, venue, level, title_ja, title_en, desc_ja, desc_en, effects in data.INITIATIVES:
        if venue not in venues or level not in levels:
            continue  # an admin removed this grid axis; do not resurrect it
        added += _upsert(
            Initiative,
            {"key": key},
            {
                "venue": venues[venue],
                "level": levels[level],
                "title_ja": title_ja,
                "title_en": title_en,
                "description_ja": desc_ja,
                "description_en": desc_en,
                "effects": list(effects),
            },
        )
    return added


def seed_instrument() -> int:
    """The default career ownership scale, consortium-wide, version 1."""
    from crossover.instruments import shipped
    from crossover.instruments.models import Instrument, InstrumentItem

    if db.session.scalar(sa.select(Instrument).where(Instrument.key == shipped.KEY)) is not None:
        return 0
    db.session.add(
        Instrument(
            key=shipped.KEY,
            family=shipped.KEY,
            version=1,
            name=shipped.NAME,
            scale_min=shipped.SCALE_MIN,
            scale_max=shipped.SCALE_MAX,
            anchors=[{"value": v, "label_ja": ja, "label_en": en} for v, ja, en in shipped.ANCHORS],
            items=[
                InstrumentItem(
                    position=i, key=key, subscale=subscale, reverse=reverse, text_ja=ja, text_en=en
                )
                for i, (key, subscale, reverse, ja, en) in enumerate(shipped.ITEMS)
            ],
        )
    )
    return 1


SEEDERS = [seed_grid, seed_reference_options, seed_initiatives, seed_instrument]


def seed_all() -> dict[str, int]:
    """Load every shipped dataset; running it twice adds nothing."""
    counts = {seeder.__name__.removeprefix("seed_"): seeder() for seeder in SEEDERS}
    db.session.commit()
    return counts
