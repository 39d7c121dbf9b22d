"""The consortium evidence board: every closed pilot's primary result, pooled per cell and
initiative.

Computed from the packed stored scores in a fixed number of queries, whatever the number of
pilots. Pilots under K pairs are withheld and contribute to no figure at all, so nothing withheld
can be recovered by subtracting visible figures (from any filter) from a visible total.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
import sqlalchemy as sa

from crossover import analysis, waves
from crossover.auth.models import Organization
from crossover.catalogue.models import Initiative, Level, Venue
from crossover.catalogue.services import levels, venues
from crossover.config import privacy_k
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.pilots.cells import cell_columns
from crossover.pilots.models import Allocation, Arm, Enrollment, Pilot, PilotStatus
from crossover.surveys.bulk import aligned_lists, concat_bytes, split_ints, split_strings
from crossover.surveys.models import ResponseScore
from crossover.surveys.packed import RecordLayout

VERDICTS = [v.value for v in analysis.Verdict]
NON_RANDOMISED = "non-randomised comparison"


@dataclass
class PilotRow:
    id: int
    title: str
    organization: str
    organization_name: str
    initiative_id: int
    venue: str
    level: str
    format: str
    ends_on: date
    controlled: bool
    instrument_id: int
    outcome: str
    direction: str
    alpha: float
    test: str
    min_dz: float
    allocation: str | None  # randomised / assigned with a comparison arm, else None

    @property
    def randomised(self) -> bool:
        return self.allocation == Allocation.RANDOMISED.value


def _closed_pilots() -> list[PilotRow]:
    venue_id, level_id = cell_columns()  # where each pilot ran, not where its initiative is now
    rows = db.session.execute(
        sa.select(
            Pilot.id,
            Pilot.title,
            Organization.slug,
            Organization.name,
            Pilot.initiative_id,
            Venue.key,
            Level.key,
            Pilot.format,
            Pilot.ends_on,
            Pilot.has_comparison,
            Pilot.instrument_id,
            Pilot.outcome,
            Pilot.direction,
            Pilot.alpha,
            Pilot.primary_test,
            Pilot.min_dz,
            Pilot.allocation,
        )
        .join(Organization, Organization.id == Pilot.organization_id)
        .join(Initiative, Initiative.id == Pilot.initiative_id)
        .join(Venue, Venue.id == venue_id)
        .join(Level, Level.id == level_id)
        .where(Pilot.status == PilotStatus.CLOSED)
        .order_by(Pilot.id)
    )
    return [
        PilotRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7].value,
            r[8],
            r[9],
            r[10],
            r[11],
            r[12].value,
            r[13],
            r[14].value,
            r[15],
            _allocation(r[9], r[16]),
        )
        for r in rows
    ]


def _allocation(controlled: bool, stored: Allocation | None) -> str | None:
    """As Pilot.allocation_method: with a comparison arm, randomised unless assigned."""
    return (stored or Allocation.RANDOMISED).value if controlled else None


def _arms() -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per closed pilot with a comparison arm: enrollment ids (ascending) and their arms.

    Pilots without one have only participants, so they need no look-up.
    """
    rows = db.session.execute(
        sa.select(Enrollment.pilot_id, *aligned_lists(Enrollment.id, Enrollment.arm))
        .join(Pilot, Pilot.id == Enrollment.pilot_id)
        .where(Pilot.status == PilotStatus.CLOSED, Pilot.has_comparison.is_(True))
        .group_by(Enrollment.pilot_id)
    )
    out = {}
    for pilot_id, ids, arms in rows:
        ids, arms = split_ints(ids), split_strings(arms)
        order = np.argsort(ids, kind="stable")
        out[pilot_id] = (ids[order], arms[order])
    return out


def _waves(head: int) -> dict[tuple[int, str], str]:
    """Per closed pilot and wave (pre, post): the first `head` bytes of each packed record
    (id and scale sums; the item answers are not needed here), concatenated as hex."""
    prefix = sa.func.substr(ResponseScore.packed, 1, head)  # SQLite and PostgreSQL both cut bytes
    rows = db.session.execute(
        sa.select(ResponseScore.pilot_id, ResponseScore.wave, concat_bytes(prefix))
        .where(
            ResponseScore.pilot_id.in_(
                sa.select(Pilot.id).where(Pilot.status == PilotStatus.CLOSED)
            ),
            ResponseScore.wave.in_([waves.PRE, waves.POST]),
        )
        .group_by(ResponseScore.pilot_id, ResponseScore.wave)
    )
    return {(pilot_id, wave): packed for pilot_id, wave, packed in rows}


def _head_length(layouts: list[RecordLayout]) -> int:
    """Bytes of each record the board reads: the id and every scale sum of the widest instrument."""
    return max(layout.head for layout in layouts)


