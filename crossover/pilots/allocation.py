"""Randomised allocation: permuted blocks of random size 2 or 4 within strata (DESIGN.md).

Each stratum's sequence of arms is a pure function of the pilot's secret seed and the stratum's
name, so the n-th person of a stratum gets the n-th arm of that sequence whatever else happens;
the slot taken is stored with the enrollment and every assignment is audited.
"""

from collections import Counter
import hashlib
import random
import secrets

import sqlalchemy as sa

from crossover.extensions import db
from crossover.pilots.models import Arm, Enrollment, Pilot

BLOCK_SIZES = (2, 4)


def new_seed() -> str:
    return secrets.token_hex(16)


def stratum_of(pilot: Pilot, row) -> str:
    """The stratum name of a person (a dict or an enrollment): "age_band=30-34|career_phase=…"."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    fields = pilot.stratum_fields
    return "|".join(f"{name}={get(name)}" for name in fields) if fields else "all"


def block_sequence(seed: str, stratum: str, length: int) -> list[Arm]:
    """The first `length` arms of a stratum: blocks of 2 or 4 (chosen at random), each half
    participants and half comparison in random order."""
    rng = random.Random(hashlib.sha256(f"{seed}|{stratum}".encode()).digest())
    arms: list[Arm] = []
    while len(arms) < length:
        size = rng.choice(BLOCK_SIZES)
        block = [Arm.PARTICIPANT, Arm.COMPARISON] * (size // 2)
        rng.shuffle(block)
        arms += block
    return arms[:length]


def _next_slots(pilot: Pilot) -> Counter:
    """Per stratum, the next free slot (the pilot row is locked first: one allocator at a time)."""
    db.session.execute(sa.select(Pilot.id).where(Pilot.id == pilot.id).with_for_update())
    rows = db.session.execute(
        sa.select(Enrollment.stratum, sa.func.max(Enrollment.allocation_slot))
        .where(Enrollment.pilot_id == pilot.id, Enrollment.allocation_slot.is_not(None))
        .group_by(Enrollment.stratum)
    )
    return Counter({stratum: top + 1 for stratum, top in rows})


def assign(pilot: Pilot, rows: list[dict]) -> None:
    """Give each row (in order) its arm, stratum and slot from the pilot's sequences."""
    slots = _next_slots(pilot)
    strata = [stratum_of(pilot, row) for row in rows]
    wanted = Counter(strata)
    sequences = {
        s: block_sequence(pilot.allocation_seed, s, slots[s] + n) for s, n in wanted.items()
    }
    for row, stratum in zip(rows, strata, strict=True):
        slot = slots[stratum]
        slots[stratum] += 1
        row.update(arm=sequences[stratum][slot].value, stratum=stratum, allocation_slot=slot)


def balance(pilot: Pilot, people) -> dict[str, Counter]:
    """People per arm in each stratum (people: enrollments or rows with age band, phase and arm)."""
    out: dict[str, Counter] = {}
    for person in people:
        arm = person["arm"] if isinstance(person, dict) else person.arm.value
        out.setdefault(stratum_of(pilot, person), Counter())[arm] += 1
    return out
