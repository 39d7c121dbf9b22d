"""Instruments as a survey reads them, cached per process.

An invitation exists only for a pilot past draft, and an instrument such a pilot uses never
changes (edits make a new version), so its items are read once per process. The cache key holds
the creation time too: an id alone could name another row in another database (tests).
"""

from dataclasses import dataclass
from datetime import datetime

from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.surveys.packed import RecordLayout

MAX_CACHED = 256


@dataclass(frozen=True)
class FrozenItem:
    key: str
    subscale: str
    reverse: bool
    text_ja: str
    text_en: str


@dataclass(frozen=True)
class FrozenInstrument:
    id: int
    scale_min: int
    scale_max: int
    anchors: tuple[dict, ...]
    items: tuple[FrozenItem, ...]
    layout: RecordLayout

    @property
    def subscales(self) -> tuple[str, ...]:
        return self.layout.subscales


_cache: dict[tuple[int, datetime], FrozenInstrument] = {}


def _freeze(instrument: Instrument) -> FrozenInstrument:
    items = tuple(
        FrozenItem(i.key, i.subscale, i.reverse, i.text_ja, i.text_en) for i in instrument.items
    )
    return FrozenInstrument(
        instrument.id,
        instrument.scale_min,
        instrument.scale_max,
        tuple(dict(a) for a in instrument.anchors),
        items,
        RecordLayout.of(instrument),
    )


def frozen_instrument(instrument_id: int, created_at: datetime) -> FrozenInstrument:
    """The instrument of a pilot past draft; read from the database once per process."""
    key = (instrument_id, created_at)
    if (found := _cache.get(key)) is None:
        if len(_cache) >= MAX_CACHED:
            _cache.clear()
        found = _cache[key] = _freeze(db.session.get(Instrument, instrument_id))
    return found