def _scores(
    packed_hex: str | None, layout: RecordLayout, head: int, column: int
) -> tuple[np.ndarray, np.ndarray]:
    if not packed_hex:
        return np.empty(0, dtype=np.int64), np.empty(0)
    records = layout.unpack(bytes.fromhex(packed_hex), record_bytes=head)
    return records.ids, records.scores[:, column]


def _changes(
    pilot: PilotRow, arms, packed: dict, layouts: dict[int, RecordLayout], head: int
) -> dict[str, np.ndarray]:
    """Change (post − pre) of the primary outcome per arm, on the scale's grid (equal changes
    equal)."""
    layout = layouts[pilot.instrument_id]
    column = layout.scales.index(pilot.outcome)
    pre_ids, pre = _scores(packed.get((pilot.id, waves.PRE)), layout, head, column)
    post_ids, post = _scores(packed.get((pilot.id, waves.POST)), layout, head, column)
    common, a, b = np.intersect1d(pre_ids, post_ids, assume_unique=True, return_indices=True)
    change = analysis.on_grid(post[b] - pre[a], layout.counts[column])
    if not pilot.controlled:
        return {Arm.PARTICIPANT.value: change, Arm.COMPARISON.value: np.empty(0)}
    ids, arm_of = arms.get(pilot.id, (np.empty(0, dtype=np.int64), np.empty(0, dtype=object)))
    arm = arm_of[np.searchsorted(ids, common)] if common.size else np.empty(0, dtype=object)
    out = {arm_.value: change[arm == arm_.value] for arm_ in Arm}
    if pilot.randomised:  # the ANCOVA needs the scores themselves
        both = (arm == Arm.PARTICIPANT.value) | (arm == Arm.COMPARISON.value)
        out["ancova"] = (
            pre[a][both],
            post[b][both],
            (arm[both] == Arm.PARTICIPANT.value).astype(float),
        )
    return out


def pilot_result(pilot: PilotRow, changes: dict[str, np.ndarray], k: int) -> dict:
    """A closed pilot's primary result: effect, its variance for pooling, p, verdict."""
    base = {
        "id": pilot.id,
        "title": pilot.title,
        "organization": pilot.organization,
        "organization_name": pilot.organization_name,
        "initiative_id": pilot.initiative_id,
        "venue": pilot.venue,
        "level": pilot.level,
        "format": pilot.format,
        "ends_on": pilot.ends_on.isoformat(),
        "design": "controlled" if pilot.controlled else "uncontrolled pre/post",
        "allocation": pilot.allocation,
        "comparison_label": NON_RANDOMISED
        if pilot.allocation == Allocation.ASSIGNED.value
        else None,
    }
    treated, waiting = changes[Arm.PARTICIPANT.value], changes[Arm.COMPARISON.value]
    n = int(min(treated.size, waiting.size)) if pilot.controlled else int(treated.size)
    common = dict(k=k, alpha=pilot.alpha, min_effect=pilot.min_dz, direction=pilot.direction)
    if n < k:
        verdict = analysis.verdict(n=n, p=None, effect=None, **common)
        return {
            **base,
            "n": None,
            "effect": None,
            "variance": None,
            "ci_low": None,
            "ci_high": None,
            "p": None,
            "verdict": verdict.value,
            "suppressed": True,
        }
    if pilot.randomised:  # the verdict rests on the ANCOVA, pooled on its standardised effect
        fit = analysis.ancova(*changes["ancova"], direction=pilot.direction)
        effect = judged = fit.standardized
        p, constant, variance = fit.p, None, fit.variance
        pairs = int(treated.size + waiting.size)
    elif pilot.controlled:  # the verdict rests on the difference between arms
        test = analysis.welch(treated, waiting, direction=pilot.direction)
        effect = judged = test.hedges_g
        p, constant = test.p, (test.difference if effect is None else None)
        variance = (
            None if effect is None else analysis.smd_variance(effect, treated.size, waiting.size)
        )
        pairs = int(treated.size + waiting.size)
    else:
        effects = analysis.change_effects(treated, with_rank_biserial=False)
        effect, judged = (
            effects.gz,
            effects.dz,
        )  # the verdict judges dz, as in the pilot's own report
        if pilot.test == "wilcoxon":
            p = analysis.signed_rank(treated, direction=pilot.direction).p
        else:
            p = analysis.one_sample_t(treated, direction=pilot.direction, with_ci=False).p
        constant = float(treated[0]) if effect is None and judged is None else None
        variance = None if effect is None else analysis.gz_variance(effect, n)
        pairs = n
    verdict = analysis.verdict(n=n, p=p, effect=judged, constant_change=constant, **common)
    low, high = analysis.normal_interval(effect, variance) if variance is not None else (None, None)
    return {
        **base,
        "n": pairs,
        "effect": effect,
        "variance": variance,
        "ci_low": low,
        "ci_high": high,
        "p": p,
        "verdict": verdict.value,
        "suppressed": False,
    }


def _pool(results: list[dict]) -> dict:
    usable = [r for r in results if not r["suppressed"] and r["effect"] is not None]
    pooled = analysis.dersimonian_laird(
        [r["effect"] for r in usable], [r["variance"] for r in usable]
    )
    return {
        "k": pooled.k,
        "pairs": sum(r["n"] for r in usable),
        "estimate": pooled.estimate,
        "ci_low": pooled.ci_low,
        "ci_high": pooled.ci_high,
        "tau2": pooled.tau2,
        "i2": pooled.i2,
        "p": pooled.p,
        "se": pooled.se,
        "z": pooled.z,
        "q": pooled.q,
        "q_df": pooled.q_df,
        "q_p": pooled.q_p,
        "pi_low": pooled.pi_low,
        "pi_high": pooled.pi_high,
    }


def _summary(results: list[dict]) -> dict:
    reportable = [r for r in results if not r["suppressed"]]
    return {
        "pilots": len(results),
        "withheld_pilots": len(results) - len(reportable),
        "organizations": len({r["organization"] for r in results}),
        "pairs": sum(r["n"] for r in reportable),
        "randomised": _pool([r for r in results if r["allocation"] == Allocation.RANDOMISED.value]),
        "controlled": _pool([r for r in results if r["allocation"] == Allocation.ASSIGNED.value]),
        "uncontrolled": _pool([r for r in results if r["design"] != "controlled"]),
        "verdicts": {v: sum(1 for r in results if r["verdict"] == v) for v in VERDICTS},
    }


def _matches(result: dict, filters: dict) -> bool:
    if filters.get("organization") and result["organization"] != filters["organization"]:
        return False
    if filters.get("format") and result["format"] != filters["format"]:
        return False
    ends = date.fromisoformat(result["ends_on"])
    if filters.get("ended_from") and ends < filters["ended_from"]:
        return False
    return not (filters.get("ended_to") and ends > filters["ended_to"])


def all_results(k: int) -> list[dict]:
    """Every closed pilot's primary result, with Benjamini–Hochberg p across all of them."""
    pilots = _closed_pilots()
    if not pilots:
        return []
    instruments = list(
        db.session.scalars(
            sa.select(Instrument).where(Instrument.id.in_({p.instrument_id for p in pilots}))
        )
    )
    layouts = {i.id: RecordLayout.of(i) for i in instruments}
    head = _head_length(list(layouts.values()))
    arms, packed = _arms(), _waves(head)
    results = [pilot_result(p, _changes(p, arms, packed, layouts, head), k) for p in pilots]
    adjusted = analysis.benjamini_hochberg([r["p"] for r in results])
    for result, p_bh in zip(results, adjusted, strict=True):
        result["p_bh"] = p_bh
    return results


def board(
    filters: dict | None = None,
    *,
    with_variance: bool = False,
    results: list[dict] | None = None,
) -> dict:
    """The 7×3 grid of pooled effects, the same per initiative, and the pilot list.

    `with_variance` keeps each pilot's sampling variance, which the pages need for the forest
    plots' weights; the API leaves it out. `results` are all_results already computed by the
    caller for this request (they are read, never changed).
    """
    filters = filters or {}
    k = privacy_k()
    every = all_results(k) if results is None else results
    results = [r for r in every if _matches(r, filters)]
    by_cell, by_initiative = defaultdict(list), defaultdict(list)
    for result in results:
        cell = (result["venue"], result["level"])
        by_cell[cell].append(result)
        # One entry per initiative and cell its pilots ran in: a moved initiative's old pilots stay
        # put.
        by_initiative[(result["initiative_id"], *cell)].append(result)
    cells = [
        {"venue": v.key, "level": lv.key, **_summary(by_cell[(v.key, lv.key)])}
        for lv in levels()
        for v in venues()
    ]
    ids = {i for i, _, _ in by_initiative}
    titles = (
        {i.id: i for i in db.session.scalars(sa.select(Initiative).where(Initiative.id.in_(ids)))}
        if ids
        else {}
    )
    initiatives = [
        {
            "initiative_id": i,
            "title_ja": titles[i].title_ja,
            "title_en": titles[i].title_en,
            "venue": venue,
            "level": level,
            **_summary(rows),
        }
        for (i, venue, level), rows in sorted(by_initiative.items())
    ]
    public = (
        results
        if with_variance
        else [{key: value for key, value in r.items() if key != "variance"} for r in results]
    )
    return {
        "privacy_k": k,
        "filters": {key: str(value) for key, value in filters.items()},
        "cells": cells,
        "initiatives": initiatives,
        "pilots": public,
        "verdicts": dict(Counter(r["verdict"] for r in results)),
    }
